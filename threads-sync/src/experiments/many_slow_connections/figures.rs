//! The figures of one server in `many-slow-connections`: medians over its
//! batches of requests per second, latency, and memory, in all and per
//! connection open at the peak.

use super::batch::Batch;
use crate::contract::measure::Stats;

/// Medians over a server's batches.
#[derive(Debug)]
pub(super) struct Figures {
    pub(super) rate: Stats,
    pub(super) p50: f64,
    pub(super) p99: f64,
    pub(super) memory: f64,
    pub(super) open: f64,
    pub(super) per_open: f64,
}

impl Figures {
    /// The medians of `batches`.
    pub(super) fn of(batches: &[Batch]) -> Figures {
        let med = |f: &dyn Fn(&Batch) -> f64| Stats::of(&batches.iter().map(f).collect::<Vec<_>>());
        let q = |b: &Batch, p| b.load.quantile(p).map_or(f64::NAN, |d| d.as_secs_f64());
        Figures {
            rate: med(&|b| b.load.per_second()),
            p50: med(&|b| q(b, 0.5)).median,
            p99: med(&|b| q(b, 0.99)).median,
            memory: med(&|b| b.memory).median,
            open: med(&|b| b.served.peak_open as f64).median,
            per_open: med(&|b| b.memory / b.served.peak_open.max(1) as f64).median,
        }
    }
}
