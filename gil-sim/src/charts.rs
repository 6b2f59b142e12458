//! gil-sim's charts: threads vs processes on CPU-bound work under each GIL, and the convoy an I/O thread meets.
//!
//! Chart rules as data (`Chart` values), next to the experiments that measure
//! them: this crate compiles them (so they follow its records), and
//! `cargo xtask report` compiles this same file to lay them out.

use crate::contract::chart::{Chart, ChartRule, Series, XAxis, bars, chart};
use crate::contract::record::{Record, find};
use crate::contract::series::{ConvoyLatency, CpuBoundRatio, SideBySide};

/// This demo's charts, by name, in page order.
pub const CHARTS: &[(&str, ChartRule)] = &[
    ("cpu_speedup", cpu_speedup as ChartRule),
    ("convoy", convoy as ChartRule),
];

const POLICIES: [&str; 4] = ["py2", "py39", "py311", "nogil"];

pub fn cpu_speedup(records: &[Record]) -> Option<Chart> {
    let gil_sim = |exp| find(records, "gil-sim", exp);
    let gil = gil_sim("cpu-bound").and_then(Record::series_of::<CpuBoundRatio>);
    let cmp = gil_sim("compare-cpython").and_then(Record::series_of::<SideBySide>);
    let procs = find(records, "processes", "cpu-bound");
    // Speedup is sequential time over threads' time: the ratio's inverse.
    let inv = |v: f64| (v > 0.0).then(|| 1.0 / v);
    // A bar per policy, from the first point measured under it.
    fn per_policy<P>(
        points: Option<&[P]>,
        gil: impl Fn(&P) -> &str,
        speedup: impl Fn(&P) -> Option<f64>,
    ) -> Vec<(&'static str, Option<f64>)> {
        let of = |p: &str| points?.iter().find(|pt| gil(pt) == p).and_then(&speedup);
        POLICIES.iter().map(|&p| (p, of(p))).collect()
    }
    let mut rust = per_policy(
        gil.as_deref(),
        |p| &p.gil,
        |p| inv(p.threads_over_sequential),
    );
    rust.push(("threads", procs.and_then(|r| r.metric("thread_speedup"))));
    rust.push(("process pool", procs.and_then(|r| r.metric("pool_speedup"))));
    // CPython's threads: each interpreter compared, at the policy that
    // models it (one thread figure per interpreter, measured on the same
    // countdown as the simulator's), and its process pool.
    let mut cpython = per_policy(cmp.as_deref(), |p| &p.gil, |p| inv(p.cpu_ratio_cpython));
    cpython.push((
        "process pool",
        procs.and_then(|r| r.metric("cpython_pool_speedup")),
    ));
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
