//! The `fork` start method and its rule: fork only while the process is
//! single-threaded.
//!
//! `fork()` copies the whole address space but only the calling thread. A
//! lock that another thread held at that instant (the allocator's, stdout's,
//! a `Mutex` in your code) stays locked forever in the child, so the child
//! can deadlock on its first `println!` or allocation. POSIX allows only
//! async-signal-safe calls after forking a multi-threaded process; CPython
//! 3.12 started warning about it and 3.14 stopped using `fork` by default.
//!
//! This module enforces the rule where it can: [`fork_with`] counts the
//! entries of `/proc/self/task` and refuses ([`ForkError::MultiThreaded`])
//! unless there is exactly one. A thread that has just been joined (or has
//! just returned) can stay listed there for a moment after `join` returns,
//! so [`check_single_threaded`] waits up to [`THREADS_SETTLE`] for the count
//! to reach one before refusing. The check is racy only against threads
//! that this very thread would have to be starting concurrently, which it
//! cannot be while it is inside `fork_with`. A test harness runs tests on
//! extra threads, so under `cargo test` forking is refused: that is the rule
//! working, not a bug.
//!
//! [`check_single_threaded`] is public so that other crates that fork (the
//! `shared-mmap` demo) apply the same, settle-aware rule.

use std::io;
use std::time::{Duration, Instant};

use nix::unistd::ForkResult;

use crate::child::ChildGuard;

/// Why a fork was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ForkError {
    /// The process has other threads: forking now could copy a held lock.
    #[error(
        "refusing to fork: the process has {threads} threads (fork is only safe while single-threaded)"
    )]
    MultiThreaded {
        /// Threads counted in `/proc/self/task`.
        threads: usize,
    },
    /// `/proc/self/task` could not be read.
    #[error("reading /proc/self/task: {0}")]
    Proc(#[from] io::Error),
    /// `fork()` itself failed (e.g. `EAGAIN`: too many processes).
    #[error("fork failed: {0}")]
    Fork(#[from] nix::Error),
}

/// How long [`check_single_threaded`] waits for threads that are ending
/// (joined, or returned) to leave `/proc/self/task` before refusing.
pub const THREADS_SETTLE: Duration = Duration::from_millis(200);

/// `Ok` when this process has exactly one thread, waiting up to
/// [`THREADS_SETTLE`] for threads that are just ending to disappear from
/// `/proc/self/task` (after `JoinHandle::join` returns, the kernel may list
/// the thread for a moment longer). A process that really has other threads
/// is refused after that wait.
///
/// ```
/// // Under `cargo test` the harness has its own threads, so this may be refused.
/// match processes::fork::check_single_threaded() {
///     Ok(()) => println!("fork allowed"),
///     Err(e) => println!("{e}"),
/// }
/// ```
pub fn check_single_threaded() -> Result<(), ForkError> {
    check_single_threaded_within(THREADS_SETTLE)
}

/// Whether this program may fork now, as [`fork_with`] will see it: single
/// threaded once the Ctrl-C watcher of [`subprocess_pipes::interrupt`]
/// (a thread of its own) is set aside, as [`fork_with`] sets it aside. An
/// experiment asks this before it measures a fork; asked without setting the
/// watcher aside, [`check_single_threaded`] counts that thread and refuses.
///
/// ```
/// // Under `cargo test` the harness has its own threads, so this may be refused.
/// let _ = processes::fork::fork_allowed();
/// ```
pub fn fork_allowed() -> Result<(), ForkError> {
    subprocess_pipes::interrupt::without_watcher(check_single_threaded)
}

/// [`check_single_threaded`] with an explicit settle time (`Duration::ZERO`:
/// look once, do not wait).
///
/// ```
/// let now = processes::fork::check_single_threaded_within(std::time::Duration::ZERO);
/// assert_eq!(now.is_ok(), processes::proc_info::thread_count()? == 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_single_threaded_within(settle: Duration) -> Result<(), ForkError> {
    let deadline = Instant::now() + settle;
    loop {
        let threads = crate::proc_info::thread_count()?;
        if threads == 1 {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(ForkError::MultiThreaded { threads });
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Forks; the child runs `child` and exits with the status it returns
/// (101 if it panics) without running the parent's exit handlers or
/// flushing buffers it inherited. The parent gets a guard that reaps the
/// child.
///
/// Refused with [`ForkError::MultiThreaded`] unless the process is
/// single-threaded (after [`check_single_threaded`]'s short settle wait).
///
/// ```no_run
/// let mut child = processes::fork::fork_with(|| 7)?;
/// assert_eq!(child.wait()?, processes::child::ExitCause::Exited(7));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn fork_with(child: impl FnOnce() -> i32) -> Result<ChildGuard, ForkError> {
    // A program that ends on Ctrl-C through `subprocess_pipes::interrupt`
    // has a thread waiting for the signal: stop it for the fork.
    subprocess_pipes::interrupt::without_watcher(|| {
        check_single_threaded()?;
        // SAFETY: the process has exactly one thread (checked just above,
        // and this thread starts none in between), so no lock can be held
        // by a thread that does not exist in the child.
        match unsafe { nix::unistd::fork() }? {
            ForkResult::Parent { child } => Ok(ChildGuard::new(child)),
            ForkResult::Child => {
                crate::signals::default_in_forked_child();
                let code =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(child)).unwrap_or(101);
                exit_now(code)
            }
        }
    })
}

/// Ends a forked child at once: `_exit`, not `exit`, so the atexit handlers
/// and the stdio buffers copied from the parent do not run or flush twice.
pub fn exit_now(code: i32) -> ! {
    // SAFETY: `_exit` takes no pointers and never returns; skipping
    // destructors is the point.
    unsafe { libc::_exit(code) }
}

/// In a forked child: closes every descriptor except 0, 1, 2 and `keep`,
/// so the child holds no other worker's pipe ends (which would keep those
/// pipes open after their worker dies, and hide its death from the pool).
pub(crate) fn close_all_but(keep: &[i32]) {
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else {
        return;
    };
    let fds: Vec<i32> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    for fd in fds {
        if fd > 2 && !keep.contains(&fd) {
            // SAFETY: called only in a freshly forked child (a worker, or
            // the fork server) right after the fork. The objects copied from
            // the parent that own these descriptors (Files, the pool's
            // pipes and sockets) are never used in this process: a worker
            // runs only `worker::serve` on the kept descriptors, and the
            // fork server only its loop on its kept socket; both end with
            // `_exit`, so no destructor closes any of them a second time
            // (where the number may by then name a descriptor opened since).
            // The one fd that read_dir held is closed already (EBADF, ignored).
            unsafe { libc::close(fd) };
        }
    }
}
