//! `fork` without the footguns: refused unless the process is single-threaded,
//! the child runs one closure and `_exit`s, and the parent holds a guard that
//! kills and reaps the child if it is not waited for.
//!
//! Why single-threaded: `fork` copies only the calling thread. A lock another
//! thread held at that instant (the allocator's, stdout's) stays locked
//! forever in the child, which then deadlocks on its first `malloc` or
//! `println!`. The forking itself is the `processes` crate's
//! [`processes::fork::fork_with`]: it applies the rule
//! ([`processes::fork::check_single_threaded`] counts `/proc/self/task`,
//! waiting briefly for just-joined threads to leave it) and hands back a
//! [`subprocess_pipes::child::ChildGuard`]. This module only gives it this crate's
//! error type and a wait that kills on timeout. Test harnesses run tests on
//! threads, which is why this crate's fork tests use `harness = false`.

use std::time::Duration;

use processes::fork::{ForkError, fork_with};
use subprocess_pipes::child::ChildGuard;
/// How a child ended: the enum of `processes`, shared with
/// [`crate::worker_set::WorkerSet::wait_all`].
pub use subprocess_pipes::child::ExitCause;

use crate::error::{Context, Error, Result};

/// This crate's error for a refused or failed fork.
fn fork_error(e: ForkError) -> Error {
    match e {
        ForkError::MultiThreaded { threads } => Error::MultiThreaded(threads),
        ForkError::Proc(source) => Error::Io {
            what: "read /proc/self/task",
            source,
        },
        other => Error::Io {
            what: "fork",
            source: std::io::Error::other(other.to_string()),
        },
    }
}

/// `Ok` when this process is single-threaded (after the short settle wait
/// of [`processes::fork::check_single_threaded`]; the Ctrl-C watcher, if
/// any, steps aside and does not count: [`processes::fork::fork_allowed`]),
/// else [`Error::MultiThreaded`].
pub fn ensure_single_threaded() -> Result<()> {
    processes::fork::fork_allowed().map_err(fork_error)
}

/// Forks; the child runs `f` and exits with its return value (101 if it
/// panics), never returning into the caller's code.
///
/// ```no_run
/// use std::time::Duration;
/// use shared_mmap::fork::{ExitCause, fork_child};
///
/// let child = fork_child(|| 7)?; // Err(MultiThreaded) if other threads exist
/// assert_eq!(child.wait_timeout(Duration::from_secs(5))?, ExitCause::Exited(7));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn fork_child(f: impl FnOnce() -> i32) -> Result<ForkedChild> {
    fork_with(f).map(ForkedChild).map_err(fork_error)
}

/// A forked child; dropping it kills (SIGKILL) and reaps it unless it was
/// waited for (the guard of `processes`).
#[derive(Debug)]
pub struct ForkedChild(ChildGuard);

impl ForkedChild {
    /// The child's process id.
    pub fn pid(&self) -> i32 {
        self.0.pid().as_raw()
    }

    /// Waits up to `limit` for the child to end; on timeout it is killed and
    /// reaped, and the error says so.
    pub fn wait_timeout(mut self, limit: Duration) -> Result<ExitCause> {
        match self.0.wait_timeout(limit).ctx("waitpid")? {
            Some(cause) => Ok(cause),
            // Dropping `self` kills and reaps the child.
            None => Err(Error::Timeout(limit, "a forked child")),
        }
    }
}
