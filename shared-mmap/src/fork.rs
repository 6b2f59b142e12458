//! `fork` without the footguns: refused unless the process is single-threaded,
//! the child runs one closure and `_exit`s, and the parent holds a guard that
//! kills and reaps the child if it is not waited for.
//!
//! Why single-threaded: `fork` copies only the calling thread. A lock another
//! thread held at that instant (the allocator's, stdout's) stays locked
//! forever in the child, which then deadlocks on its first `malloc` or
//! `println!`. [`fork_child`] counts `/proc/self/task` and refuses with
//! [`Error::MultiThreaded`] when other threads exist. Test harnesses run tests
//! on threads, which is why this crate's fork tests use `harness = false`.

use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::{ForkResult, Pid, fork};

use crate::error::{Context, Error, Result};

/// How long [`fork_child`] waits for just-joined threads to disappear from `/proc`.
const THREADS_SETTLE: Duration = Duration::from_millis(200);

/// The number of threads in this process (entries of `/proc/self/task`).
pub fn thread_count() -> Result<usize> {
    Ok(std::fs::read_dir("/proc/self/task")
        .ctx("read /proc/self/task")?
        .count())
}

/// Waits (briefly) until this process is single-threaded; a thread that was
/// just joined can linger in `/proc` for a moment.
pub fn ensure_single_threaded() -> Result<()> {
    let deadline = Instant::now() + THREADS_SETTLE;
    loop {
        let n = thread_count()?;
        if n == 1 {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(Error::MultiThreaded(n));
        }
        std::thread::sleep(Duration::from_millis(2));
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
