//! A child's signal dispositions: what a forked child and a pool worker do
//! with the signals its parent's Ctrl-C policy handles.
//!
//! The policy itself is [`subprocess_pipes::interrupt`]: the parent kills
//! every child it owns on Ctrl-C and exits. Its handlers write to a pipe
//! the parent reads, so a forked child (which inherits handlers, unlike an
//! exec'd one) first gives those signals their default action back
//! ([`default_in_forked_child`]). Workers and the fork server then ignore
//! `SIGINT` ([`ignore_sigint`]): the terminal sends it to the whole
//! foreground group, and the parent alone decides how its workers end.

use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};

/// The signals the parent's Ctrl-C thread handles.
const WATCHED: [Signal; 4] = [
    Signal::SIGINT,
    Signal::SIGTERM,
    Signal::SIGHUP,
    Signal::SIGUSR2,
];

fn action(h: SigHandler) -> SigAction {
    SigAction::new(h, SaFlags::empty(), SigSet::empty())
}

/// In a forked child: every watched signal that has a handler gets its
/// default action back (one the parent ignored stays ignored), as `exec`
/// would do.
pub fn default_in_forked_child() {
    for sig in WATCHED {
        // SAFETY: `SIG_DFL` and `SIG_IGN` install no code of ours; putting
        // back an ignored disposition restores what the child inherited.
        unsafe {
            if let Ok(old) = sigaction(sig, &action(SigHandler::SigDfl))
                && matches!(old.handler(), SigHandler::SigIgn)
            {
                let _ = sigaction(sig, &old);
            }
        }
    }
}

/// Makes this process ignore `SIGINT` (workers and the fork server do).
pub fn ignore_sigint() -> nix::Result<()> {
    // SAFETY: ignoring a signal installs no code.
    unsafe { sigaction(Signal::SIGINT, &action(SigHandler::SigIgn)) }.map(drop)
}
