//! shared-mmap's chart: giving workers a dataset by mapping it, piping it, or reading the file.
//!
//! Chart rules as data (`Chart` values), next to the experiments that measure
//! them: this crate compiles them (so they follow its records), and
//! `cargo xtask report` compiles this same file to lay them out.

use crate::contract::chart::{Chart, ChartRule, Series, XAxis, chart};
use crate::contract::record::{Record, find};
use crate::contract::series::ShareCost;

/// This demo's charts, by name, in page order.
pub const CHARTS: &[(&str, ChartRule)] = &[("share_vs_copy", share_vs_copy as ChartRule)];

pub fn share_vs_copy(records: &[Record]) -> Option<Chart> {
    let r = find(records, "shared-mmap", "share-vs-copy")?;
    let series = ["mmap", "pipe", "read"]
        .iter()
        .map(|m| {
            let points = r
                .series_named::<ShareCost>(&ShareCost::series_name(m))
                .unwrap_or_default();
            Series {
                name: format!("{m}: data setup"),
                points: points
                    .iter()
                    .map(|p| (p.size_bytes as f64 / 1048576.0, p.data_setup_ms))
                    .collect(),
            }
        })
        .collect();
    chart(
        "chart-mmap",
        "Sharing a dataset with worker processes: mmap vs pipes vs reading the file",
        "ms until every worker holds its data (log)",
        XAxis::Numeric {
            label: "dataset (MiB, log)".into(),
            log: true,
        },
        series,
        &["shared-mmap share-vs-copy"],
        "Mapping is O(1) in the size; copying through a pipe or reading grows with it.",
    )
    .map(Chart::log_y)
}
