//! The experiments of `gil-sim`, one claim a file, in the order a full run takes them.

use crate::contract::Entry;

pub mod common;
pub mod vm_speed;

/// Every experiment, in run order.
pub static ALL: &[Entry] = &[Entry::of::<vm_speed::VmSpeed>()];
