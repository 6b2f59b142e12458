//! shared-mmap's series.

use super::point::point;

point! {
    /// `shared-mmap share-vs-copy`: what it costs to give every worker the
    /// dataset by one method at one dataset size (medians over the runs). One
    /// series per method, named for it ([`ShareCost::series_name`]).
    pub struct ShareCost("cost", x = size_bytes) {
        /// The dataset, in bytes.
        size_bytes: u64 => "bytes",
        /// Until every worker holds its data (map, or copy through the pipe,
        /// or read the file), in ms.
        data_setup_ms: f64 => "ms",
        /// Touching every page of the data, in ms.
        touch_ms: f64 => "ms",
        /// Starting the workers and giving them the data, in ms.
        setup_ms: f64 => "ms",
        /// The whole run, in ms.
        total_ms: f64 => "ms",
        /// PSS of parent and workers, per byte of data.
        pss_per_byte: f64 => "x",
        /// RSS of parent and workers, per byte of data.
        rss_per_byte: f64 => "x",
    }
}

impl ShareCost {
    /// The series of one method (`mmap`, `pipe`, `read`).
    pub fn series_name(method: &str) -> String {
        format!("{method}_cost")
    }
}
