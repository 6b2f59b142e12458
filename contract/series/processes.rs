//! processes' series.

use super::point::point;

point! {
    /// `processes chunksize`: a pool's cost per tiny task at one chunksize
    /// (wall time / tasks). Rust's pool is the series `per_task`, CPython's
    /// `multiprocessing.Pool` the series [`ChunksizeCost::CPYTHON`].
    pub struct ChunksizeCost("per_task", x = chunksize) {
        /// Tasks per batch sent to a worker.
        chunksize: u32 => "tasks",
        /// Wall time per task, in microseconds.
        per_task_us: f64 => "µs",
    }
}

impl ChunksizeCost {
    /// The name of CPython's series of this point type.
    pub const CPYTHON: &'static str = "cpython_per_task";
}

point! {
    /// `processes data-cost`: at one payload size, the pool's time over the
    /// time of the same work done in place (above 1 the pool is slower).
    pub struct PayloadCost("pool_over_in_place", x = payload_kib) {
        /// Payload per task, each way, in KiB.
        payload_kib: f64 => "KiB",
        /// Pool time / in-place time.
        pool_over_in_place: f64 => "ratio",
    }
}
