//! # processes: multiprocessing in Rust: a process pool, and what processes cost next to threads.
//!
//! The lecture says processes are heavier than threads (a copy of the
//! interpreter each, slower to start, more memory, data copied both ways)
//! but escape the GIL, so they suit CPU-bound work on "large problems with
//! not much data to pass back and forth". Rust threads have no GIL: for
//! CPU-bound work they already scale, and what processes buy in Rust is
//! isolation (a crash, a leak, an `abort` stays in one worker). This crate
//! builds the tool and measures each of those statements.
//!
//! ## 1. A job: a function a worker can find by name
//!
//! A spawned worker shares no memory with its parent, so tasks name their
//! function ([`job::Job::NAME`]) and carry serde data, as CPython pickles a
//! function by its qualified name.
//!
//! ```
//! use processes::job::Job;
//! use processes::registry::{JobEntry, Registry};
//!
//! /// Doubles a number (the function a worker finds by name).
//! struct Double;
//! impl Job for Double {
//!     const NAME: &'static str = "double";
//!     type Task = u64;
//!     type Output = u64;
//!     fn run(x: u64) -> Result<u64, String> {
//!         x.checked_mul(2).ok_or_else(|| format!("2 * {x} overflows"))
//!     }
//! }
//! /// The binary's jobs, by name.
//! static JOBS: Registry = Registry(&[JobEntry::of::<Double>()]);
//! assert_eq!(Double::run(21), Ok(42));
//! assert!(JOBS.find("double").is_some());
//! ```
//!
//! ## 2. The worker hook: first line of `main`
//!
//! Workers re-execute the binary as `<bin> __worker <job>`, found in the
//! binary's [`registry::Registry`]; [`worker`] explains why the hook must
//! come first (the analogue of
//! `if __name__ == "__main__":`).
//!
//! ## 3. A pool: `map`, `imap_unordered`, `chunksize`
//!
//! ```no_run
//! # use processes::job::Job;
//! # use processes::registry::{JobEntry, Registry};
//! # struct Double;
//! # impl Job for Double {
//! #     const NAME: &'static str = "double";
//! #     type Task = u64;
//! #     type Output = u64;
//! #     fn run(x: u64) -> Result<u64, String> { Ok(2 * x) }
//! # }
//! # static JOBS: Registry = Registry(&[JobEntry::of::<Double>()]);
//! use std::process::ExitCode;
//! use processes::pool::ProcessPool;
//!
//! fn main() -> ExitCode {
//!     // First line: a worker run of this binary serves its job and ends here.
//!     if let Some(code) = subprocess_pipes::worker::main_if_worker(&JOBS) {
//!         return code;
//!     }
//!     if let Err(e) = parent() {
//!         eprintln!("error: {e}");
//!         return ExitCode::FAILURE;
//!     }
//!     ExitCode::SUCCESS
//! }
//!
//! fn parent() -> Result<(), Box<dyn std::error::Error>> {
//!     let mut pool = ProcessPool::<Double>::builder().workers(2).chunksize(64).build()?;
//!     let doubled = pool.map(0..1000u64)?;
//!     assert!(doubled.iter().enumerate().all(|(i, r)| r.as_ref().ok() == Some(&(2 * i as u64))));
//!     for item in pool.imap_unordered(0..10u64) {
//!         let (index, result) = item?;
//!         println!("task {index}: {result:?}");
//!     }
//!     Ok(())
//! }
//! ```
//!
//! ## 4. Crashes, shutdown, Ctrl-C
//!
//! A worker that panics, aborts or is killed is seen at once by its reader
//! thread; its task is reported failed with the cause (or retried once) and
//! the worker is replaced ([`pool`]); a replacement that dies before its
//! hello is started again, up to [`pool::MAX_START_FAILURES`] times in a
//! row. Every child is reaped by a [`child::ChildGuard`], also on errors
//! and panics, and a worker's own children go with it (its process group).
//! Ctrl-C follows the one policy of the workspace,
//! [`subprocess_pipes::interrupt`]: every child is killed and the program
//! exits; workers ignore `SIGINT` ([`signals`]).
//!
//! ## 5. Start methods: spawn, fork, and the fork server
//!
//! | | spawn (default) | fork |
//! | --- | --- | --- |
//! | how | re-exec `<bin> __worker <job>` | a fork server, forked while single-threaded, forks each worker |
//! | worker memory | fresh process, ~0.5 MiB PSS | copy-on-write snapshot of the parent at pool start |
//! | start cost | exec + runtime start (~1 ms) | one `fork` of a small process |
//! | needs | the worker hook in `main` | a single-threaded parent when the pool starts |
//!
//! [`fork::fork_with`] refuses to fork a multi-threaded process: a lock held
//! by another thread at that instant stays locked forever in the child.
//! [`fork::check_single_threaded`] is the rule on its own; it waits up to
//! [`fork::THREADS_SETTLE`] for a thread that was just joined to leave
//! `/proc/self/task` before it refuses.
//!
//! ```
//! // Under a test harness there are other threads, and the rule says no.
//! if processes::proc_info::thread_count()? > 1 {
//!     assert!(processes::fork::fork_with(|| 0).is_err());
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Threads vs processes, in Rust
//!
//! Rust threads have no GIL: CPU-bound work scales on threads already
//! (`cpu-bound` shows both). Processes cost more to start (`start-cost`)
//! and to keep (`memory`), and every byte of a task crosses a pipe twice
//! (`data-cost`); what they buy is isolation: a panic, an `abort` or a
//! `SIGKILL` ends one worker, and the pool reports it and goes on (`crash`).
//!
//! ## 6. Measuring: `/proc`
//!
//! [`proc_info`] reads thread counts, children, and RSS/PSS.
//!
//! Linux only: `/proc`, `fork` and the signal handling are Unix/Linux APIs.
//!
//! The binary, its jobs and experiments and the demo contract come with the
//! `demo` feature (on by default); `processes = { path = "../processes",
//! default-features = false }` is the library alone, which builds on the
//! library of `subprocess-pipes` (copy it beside it).
#![deny(unsafe_op_in_unsafe_fn)]

/// The kill-and-reap guard, from the crate that owns the process lifecycle.
pub use subprocess_pipes::child;

// The demo side (advice, charts and the contract, then these), compiled
// with the `demo` feature and hidden from the docs.
include!("../../contract/demo_modules.rs");
demo_modules! {
    pub mod cpython;
    pub mod demo_jobs;
    pub mod experiments;
    pub mod start_flag;
}

pub mod fork;
pub mod job;
pub mod pool;
pub mod proc_info;
pub mod protocol;
pub mod registry;
pub mod signals;
pub mod worker;

/// The demo: its name, what it teaches, and its experiments (the demo's
/// side, not this library's API).
///
/// ```
/// assert_eq!(processes::DEMO.name, "processes");
/// ```
#[cfg(feature = "demo")]
#[doc(hidden)]
pub static DEMO: contract::Demo = contract::Demo {
    name: "processes",
    about: "Multiprocessing in Rust: a process pool, and what processes cost next to threads",
    experiments: experiments::ALL,
    tools: &[],
};
