//! processes' charts: what a process costs to start and to keep, and when a pool stops paying (tiny tasks, big payloads).
//!
//! Chart rules as data (`Chart` values), next to the experiments that measure
//! them: this crate compiles them (so they follow its records), and
//! `cargo xtask report` compiles this same file to lay them out.

use crate::contract::chart::{Chart, ChartRule, Series, XAxis, bars, chart};
use crate::contract::record::{Record, find};
use crate::contract::series::{ChunksizeCost, PayloadCost, Point};

/// This demo's charts, by name, in page order.
pub const CHARTS: &[(&str, ChartRule)] = &[
    ("start_cost", start_cost as ChartRule),
    ("worker_memory", worker_memory as ChartRule),
    ("chunksize", chunksize as ChartRule),
    ("data_cost", data_cost as ChartRule),
];

pub fn start_cost(records: &[Record]) -> Option<Chart> {
    let r = find(records, "processes", "start-cost")?;
    let m = |k: &str| r.metric(k);
    let (x, series) = bars(vec![
        (
            "Rust",
            vec![
                ("thread", m("thread_us")),
                ("fork", m("fork_us")),
                ("spawn", m("spawn_us")),
                ("exec true", m("true_us")),
            ],
        ),
        (
            "CPython",
            vec![
                ("thread", m("cpython_thread_us")),
                ("fork", m("cpython_fork_us")),
                ("spawn", m("cpython_spawn_us")),
            ],
        ),
    ]);
    chart(
        "chart-start",
        "Start cost: a thread vs fork vs spawn (re-exec)",
        "µs to start and join (log)",
        x,
        series,
        &["processes start-cost"],
        "Processes are slower to start than threads; spawn (a fresh interpreter) is the slowest of all in CPython.",
    )
    .map(Chart::log_y)
}

pub fn worker_memory(records: &[Record]) -> Option<Chart> {
    let r = find(records, "processes", "memory")?;
    let m = |k: &str| r.metric(k);
    let (x, series) = bars(vec![
        (
            "Rust PSS",
            vec![
                ("thread", m("thread_rss_kib")),
                ("fork", m("fork_worker_pss_kib")),
                ("spawn", m("spawn_worker_pss_kib")),
            ],
        ),
        (
            "CPython PSS",
            vec![
                ("thread", m("cpython_thread_rss_kib")),
                ("fork", m("cpython_fork_pss_kib")),
                ("spawn", m("cpython_spawn_pss_kib")),
            ],
        ),
    ]);
    chart(
        "chart-memory",
        "Memory per idle worker: thread vs fork vs spawn",
        "KiB per worker (thread: RSS growth; log)",
        x,
        series,
        &["processes memory"],
        "A process is a whole copy of the program; fork shares its pages until they are written.",
    )
    .map(Chart::log_y)
}

pub fn chunksize(records: &[Record]) -> Option<Chart> {
    let r = find(records, "processes", "chunksize")?;
    let line = |name: &str| -> Vec<(f64, f64)> {
        let mut pts: Vec<(f64, f64)> = r
            .series_named::<ChunksizeCost>(name)
            .unwrap_or_default()
            .into_iter()
            .map(|p| (f64::from(p.chunksize), p.per_task_us))
            .collect();
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        pts
    };
    let series = vec![
        Series {
            name: "Rust pool".into(),
            points: line(ChunksizeCost::NAME),
        },
        Series {
            name: "CPython Pool.map".into(),
            points: line(ChunksizeCost::CPYTHON),
        },
    ];
    chart(
        "chart-chunksize",
        "Pool overhead per tiny task vs chunksize",
        "µs per task (log)",
        XAxis::Numeric {
            label: "chunksize (log)".into(),
            log: true,
        },
        series,
        &["processes chunksize"],
        "Sending tasks in chunks amortises the per-message cost of the pipes.",
    )
    .map(Chart::log_y)
    .map(Chart::legend_right)
}

pub fn data_cost(records: &[Record]) -> Option<Chart> {
    let mut points: Vec<(f64, f64)> = find(records, "processes", "data-cost")?
        .series_of::<PayloadCost>()?
        .into_iter()
        .map(|p| (p.payload_kib, p.pool_over_in_place))
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let series = vec![Series {
        name: "pool time / in-process time".into(),
        points,
    }];
    chart(
        "chart-data",
        "Fixed work per task, growing payload: where the pool stops paying",
        "pool time / in-process time",
        XAxis::Numeric {
            label: "payload per task (KiB, log)".into(),
            log: true,
        },
        series,
        &["processes data-cost"],
        "Above 1 the pool is slower than doing the work in place: the copying costs more than the cores give.",
    )
}
