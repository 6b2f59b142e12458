//! The experiments of `subprocess-pipes`, one claim a file, in the order a full run takes them.

use crate::contract::Entry;

/// Every experiment, in run order.
pub static ALL: &[Entry] = &[];
