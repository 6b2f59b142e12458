//! The thread that waits for Ctrl-C: `signal-hook`'s self-pipe, read by one
//! thread, so no signal is ever blocked and no handler of ours runs.
//!
//! Why not `sigwait`, the textbook design: it needs the signals blocked in
//! every thread, and `std::process::Command` does not reset the signal
//! mask of a child (measured: a child spawned with `SIGINT` and `SIGTERM`
//! blocked reports `SigBlk: 0000000000004002` in `/proc/self/status`). Every
//! child would start with Ctrl-C and `SIGTERM` blocked, so
//! a `SIGTERM` from [`crate::popen::Popen::signal`] would not end a child that does not
//! reset its own mask (CPython does not). `signal-hook` installs a handler
//! that writes the signal's number to a pipe; `exec` resets a handled
//! signal to its default, so an exec'd child starts clean
//! (`interrupt_leaves_children_a_clean_signal_state` in the tests checks it).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::thread::JoinHandle;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGUSR2};
use signal_hook::iterator::Signals;

/// The signals that end the program.
pub(super) const ENDING: [i32; 3] = [SIGINT, SIGTERM, SIGHUP];
/// The private signal that tells the thread to stop for a fork
/// ([`super::without_watcher`]). It is ignored unless [`PAUSING`] is set, so
/// a stray `SIGUSR2` cannot silence Ctrl-C.
const PAUSE: i32 = SIGUSR2;
static PAUSING: AtomicBool = AtomicBool::new(false);

/// The running thread, or its handlers while it is paused for a fork.
enum State {
    Off,
    Running(JoinHandle<Signals>),
    Paused(Signals),
}

static STATE: Mutex<State> = Mutex::new(State::Off);

fn state() -> MutexGuard<'static, State> {
    // A panic while holding the lock leaves plain data behind: still usable.
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Installs the handlers (once) and starts the thread; `on_signal` runs in
/// it for the first ending signal and does not return. While the thread is
/// paused, this does nothing: the pause's owner resumes it ([`resume`]).
pub(super) fn start(on_signal: fn(i32) -> !) -> std::io::Result<()> {
    let mut st = state();
    if matches!(*st, State::Off) {
        let signals = Signals::new(ENDING.into_iter().chain([PAUSE]))?;
        *st = State::Running(spawn(signals, on_signal)?);
    }
    Ok(())
}

/// Starts the paused thread again, with the handlers it had.
pub(super) fn resume(on_signal: fn(i32) -> !) -> std::io::Result<()> {
    let mut st = state();
    if let State::Paused(signals) = std::mem::replace(&mut *st, State::Off) {
        *st = State::Running(spawn(signals, on_signal)?);
    }
    Ok(())
}

fn spawn(mut signals: Signals, on_signal: fn(i32) -> !) -> std::io::Result<JoinHandle<Signals>> {
    std::thread::Builder::new()
        .name("interrupt".into())
        .spawn(move || {
            loop {
                let mut pause = false;
                for sig in signals.wait() {
                    if sig != PAUSE {
                        on_signal(sig);
                    }
                    pause |= PAUSING.load(Ordering::SeqCst);
                }
                if pause {
                    return signals;
                }
            }
        })
}

/// Stops the thread (if it runs) and keeps its handlers for [`resume`]; a
/// signal that arrives meanwhile waits in the pipe. Returns whether it was
/// running.
pub(super) fn pause() -> bool {
    let mut st = state();
    let handle = match std::mem::replace(&mut *st, State::Off) {
        State::Running(handle) => handle,
        other => {
            // Off, or paused (also in a forked child of a paused parent,
            // whose copy of the handlers' pipe may already be closed):
            // leave it so; dropping the handlers would close that pipe.
            *st = other;
            return false;
        }
    };
    PAUSING.store(true, Ordering::SeqCst);
    // Thread-directed, handled: the handler writes to the pipe, the thread wakes.
    let _ = signal_hook::low_level::raise(PAUSE);
    let joined = handle.join();
    PAUSING.store(false, Ordering::SeqCst);
    match joined {
        Ok(signals) => {
            *st = State::Paused(signals);
            true
        }
        // The thread only ends by returning its handlers or by exiting the program.
        Err(_) => false,
    }
}
