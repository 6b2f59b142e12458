//! gil-sim's series.

use super::point::point;

point! {
    /// `gil-sim convoy`: how long the I/O thread waits for the GIL after each
    /// read, beside `cpu_threads` CPU-bound threads, at one switch interval.
    pub struct ConvoyLatency("latency", x = interval_us) {
        /// CPU-bound threads beside the I/O thread.
        cpu_threads: u32 => "threads",
        /// The switch interval, in microseconds.
        interval_us: f64 => "µs",
        /// The median time of one blocking call, the wait for the GIL after
        /// it included, in seconds.
        latency_s: f64 => "s",
        /// The CPU-bound threads' progress meanwhile (0 without them).
        cpu_iters_per_s: f64 => "iter/s",
    }
}
