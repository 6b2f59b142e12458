//! gil-sim's series.

use serde::{Deserialize, Serialize};

use super::Point;

/// `gil-sim convoy`: how long the I/O thread waits for the GIL after each
/// read, beside `cpu_threads` CPU-bound threads, at one switch interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ConvoyLatency {
    /// CPU-bound threads beside the I/O thread.
    pub cpu_threads: u32,
    /// The switch interval, in microseconds.
    pub interval_us: f64,
    /// The median time of one blocking call, the wait for the GIL after
    /// it included, in seconds.
    pub latency_s: f64,
    /// The CPU-bound threads' progress meanwhile (0 without them).
    pub cpu_iters_per_s: f64,
}

impl Point for ConvoyLatency {
    const NAME: &'static str = "latency";
    const X: &'static str = "interval_us";
    const UNITS: &'static [(&'static str, &'static str)] = &[
        ("cpu_threads", "threads"),
        ("interval_us", "µs"),
        ("latency_s", "s"),
        ("cpu_iters_per_s", "iter/s"),
    ];
}
