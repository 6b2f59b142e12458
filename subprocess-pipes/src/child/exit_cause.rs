//! How a child process ended, as read from a wait status.

use std::fmt;

use nix::sys::signal::Signal;
use nix::sys::wait::WaitStatus;

/// How a child process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCause {
    /// It exited with this status (a Rust panic in `main` exits with 101).
    Exited(i32),
    /// A signal killed it (`SIGKILL`, `SIGABRT` from `abort()`, `SIGSEGV`...).
    Signaled(Signal),
}

impl fmt::Display for ExitCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExitCause::Exited(101) => write!(f, "exited with status 101 (a panic)"),
            ExitCause::Exited(code) => write!(f, "exited with status {code}"),
            ExitCause::Signaled(sig) => write!(f, "killed by {sig}"),
        }
    }
}

/// The cause in a wait status; `None` for a child that has not ended
/// (stopped, continued, or still running under `WNOHANG`).
pub(super) fn cause(status: WaitStatus) -> Option<ExitCause> {
    match status {
        WaitStatus::Exited(_, code) => Some(ExitCause::Exited(code)),
        WaitStatus::Signaled(_, sig, _) => Some(ExitCause::Signaled(sig)),
        _ => None,
    }
}
