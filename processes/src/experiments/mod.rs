//! The experiments of `processes`, one claim a file, in the order a full run takes them.

use crate::contract::Entry;

pub mod chunksize;
pub mod cpu_bound;
pub mod crash;
pub mod data_cost;
pub mod memory;
pub mod start_cost;

/// Every experiment, in run order.
pub static ALL: &[Entry] = &[
    Entry::of::<cpu_bound::CpuBound>(),
    Entry::of::<start_cost::StartCost>(),
    Entry::of::<memory::MemoryExp>(),
    Entry::of::<data_cost::DataCost>(),
    Entry::of::<chunksize::Chunksize>(),
    Entry::of::<crash::Crash>(),
];
