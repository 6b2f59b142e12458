//! The part of the demo contract xtask consumes: the record schema and the
//! measuring summary, compiled from the same source files as the demos', so
//! producer and consumer agree.

#[path = "../../contract/advice.rs"]
pub mod advice;
#[path = "../../contract/chart.rs"]
pub mod chart;
#[path = "../../contract/measure.rs"]
pub mod measure;
#[path = "../../contract/record/mod.rs"]
pub mod record;
#[path = "../../contract/series/mod.rs"]
pub mod series;
#[path = "../../contract/show.rs"]
pub mod show;

pub use measure::Stats;
