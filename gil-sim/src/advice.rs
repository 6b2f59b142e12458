//! gil-sim's rows of the report's "when to use what" table: I/O-bound work in Python, and an I/O thread's responsiveness beside CPU work.
//!
//! Rules as data (`Advice` values), next to the experiments that measure their
//! figures: this crate compiles them (so they follow its records), and
//! `cargo xtask report` compiles this same file and puts the rows in the
//! lecture's order.

use crate::contract::advice::{Advice, clearly, figure, row};
use crate::contract::record::{Record, find};
use crate::contract::series::{ConvoyLatency, IoSpeedup};

/// "I/O-bound work, in Python": threads under the GIL of today's CPython
/// (the `py311` point of `io-bound`'s series).
pub fn io_bound_python(records: &[Record]) -> Option<Advice> {
    let points = find(records, "gil-sim", "io-bound")?.series_of::<IoSpeedup>()?;
    let p = points.iter().find(|p| p.gil == "py311")?;
    let sim = figure("threads under the py311 GIL", p.speedup, "×");
    let threads = figure("with", p.threads.into(), " threads");
    let choice = if sim.value > 1.5 {
        "threads (the GIL is released while blocked)"
    } else {
        "no gain from threads measured"
    };
    Some(row(
        "I/O-bound work with a few fast waits, in Python",
        choice,
        vec![sim, threads],
        "chart-cpu",
        "gil-sim",
        "io-bound",
    ))
}

/// "A responsive I/O thread beside CPU work": the convoy's wait.
pub fn responsiveness(records: &[Record]) -> Option<Advice> {
    let points = find(records, "gil-sim", "convoy")?.series_of::<ConvoyLatency>()?;
    // At CPython's default switch interval if it was measured, else the longest.
    let interval = points
        .iter()
        .map(|p| p.interval_us)
        .find(|&us| us == 5000.0)
        .or_else(|| points.iter().map(|p| p.interval_us).reduce(f64::max))?;
    let at = |k: u32, label| {
        let p = points
            .iter()
            .find(|p| p.cpu_threads == k && p.interval_us == interval)?;
        Some(figure(label, p.latency_s, " s"))
    };
    let alone = at(0, "I/O call alone")?;
    let beside = at(1, "beside one CPU thread")?;
    let choice = if clearly(beside.value, alone.value) {
        "keep CPU work out of the I/O process (or shorten the switch interval)"
    } else {
        "threads are fine: no convoy measured"
    };
    Some(row(
        "Latency-sensitive I/O beside CPU work, in Python",
        choice,
        vec![alone, beside],
        "chart-convoy",
        "gil-sim",
        "convoy",
    ))
}
