//! Ctrl-C with children in process groups of their own: kill those groups, then exit.
//!
//! [`crate::popen::Popen`] starts every child in a process group of its own,
//! so that a kill reaches what the child started (`sh -c 'sleep 100'`). The
//! price: the terminal's Ctrl-C goes to the *foreground* group only, which
//! is ours and not the children's. Without help, Ctrl-C would end this
//! program and leave its children running, orphaned, with no guard left to
//! reap them.
//!
//! The help is [`kill_children_on_interrupt`]: every live `Popen` is listed
//! in a registry (added at spawn, removed once reaped), and a thread waits
//! for `SIGINT`, `SIGTERM` or `SIGHUP` with `sigwait` (no signal handler, so
//! no `unsafe`), kills every listed group with `SIGKILL` and exits with
//! status 128 + the signal's number, as a shell reports a death by that
//! signal. The killed children are then reaped by init.
//!
//! A library user who wants the same calls it first thing in `main`, before
//! starting any thread: the signals are blocked in the calling thread and
//! in every thread it starts afterwards, so that only the waiting thread
//! receives them. (A child's signal mask is reset by `std::process`, so
//! children are not affected.)
//!
//! ```no_run
//! // First thing in `main`, before any thread starts:
//! subprocess_pipes::interrupt::kill_children_on_interrupt()?;
//! // ... start children with Popen / Run; Ctrl-C now also ends them.
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeSet;
use std::sync::{Mutex, MutexGuard};

use nix::sys::signal::{SigSet, Signal, killpg};
use nix::unistd::Pid;

/// Process groups of the live `Popen` children (each led by the child's pid).
static GROUPS: Mutex<BTreeSet<i32>> = Mutex::new(BTreeSet::new());

fn groups() -> MutexGuard<'static, BTreeSet<i32>> {
    // A panic while holding the lock leaves a plain set behind: still usable.
    GROUPS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Lists the group led by `pid` (called at spawn).
pub(crate) fn register(pid: u32) {
    groups().insert(pid as i32);
}

/// Forgets the group led by `pid` (called once the child is reaped).
///
/// Between the reaping and this call, the interrupt thread could still
/// kill the group; its id cannot have been reused by then unless the
/// whole pid space wrapped around in those microseconds.
pub(crate) fn forget(pid: u32) {
    groups().remove(&(pid as i32));
}

/// The process groups of the children alive now (started by `Popen`, not
/// yet reaped), in increasing order.
pub fn live_groups() -> Vec<i32> {
    groups().iter().copied().collect()
}

/// Blocks `SIGINT`, `SIGTERM` and `SIGHUP` in this thread (and so in every
/// thread started after it) and starts a thread that, when one of them
/// arrives, kills the process group of every live `Popen` child and exits
/// the program with status 128 + the signal's number. Call it once, first
/// thing in `main`. See the module docs.
pub fn kill_children_on_interrupt() -> std::io::Result<()> {
    let mut set = SigSet::empty();
    for sig in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        set.add(sig);
    }
    set.thread_block()?;
    std::thread::Builder::new()
        .name("interrupt".into())
        .spawn(move || {
            let sig = loop {
                if let Ok(sig) = set.wait() {
                    break sig;
                }
            };
            let listed = live_groups();
            for &pgid in &listed {
                let _ = killpg(Pid::from_raw(pgid), Signal::SIGKILL);
            }
            eprintln!(
                "{sig}: killed {} child process group(s); exiting",
                listed.len()
            );
            std::process::exit(128 + sig as i32);
        })?;
    Ok(())
}
