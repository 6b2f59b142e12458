//! Ctrl-C without orphans: a `SIGINT` handler that asks running pools to
//! stop, so they return an error and their guards kill and reap every worker.
//!
//! Workers ignore `SIGINT` (the terminal sends it to the whole foreground
//! process group), so the parent alone decides how to shut down. While no
//! pool is running, the handler restores the default action and re-raises,
//! so Ctrl-C stops the program as usual. A second Ctrl-C always does.
//!
//! The request lasts while pools live: every pool alive at the Ctrl-C (and
//! any started beside them) fails with `Interrupted`. Once the last of them
//! is dropped, the next pool to start clears it, so a program that handles
//! the error and goes on can use pools again.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal};

static REQUESTED: AtomicBool = AtomicBool::new(false);
static LIVE_POOLS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_sigint(_: libc::c_int) {
    // Only async-signal-safe work here: atomics, sigaction, raise.
    // The demo driver stops after the experiment that is running.
    crate::contract::cli::note_interrupt();
    if LIVE_POOLS.load(Ordering::SeqCst) == 0 || REQUESTED.swap(true, Ordering::SeqCst) {
        let dfl = SigAction::new(SigHandler::SigDfl, SaFlags::empty(), SigSet::empty());
        // SAFETY: installing the default action is async-signal-safe.
        let _ = unsafe { nix::sys::signal::sigaction(Signal::SIGINT, &dfl) };
        let _ = nix::sys::signal::raise(Signal::SIGINT);
    }
}

/// Installs the handler (call once, early in `main`, after the worker hook).
///
/// ```no_run
/// processes::interrupt::install()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn install() -> nix::Result<()> {
    let act = SigAction::new(
        SigHandler::Handler(on_sigint),
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    // SAFETY: the handler only touches atomics and async-signal-safe calls.
    unsafe { nix::sys::signal::sigaction(Signal::SIGINT, &act) }.map(drop)
}

/// Makes this process ignore `SIGINT` (worker processes do).
pub fn ignore() -> nix::Result<()> {
    let act = SigAction::new(SigHandler::SigIgn, SaFlags::empty(), SigSet::empty());
    // SAFETY: ignoring a signal installs no code.
    unsafe { nix::sys::signal::sigaction(Signal::SIGINT, &act) }.map(drop)
}

/// Whether Ctrl-C was pressed while a pool ran.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// Counts a live pool while it exists (so the handler knows whom to ask).
#[derive(Debug)]
pub(crate) struct LivePool(());

impl LivePool {
    pub(crate) fn new() -> LivePool {
        if LIVE_POOLS.fetch_add(1, Ordering::SeqCst) == 0 {
            // The first pool after a Ctrl-C that ended every earlier one.
            REQUESTED.store(false, Ordering::SeqCst);
        }
        LivePool(())
    }
}

impl Drop for LivePool {
    fn drop(&mut self) {
        LIVE_POOLS.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (No other unit test of this crate starts a pool, so the statics are ours.)
    #[test]
    fn a_new_pool_after_an_interrupted_one_is_not_interrupted() {
        let first = LivePool::new();
        REQUESTED.store(true, Ordering::SeqCst); // what the handler does on Ctrl-C
        let beside = LivePool::new();
        assert!(
            requested(),
            "a pool started beside an interrupted one stops too"
        );
        drop((first, beside));
        let next = LivePool::new();
        assert!(!requested(), "the request outlived the pools it was for");
        drop(next);
    }
}
