//! # subprocess-pipes: children, pipes and serialized messages: subprocess.run, Popen and typed framed channels.
//!
//! This demo is not built yet: it has no experiments, and `subprocess-pipes list`
//! says so.
#![deny(unsafe_op_in_unsafe_fn)]

#[path = "../../contract/mod.rs"]
pub mod contract;
pub mod experiments;

/// The demo: its name, what it teaches, and its experiments.
///
/// ```
/// assert_eq!(subprocess_pipes::DEMO.name, "subprocess-pipes");
/// ```
pub static DEMO: contract::Demo = contract::Demo {
    name: "subprocess-pipes",
    about: "Children, pipes and serialized messages: subprocess.run, Popen and typed framed channels",
    experiments: experiments::ALL,
    tools: &[],
};
