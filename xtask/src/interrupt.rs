//! Ctrl-C (and `kill`) for xtask: end everything the run started, at once.
//!
//! Each demo runs in its own process group (so a hang can be killed as a
//! whole), which also means the terminal's SIGINT reaches xtask alone. So:
//!
//! 1. [`install`] sets a SIGINT and SIGTERM handler that only raises a
//!    flag ([`interrupted`]); children start with the default action again
//!    (a handler does not survive `exec`).
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

extern "C" fn on_signal(sig: libc::c_int) {
    // Only atomics here: async-signal-safe. The runner does the rest.
    SIGNAL.store(sig, SeqCst);
    INTERRUPTED.store(true, SeqCst);
}

/// Installs the SIGINT and SIGTERM handler that sets the flag. A handler
/// rather than a blocked mask and a `sigwait` thread: a blocked mask is
/// inherited by every child (std does not reset it), and a demo that
/// handles SIGINT itself would never see one; a handler is reset to the
/// default at `exec`, so children start as they would from a shell.
pub fn install() -> anyhow::Result<()> {
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: sigaction with a zeroed struct, our handler (which only
        // stores to atomics) and SA_RESTART; it reads the struct we own
        // and writes nothing of ours (a null old-action pointer).
        let rc = unsafe {
            let mut act: libc::sigaction = std::mem::zeroed();
            act.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            act.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut act.sa_mask);
            libc::sigaction(sig, &act, std::ptr::null_mut())
        };
        anyhow::ensure!(rc == 0, "sigaction({sig}) failed");
    }
    Ok(())
}

/// `SIGINT` or `SIGTERM`: the signal that interrupted the run.
pub fn signal_name() -> &'static str {
    if SIGNAL.load(SeqCst) == libc::SIGTERM {
        "SIGTERM"
    } else {
        "SIGINT"
    }
}
