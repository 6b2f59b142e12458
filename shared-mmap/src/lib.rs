//! # shared-mmap: sharing memory between processes: read-only data without copies, shared counters, and the traps.
//!
//! This demo is not built yet: it has no experiments, and `shared-mmap list`
//! says so.
#![deny(unsafe_op_in_unsafe_fn)]

#[path = "../../contract/mod.rs"]
pub mod contract;
pub mod experiments;

/// The demo: its name, what it teaches, and its experiments.
///
/// ```
/// assert_eq!(shared_mmap::DEMO.name, "shared-mmap");
/// ```
pub static DEMO: contract::Demo = contract::Demo {
    name: "shared-mmap",
    about: "Sharing memory between processes: read-only data without copies, shared counters, and the traps",
    experiments: experiments::ALL,
    tools: &[],
};
