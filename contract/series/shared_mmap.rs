//! shared-mmap's series.

use serde::{Deserialize, Serialize};

use super::Point;

/// `shared-mmap share-vs-copy`: what it costs to give every worker the
/// dataset by one method at one dataset size (medians over the runs). One
/// series per method, named for it ([`ShareCost::series_name`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ShareCost {
    /// The dataset, in bytes.
    pub size_bytes: u64,
    /// Until every worker holds its data (map, or copy through the pipe,
    /// or read the file), in ms.
    pub data_setup_ms: f64,
    /// Touching every page of the data, in ms.
    pub touch_ms: f64,
    /// Starting the workers and giving them the data, in ms.
    pub setup_ms: f64,
    /// The whole run, in ms.
    pub total_ms: f64,
    /// PSS of parent and workers, per byte of data.
    pub pss_per_byte: f64,
    /// RSS of parent and workers, per byte of data.
    pub rss_per_byte: f64,
}

impl ShareCost {
    /// The series of one method (`mmap`, `pipe`, `read`).
    pub fn series_name(method: &str) -> String {
        format!("{method}_cost")
    }
}

impl Point for ShareCost {
    const NAME: &'static str = "cost";
    const X: &'static str = "size_bytes";
    const UNITS: &'static [(&'static str, &'static str)] = &[
        ("size_bytes", "bytes"),
        ("data_setup_ms", "ms"),
        ("touch_ms", "ms"),
        ("setup_ms", "ms"),
        ("total_ms", "ms"),
        ("pss_per_byte", "x"),
        ("rss_per_byte", "x"),
    ];
}
