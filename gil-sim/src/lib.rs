//! # gil-sim: the GIL, simulated: a bytecode VM run by real threads under CPython's GIL policies.
//!
//! This demo is not built yet: it has no experiments, and `gil-sim list`
//! says so.
#![forbid(unsafe_code)]

#[path = "../../contract/mod.rs"]
pub mod contract;
pub mod experiments;

/// The demo: its name, what it teaches, and its experiments.
///
/// ```
/// assert_eq!(gil_sim::DEMO.name, "gil-sim");
/// ```
pub static DEMO: contract::Demo = contract::Demo {
    name: "gil-sim",
    about: "The GIL, simulated: a bytecode VM run by real threads under CPython's GIL policies",
    experiments: experiments::ALL,
    tools: &[],
};
