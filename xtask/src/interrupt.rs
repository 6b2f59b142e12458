//! Ctrl-C (and `kill`) for xtask: end everything the run started, at once.
//!
//! Each demo runs in its own process group (so a hang can be killed as a
//! whole), which also means the terminal's SIGINT reaches xtask alone. So:
//!
//! 1. [`install`] blocks SIGINT and SIGTERM in every thread of xtask and
//!    waits for them on one thread with `sigwait`: no handler runs at an
//!    arbitrary point, the signal is just a flag ([`interrupted`]). Children
//!    start with an empty signal mask (std resets it before `exec`).
//! 2. The runner sees the flag within its 20 ms poll, forwards SIGINT to the
//!    demo's group so the demo can clean up, and after a grace period kills
//!    the group ([`crate::runner::run_demo`]).
//!
//! What a demo starts in process groups of its own (CPython scripts, pool
//! workers) is the demo's to end on SIGINT; xtask ends the demo's group.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering::SeqCst};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// The signal that interrupted the run (0: none yet).
static SIGNAL: AtomicI32 = AtomicI32::new(0);

/// Whether SIGINT or SIGTERM arrived.
pub fn interrupted() -> bool {
    INTERRUPTED.load(SeqCst)
}

/// The exit status after an interrupt: 128 + the signal, as a shell reports it.
pub fn exit_status() -> u8 {
    128u8.saturating_add(SIGNAL.load(SeqCst).clamp(0, 127) as u8)
}

fn signal_set() -> libc::sigset_t {
    // SAFETY: sigemptyset/sigaddset initialise and fill a local sigset_t
    // that we own; they only write to it.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        set
    }
}

/// Blocks SIGINT and SIGTERM and starts the thread that waits for them.
/// Call first in `main`, before any other thread exists (threads inherit
/// the blocked mask).
pub fn install() -> anyhow::Result<()> {
    let set = signal_set();
    // SAFETY: pthread_sigmask reads the set we built and changes only this
    // thread's mask; a null old-set pointer is allowed.
    let rc = unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) };
    anyhow::ensure!(rc == 0, "pthread_sigmask failed ({rc})");
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            loop {
                let mut sig: libc::c_int = 0;
                // SAFETY: sigwait reads the set and writes the signal number
                // into our local; both outlive the call.
                let rc = unsafe { libc::sigwait(&set, &mut sig) };
                if rc == 0 {
                    SIGNAL.store(sig, SeqCst);
                    INTERRUPTED.store(true, SeqCst);
                    eprintln!(
                        "\nxtask: interrupted ({}); stopping the demo and everything it started",
                        if sig == libc::SIGINT {
                            "SIGINT"
                        } else {
                            "SIGTERM"
                        }
                    );
                }
            }
        })?;
    Ok(())
}
