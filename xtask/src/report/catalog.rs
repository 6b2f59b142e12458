//! The charts of the report, in page order: each demo's chart rules, from
//! its own `src/charts.rs` (compiled here from the same file), each built
//! from the records of the experiments that measure it. A chart whose
//! records are missing is left out, never drawn from invented numbers.

use super::chart::Chart;
use crate::contract::chart::ChartRule;
use crate::contract::record::Record;

#[path = "../../../gil-sim/src/charts.rs"]
pub mod gil_sim;
#[path = "../../../processes/src/charts.rs"]
pub mod processes;
#[path = "../../../shared-mmap/src/charts.rs"]
pub mod shared_mmap;
#[path = "../../../subprocess-pipes/src/charts.rs"]
pub mod subprocess_pipes;
#[path = "../../../threads-sync/src/charts.rs"]
pub mod threads_sync;

/// Every demo's charts, in page order. A full run of every demo fills
/// every one (`cargo xtask report --strict` checks it; `cargo xtask ci`
/// runs that on a quick run).
pub const DEMO_CHARTS: [&[(&str, ChartRule)]; 5] = [
    gil_sim::CHARTS,
    processes::CHARTS,
    subprocess_pipes::CHARTS,
    shared_mmap::CHARTS,
    threads_sync::CHARTS,
];

/// Every chart rule by name, in page order.
pub fn rules() -> impl Iterator<Item = &'static (&'static str, ChartRule)> {
    DEMO_CHARTS.iter().flat_map(|c| c.iter())
}

/// Every chart the records can fill, in page order.
pub fn charts(records: &[Record]) -> Vec<Chart> {
    rules().filter_map(|(_, rule)| rule(records)).collect()
}
