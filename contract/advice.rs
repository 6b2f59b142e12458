//! The report's "when to use what" rows as data: a situation, the choice
//! the measured figures support, and those figures, built from records by
//! the demo that measures them. xtask lays the rows out (HTML); no demo
//! writes HTML.
//!
//! A row whose figures are missing from the records is left out, not
//! guessed; the choice in a row follows from the figures, not from the
//! lecture.

use super::record::Record;

/// One row of advice.
#[derive(Debug, Clone, PartialEq)]
pub struct Advice {
    /// The situation (`CPU-bound work, in Python`).
    pub situation: String,
    /// What to use.
    pub choice: String,
    /// The measured figures behind the choice.
    pub figures: Vec<Figure>,
    /// The anchor of the chart that shows them.
    pub chart: String,
    /// The command that measures them again.
    pub command: String,
    /// Why a figure reads as it does, where a reader would stop at it (a
    /// setup that is shown but not judged, a spread); empty when none.
    pub note: String,
}

/// A measured figure: its label, value and unit (` s`, ` ×`, ` µs`).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// What it is (`CPython process pool`).
    pub label: String,
    /// The measured value.
    pub value: f64,
    /// Its unit, shown after the value.
    pub unit: String,
}

/// A row built from the records: `None` when they lack its figures.
pub type AdviceRule = fn(&[Record]) -> Option<Advice>;

/// The figure of `rec`'s metric `name`, if it has one.
pub fn fig(rec: &Record, name: &str, label: &str, unit: &str) -> Option<Figure> {
    Some(figure(label, rec.metric(name)?, unit))
}

/// A figure from a value (a point of a series, a figure computed from two).
pub fn figure(label: &str, value: f64, unit: &str) -> Figure {
    Figure {
        label: label.into(),
        value,
        unit: unit.into(),
    }
}

/// A row, measured again by `cargo xtask run <demo> <exp>`.
pub fn row(
    situation: &str,
    choice: impl Into<String>,
    figures: Vec<Figure>,
    chart: &str,
    demo: &str,
    exp: &str,
) -> Advice {
    Advice {
        situation: situation.into(),
        choice: choice.into(),
        figures,
        chart: chart.into(),
        command: format!("cargo xtask run {demo} {exp}"),
        note: String::new(),
    }
}

impl Advice {
    /// The row with a note under its figures (builder style).
    pub fn note(mut self, note: impl Into<String>) -> Advice {
        self.note = note.into();
        self
    }
}

/// `a` clearly beats `b` (by 20%).
pub fn clearly(a: f64, b: f64) -> bool {
    a > b * 1.2
}
