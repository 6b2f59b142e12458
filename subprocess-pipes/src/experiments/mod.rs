//! The experiments of `subprocess-pipes`, one claim a module, in the order a full run takes them.

use crate::contract::Entry;

pub mod foreign_child;
pub mod latency;
pub mod messages;
pub mod pipe_deadlock;
pub mod run_cmd;
pub mod throughput;

/// Every experiment, in run order.
pub static ALL: &[Entry] = &[
    Entry::of::<run_cmd::RunCmd>(),
    Entry::of::<pipe_deadlock::PipeDeadlock>(),
    Entry::of::<messages::Messages>(),
    Entry::of::<latency::Latency>(),
    Entry::of::<throughput::Throughput>(),
    Entry::of::<foreign_child::ForeignChild>(),
];
