//! One setup's figures (raw, framed, CPython) and the report's lines for it.

use super::setup::Setup;
use super::verdict::{PyHalf, py_half};
use crate::contract::measure::{Stats, human_time};

/// The figures of one setup: seconds per round trip.
#[derive(Debug)]
pub(super) struct Row {
    pub(super) setup: Setup,
    pub(super) raw: Stats,
    pub(super) framed: Stats,
    pub(super) cpython: Option<f64>,
}

impl Row {
    pub(super) fn framed_vs_raw(&self) -> f64 {
        self.framed.median / self.raw.median
    }

    /// framed/raw of each side's fastest run: what the raw half of the
    /// claim is judged on, since interference from the rest of a shared
    /// machine only ever adds latency (one disturbed run read 1.46x).
    pub(super) fn framed_vs_raw_best(&self) -> f64 {
        self.framed.min / self.raw.min
    }

    pub(super) fn py_half(&self) -> PyHalf {
        py_half(self.setup.judged(), self.framed.median, self.cpython)
    }

    /// For a row shown but not judged: the raw ping-pong's own ratio to
    /// CPython, and that it is not judged.
    fn shown_note(&self) -> Option<String> {
        let py = self.cpython.filter(|_| self.py_half() == PyHalf::Shown)?;
        Some(format!(
            "raw alone {:.2}x; shown, not judged",
            self.raw.median / py
        ))
    }
}

/// One report line for a setup.
pub(super) fn describe(row: &Row, pinned: bool) -> String {
    let t = |s: &Stats| {
        format!(
            "{} ({}..{})",
            human_time(s.median),
            human_time(s.min),
            human_time(s.max)
        )
    };
    let mut line = format!(
        "{:<31} raw {}  framed {} = {:.2}x raw",
        row.setup.name(pinned),
        t(&row.raw),
        t(&row.framed),
        row.framed_vs_raw()
    );
    if let Some(py) = row.cpython {
        line.push_str(&format!(
            "  CPython Pipe {} (framed {:.2}x{})",
            human_time(py),
            row.framed.median / py,
            row.shown_note()
                .map(|n| format!("; {n}"))
                .unwrap_or_default()
        ));
    }
    line
}

/// A setup's figures for the verdict's detail.
pub(super) fn short(row: &Row, pinned: bool) -> String {
    let mut s = format!(
        "{}: framed/raw {:.2}x",
        row.setup.name(pinned),
        row.framed_vs_raw()
    );
    if let Some(py) = row.cpython {
        s.push_str(&format!(", framed/CPython {:.2}x", row.framed.median / py));
        if let Some(note) = row.shown_note() {
            s.push_str(&format!(" ({note})"));
        }
    }
    s
}
