//! The experiments of `shared-mmap`, one claim a file, in the order a full run takes them.
//!
//! The fork-based ones (`shared-counter`, `private-trap`) need a
//! single-threaded process: every earlier experiment joins its threads.

use crate::contract::Entry;

pub mod private_trap;
pub mod scan_bandwidth;
pub mod share_vs_copy;
pub mod shared_counter;
pub mod sigbus;

/// Every experiment, in run order.
pub static ALL: &[Entry] = &[
    Entry::of::<share_vs_copy::ShareVsCopy>(),
    Entry::of::<scan_bandwidth::ScanBandwidth>(),
    Entry::of::<shared_counter::SharedCounter>(),
    Entry::of::<private_trap::PrivateTrap>(),
    Entry::of::<sigbus::Sigbus>(),
];
