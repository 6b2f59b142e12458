//! processes' series.

use serde::{Deserialize, Serialize};

use super::Point;

/// `processes chunksize`: a pool's cost per tiny task at one chunksize
/// (wall time / tasks). Rust's pool is the series `per_task`, CPython's
/// `multiprocessing.Pool` the series [`ChunksizeCost::CPYTHON`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ChunksizeCost {
    /// Tasks per batch sent to a worker.
    pub chunksize: u32,
    /// Wall time per task, in microseconds.
    pub per_task_us: f64,
}

impl ChunksizeCost {
    /// The name of CPython's series of this point type.
    pub const CPYTHON: &'static str = "cpython_per_task";
}

impl Point for ChunksizeCost {
    const NAME: &'static str = "per_task";
    const X: &'static str = "chunksize";
    const UNITS: &'static [(&'static str, &'static str)] =
        &[("chunksize", "tasks"), ("per_task_us", "µs")];
}

/// `processes data-cost`: at one payload size, the pool's time over the
/// time of the same work done in place (above 1 the pool is slower).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PayloadCost {
    /// Payload per task, each way, in KiB.
    pub payload_kib: f64,
    /// Pool time / in-place time.
    pub pool_over_in_place: f64,
}

impl Point for PayloadCost {
    const NAME: &'static str = "pool_over_in_place";
    const X: &'static str = "payload_kib";
    const UNITS: &'static [(&'static str, &'static str)] =
        &[("payload_kib", "KiB"), ("pool_over_in_place", "ratio")];
}
