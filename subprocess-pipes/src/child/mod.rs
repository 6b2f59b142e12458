//! A child process that is always reaped: [`ChildGuard`] kills and waits on
//! drop, so no error path and no panic leaves a zombie or an orphan. It is
//! the one kill-and-reap guard of the library crates: [`crate::popen::Popen`]
//! holds one, as do the `processes` pool's workers and fork server and
//! `shared-mmap`'s workers.
//!
//! A child that leads its own process group ([`ChildGuard::group_leader`])
//! is ended with its whole group: whatever it started (a worker that forks,
//! a shell script's background job) goes with it, since those processes
//! are not our children and would otherwise outlive the guard as orphans.
//! The group is signalled only while the leader is not yet reaped (still
//! running, or a zombie observed with `WNOWAIT`), so its id cannot have
//! been reused by an unrelated process.

// How a child ended; the guard and its constructors; how it waits, kills
// and reaps; and what a run left behind, seen in `/proc`.
mod exit_cause;
mod guard;
mod leftovers;
mod reap;

pub use exit_cause::ExitCause;
pub use guard::ChildGuard;
pub use leftovers::running_with_env;
#[cfg(feature = "demo")]
pub(crate) use leftovers::zombie_children;
