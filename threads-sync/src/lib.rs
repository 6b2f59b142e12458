//! # threads-sync: python's threading and queue primitives in Rust: Lock, RLock, Semaphore, Event, Condition, Barrier, Queue.
//!
//! This demo is not built yet: it has no experiments, and `threads-sync list`
//! says so.
#![forbid(unsafe_code)]

#[path = "../../contract/mod.rs"]
pub mod contract;
pub mod experiments;

/// The demo: its name, what it teaches, and its experiments.
///
/// ```
/// assert_eq!(threads_sync::DEMO.name, "threads-sync");
/// ```
pub static DEMO: contract::Demo = contract::Demo {
    name: "threads-sync",
    about: "Python's threading and queue primitives in Rust: Lock, RLock, Semaphore, Event, Condition, Barrier, Queue",
    experiments: experiments::ALL,
    tools: &[],
};
