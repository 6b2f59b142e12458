//! gil-sim's charts: threads vs processes on CPU-bound work under each GIL, and the convoy an I/O thread meets.
//!
//! Chart rules as data (`Chart` values), next to the experiments that measure
//! them: this crate compiles them (so they follow its records), and
//! `cargo xtask report` compiles this same file to lay them out.

use crate::contract::chart::{Chart, ChartRule, Series, XAxis, bars, chart};
use crate::contract::record::{Record, find};
use crate::contract::series::ConvoyLatency;

/// This demo's charts, by name, in page order.
pub const CHARTS: &[(&str, ChartRule)] = &[
    ("cpu_speedup", cpu_speedup as ChartRule),
    ("convoy", convoy as ChartRule),
];

const POLICIES: [&str; 4] = ["py2", "py39", "py311", "nogil"];

pub fn cpu_speedup(records: &[Record]) -> Option<Chart> {
    let gil = find(records, "gil-sim", "cpu-bound");
    let procs = find(records, "processes", "cpu-bound");
    let cmp = find(records, "gil-sim", "compare-cpython");
    let inv = |v: Option<f64>| v.filter(|v| *v > 0.0).map(|v| 1.0 / v);
    let mut rust: Vec<(&str, Option<f64>)> = POLICIES
        .iter()
        .map(|p| (*p, inv(gil.and_then(|r| r.metric(&format!("{p}_ratio"))))))
        .collect();
    rust.push(("threads", procs.and_then(|r| r.metric("thread_speedup"))));
    rust.push(("process pool", procs.and_then(|r| r.metric("pool_speedup"))));
    let cpython = vec![
        (
            "py311",
            inv(cmp.and_then(|r| r.metric("cp311_cpu_ratio_cpython"))),
        ),
        (
            "threads",
            procs.and_then(|r| r.metric("cpython_thread_speedup")),
        ),
        (
            "process pool",
            procs.and_then(|r| r.metric("cpython_pool_speedup")),
        ),
    ];
    let (x, series) = bars(vec![("simulated GIL / Rust", rust), ("CPython", cpython)]);
    chart(
        "chart-cpu",
        "CPU-bound work: speedup over sequential, per GIL policy, Rust threads and process pool",
        "speedup (x)",
        x,
        series,
        &[
            "gil-sim cpu-bound",
            "gil-sim compare-cpython",
            "processes cpu-bound",
        ],
        "Under a GIL (py2, py39, py311) threads stay near 1x; without one (nogil, Rust threads) and with processes they scale with the cores.",
    )
}

pub fn convoy(records: &[Record]) -> Option<Chart> {
    let points = find(records, "gil-sim", "convoy")?.series_of::<ConvoyLatency>()?;
    let mut threads: Vec<u32> = points.iter().map(|p| p.cpu_threads).collect();
    threads.sort_unstable();
    threads.dedup();
    let series = threads
        .into_iter()
        .map(|k| {
            let mut line: Vec<(f64, f64)> = points
                .iter()
                .filter(|p| p.cpu_threads == k)
                .map(|p| (p.interval_us / 1000.0, p.latency_s * 1000.0))
                .collect();
            line.sort_by(|a, b| a.0.total_cmp(&b.0));
            Series {
                name: format!("beside {k} CPU thread(s)"),
                points: line,
            }
        })
        .collect();
    chart(
        "chart-convoy",
        "The convoy effect: an I/O thread's latency per blocking call vs the switch interval",
        "median latency per call (ms)",
        XAxis::Numeric {
            label: "switch interval (ms)".into(),
            log: false,
        },
        series,
        &["gil-sim convoy"],
        "Beside CPU-bound threads, each blocking call waits about one switch interval to get the GIL back.",
    )
}
