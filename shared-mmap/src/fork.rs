//! `fork` without the footguns: refused unless the process is single-threaded,
//! the child runs one closure and `_exit`s, and the parent holds a guard that
//! kills and reaps the child if it is not waited for.
//!
//! Why single-threaded: `fork` copies only the calling thread. A lock another
//! thread held at that instant (the allocator's, stdout's) stays locked
//! forever in the child, which then deadlocks on its first `malloc` or
//! `println!`. [`fork_child`] applies the rule of the `processes` crate,
//! [`processes::fork::check_single_threaded`] (it counts `/proc/self/task`,
//! waiting briefly for just-joined threads to leave it), and refuses with
//! [`Error::MultiThreaded`] when other threads exist. Test harnesses run
//! tests on threads, which is why this crate's fork tests use
//! `harness = false`.

use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork};
use processes::fork::{ForkError, check_single_threaded};

use crate::error::{Context, Error, Result};

/// `Ok` when this process is single-threaded (after the short settle wait
/// of [`processes::fork::check_single_threaded`]), else
/// [`Error::MultiThreaded`].
pub fn ensure_single_threaded() -> Result<()> {
    match check_single_threaded() {
        Ok(()) => Ok(()),
        Err(ForkError::MultiThreaded { threads }) => Err(Error::MultiThreaded(threads)),
        Err(ForkError::Proc(e)) => Err(e).ctx("read /proc/self/task"),
        Err(other) => Err(std::io::Error::other(other.to_string())).ctx("fork rule"),
    }
}

/// Forks; the child runs `f` and exits with its return value (101 if it
/// panics), never returning into the caller's code.
///
/// ```no_run
/// use std::time::Duration;
/// use shared_mmap::fork::{Ended, fork_child};
///
/// let child = fork_child(|| 7)?; // Err(MultiThreaded) if other threads exist
/// assert_eq!(child.wait_timeout(Duration::from_secs(5))?, Ended::Exited(7));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn fork_child(f: impl FnOnce() -> i32) -> Result<ForkedChild> {
    ensure_single_threaded()?;
    // SAFETY: the process is single-threaded (checked just above), so no lock
    // is held by a thread that the child would lack. The child runs `f` and
    // leaves with `_exit`, which skips atexit handlers and the parent's
    // buffered stdio, so nothing is flushed or freed twice.
    match unsafe { fork() }.ctx("fork")? {
        ForkResult::Child => {
            let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(101);
            // SAFETY: `_exit` is async-signal-safe and ends the child here.
            unsafe { libc::_exit(code) }
        }
        ForkResult::Parent { child } => Ok(ForkedChild {
            pid: child,
            reaped: false,
        }),
    }
}

/// How a child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// `exit(code)`.
    Exited(i32),
    /// Killed by this signal number.
    Signaled(i32),
}

/// A forked child; dropping it kills (SIGKILL) and reaps it unless it was waited for.
#[derive(Debug)]
pub struct ForkedChild {
    pid: Pid,
    reaped: bool,
}

impl ForkedChild {
    /// The child's process id.
    pub fn pid(&self) -> i32 {
        self.pid.as_raw()
    }

    /// Waits up to `limit` for the child to end; on timeout it is killed and
    /// reaped, and the error says so.
    pub fn wait_timeout(mut self, limit: Duration) -> Result<Ended> {
        let deadline = Instant::now() + limit;
        let mut nap = Duration::from_micros(100);
        loop {
            match waitpid(self.pid, Some(WaitPidFlag::WNOHANG)).ctx("waitpid")? {
                WaitStatus::Exited(_, code) => {
                    self.reaped = true;
                    return Ok(Ended::Exited(code));
                }
                WaitStatus::Signaled(_, sig, _) => {
                    self.reaped = true;
                    return Ok(Ended::Signaled(sig as i32));
                }
                _ if Instant::now() >= deadline => {
                    return Err(Error::Timeout(limit, "a forked child")); // Drop kills and reaps.
                }
                _ => {
                    std::thread::sleep(nap);
                    nap = (nap * 2).min(Duration::from_millis(5));
                }
            }
        }
    }
}

impl Drop for ForkedChild {
    fn drop(&mut self) {
        if !self.reaped {
            let _ = kill(self.pid, Signal::SIGKILL);
            let _ = waitpid(self.pid, None);
        }
    }
}
