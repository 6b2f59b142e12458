//! Building one row of advice from named figures of a record.

use super::Advice;
use crate::contract::record::Record;
use crate::report::html::{data, esc};
use crate::report::records::metric;

/// A figure: its label, the record it comes from, and the metric name.
pub(super) struct Fig<'a> {
    pub(super) label: &'a str,
    pub(super) value: f64,
    pub(super) unit: &'a str,
}

pub(super) fn fig<'a>(rec: &Record, name: &str, label: &'a str, unit: &'a str) -> Option<Fig<'a>> {
    Some(Fig {
        label,
        value: metric(rec, name)?,
        unit,
    })
}

pub(super) fn row(
    situation: &str,
    choice: String,
    figs: &[Fig<'_>],
    chart: &str,
    demo: &str,
    exp: &str,
) -> Advice {
    let evidence_html = figs
        .iter()
        .map(|f| format!("{} {}", esc(f.label), data(f.value, f.unit)))
        .collect::<Vec<_>>()
        .join("; ");
    Advice {
        situation: situation.into(),
        choice,
        evidence_html,
        chart: chart.into(),
        command: format!("cargo xtask run {demo} {exp}"),
    }
}

/// `a` clearly beats `b` (by 20%).
pub(super) fn clearly(a: f64, b: f64) -> bool {
    a > b * 1.2
}
