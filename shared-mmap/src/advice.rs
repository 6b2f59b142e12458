//! shared-mmap's row of the report's "when to use what" table: big read-only data for worker processes.
//!
//! Rules as data (`Advice` values), next to the experiments that measure their
//! figures: this crate compiles them (so they follow its records), and
//! `cargo xtask report` compiles this same file and puts the rows in the
//! lecture's order.

use crate::contract::advice::{Advice, clearly, fig, row};
use crate::contract::record::{Record, find};

/// "Big read-only data for workers": mapping against copying.
pub fn big_read_only_data(records: &[Record]) -> Option<Advice> {
    let r = find(records, "shared-mmap", "share-vs-copy")?;
    let mmap = fig(
        r,
        "mmap_data_setup_ratio",
        "mmap setup, largest/smallest size",
        "×",
    )?;
    let pipe = fig(
        r,
        "pipe_data_setup_ratio",
        "pipe setup, largest/smallest size",
        "×",
    )?;
    let choice = if clearly(pipe.value, mmap.value) {
        "a memory map shared by the workers"
    } else {
        "copying is as cheap as sharing at these sizes"
    };
    Some(row(
        "Large read-only data for worker processes",
        choice,
        vec![mmap, pipe],
        "chart-mmap",
        "shared-mmap",
        "share-vs-copy",
    ))
}
