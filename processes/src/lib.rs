//! # processes: multiprocessing in Rust: a process pool, and what processes cost next to threads.
//!
//! This demo is not built yet: it has no experiments, and `processes list`
//! says so.
#![deny(unsafe_op_in_unsafe_fn)]

#[path = "../../contract/mod.rs"]
pub mod contract;
pub mod experiments;

/// The demo: its name, what it teaches, and its experiments.
///
/// ```
/// assert_eq!(processes::DEMO.name, "processes");
/// ```
pub static DEMO: contract::Demo = contract::Demo {
    name: "processes",
    about: "Multiprocessing in Rust: a process pool, and what processes cost next to threads",
    experiments: experiments::ALL,
    tools: &[],
};
