//! The experiments of `subprocess-pipes`, one claim a file, in the order a full run takes them.

use crate::contract::Entry;

pub(crate) mod common;
pub mod latency;
pub mod pipe_deadlock;
pub mod throughput;

/// Every experiment, in run order.
pub static ALL: &[Entry] = &[
    Entry::of::<pipe_deadlock::PipeDeadlock>(),
    Entry::of::<latency::Latency>(),
    Entry::of::<throughput::Throughput>(),
];
