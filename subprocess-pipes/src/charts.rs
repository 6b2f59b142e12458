//! subprocess-pipes' chart: what framing and serialization cost on a pipe, beside raw bytes and CPython's multiprocessing.Pipe.
//!
//! Chart rules as data (`Chart` values), next to the experiments that measure
//! them: this crate compiles them (so they follow its records), and
//! `cargo xtask report` compiles this same file to lay them out.

use crate::contract::chart::{Chart, ChartRule, Series, XAxis, chart};
use crate::contract::record::{Record, find};
use crate::contract::series::{MpPipeThroughput, PipeThroughput};

/// This demo's charts, by name, in page order.
pub const CHARTS: &[(&str, ChartRule)] = &[("pipe_throughput", pipe_throughput as ChartRule)];

pub fn pipe_throughput(records: &[Record]) -> Option<Chart> {
    let r = find(records, "subprocess-pipes", "throughput")?;
    let kib = |b: u64| b as f64 / 1024.0;
    let points = r.series_of::<PipeThroughput>().unwrap_or_default();
    let line = |name: &str, f: fn(&PipeThroughput) -> f64| Series {
        name: name.into(),
        points: points.iter().map(|p| (kib(p.size_bytes), f(p))).collect(),
    };
    let mut series = vec![
        line("raw bytes", |p| p.raw_mib_s),
        line("framed (bincode)", |p| p.framed_mib_s),
    ];
    if let Some(py) = find(records, "subprocess-pipes", "foreign-child") {
        let points = py.series_of::<MpPipeThroughput>().unwrap_or_default();
        series.push(Series {
            name: "CPython multiprocessing.Pipe".into(),
            points: points
                .iter()
                .map(|p| (kib(p.size_bytes), p.mib_s))
                .collect(),
        });
    }
    chart(
        "chart-pipes",
        "Pipe throughput vs message size: framed messages vs raw bytes",
        "MiB/s",
        XAxis::Numeric {
            label: "message size (KiB, log)".into(),
            log: true,
        },
        series,
        &[
            "subprocess-pipes throughput",
            "subprocess-pipes foreign-child",
        ],
        "For large messages the framing and serialization cost little next to moving the bytes.",
    )
}
