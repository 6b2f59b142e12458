//! The JSON record an experiment emits (schema 1), and the [`Report`] an
//! experiment returns before the driver turns it into one.
//!
//! One record is one line on stdout in `--json` mode:
//!
//! ```text
//! {"schema":1,"demo":"gil-sim","experiment":"cpu-bound","claim":"...",
//!  "params":{...},"metrics":{"speedup":0.98},"units":{"speedup":"x"},
//!  "verdict":"holds","detail":"one line"}
//! ```
//!
//! Metrics keep the order in which the experiment added them: the first one
//! is the experiment's key figure (the one `cargo xtask run-all` shows).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The schema version written into every record.
pub const SCHEMA: u32 = 1;

/// What the measurements say about the claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The measurements support the claim on this machine.
    Holds,
    /// The measurements contradict the claim on this machine.
    DoesNotHold,
    /// The experiment only reports figures; there is nothing to judge.
    Info,
}

impl Verdict {
    /// `Holds` when `ok`, else `DoesNotHold`: the verdict is computed, never written in.
    pub fn from_bool(ok: bool) -> Verdict {
        if ok {
            Verdict::Holds
        } else {
            Verdict::DoesNotHold
        }
    }

    /// The name used in records and tables (`holds`, `does-not-hold`, `info`).
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Holds => "holds",
            Verdict::DoesNotHold => "does-not-hold",
            Verdict::Info => "info",
        }
    }
}

/// One experiment's result, schema 1. See the module docs for the shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Always [`SCHEMA`].
    pub schema: u32,
    /// The demo binary (`gil-sim`).
    pub demo: String,
    /// The experiment's name (`cpu-bound`).
    pub experiment: String,
    /// The claim under test, one sentence.
    pub claim: String,
    /// The parameters the experiment ran with, after `--quick` was applied.
    pub params: Map<String, Value>,
    /// Measured figures, key figure first; every value is a number.
    pub metrics: Map<String, Value>,
    /// The unit of each metric, by metric name.
    pub units: Map<String, Value>,
    /// The verdict computed from the metrics.
    pub verdict: Verdict,
    /// One line explaining the verdict.
    pub detail: String,
}

/// Why a line is not a valid record.
#[derive(Debug)]
pub struct RecordError(pub String);

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RecordError {}

impl Record {
    /// Parses and validates one JSON line: schema 1, metrics all numbers, a
    /// unit for each metric, non-empty names.
    pub fn parse_line(line: &str) -> Result<Record, RecordError> {
        let rec: Record =
            serde_json::from_str(line).map_err(|e| RecordError(format!("not a record: {e}")))?;
        if rec.schema != SCHEMA {
            return Err(RecordError(format!(
                "schema {} (expected {SCHEMA})",
                rec.schema
            )));
        }
        if rec.demo.is_empty() || rec.experiment.is_empty() {
            return Err(RecordError("empty demo or experiment name".into()));
        }
        for (name, value) in &rec.metrics {
            if !value.is_number() {
                return Err(RecordError(format!(
                    "metric {name:?} is not a number: {value}"
                )));
            }
            if !rec.units.get(name).is_some_and(Value::is_string) {
                return Err(RecordError(format!("metric {name:?} has no unit")));
            }
        }
        Ok(rec)
    }

    /// The first `n` metrics as `(name, value, unit)`, key figure first.
    pub fn key_figures(&self, n: usize) -> Vec<(&str, f64, &str)> {
        self.metrics
            .iter()
            .take(n)
            .map(|(k, v)| {
                let unit = self.units.get(k).and_then(Value::as_str).unwrap_or("");
                (k.as_str(), v.as_f64().unwrap_or(f64::NAN), unit)
            })
            .collect()
    }
}

/// What an experiment returns: figures, a verdict, and the human text to show.
///
/// The driver adds the demo, experiment, claim and params to make a [`Record`].
///
/// # Example
#[doc = concat!("```\nuse ", env!("CARGO_CRATE_NAME"), "::contract::record::{Record, Report, Verdict};\n\nlet mut report = Report::new(Verdict::Holds, \"2 threads ran 1.9x faster\")\n    .metric(\"speedup\", 1.9, \"x\")\n    .metric(\"efficiency\", 0.95, \"\");\nreport.say(\"threads  seconds\");\nlet record = report.into_record(\"demo\", \"cpu-bound\", \"threads scale\", Default::default());\nlet line = serde_json::to_string(&record)?;\nassert_eq!(Record::parse_line(&line)?.key_figures(1), vec![(\"speedup\", 1.9, \"x\")]);\n# Ok::<(), Box<dyn std::error::Error>>(())\n```")]
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The verdict computed from the measurements.
    pub verdict: Verdict,
    /// One line explaining the verdict.
    pub detail: String,
    /// `(name, value, unit)`, key figure first.
    pub metrics: Vec<(String, f64, String)>,
    /// Resolved parameters; when `None` the driver records the parsed flags.
    pub params: Option<Map<String, Value>>,
    /// Human-readable lines (tables, explanations), printed before the verdict.
    pub lines: Vec<String>,
    /// The measurements could not decide (a figure fell between the bars,
    /// or the machine gave no parallelism at the moment): the driver
    /// measures again, a bounded number of times, before it reports `info`.
    pub undecided: bool,
}

impl Report {
    /// A report with a verdict and its one-line detail.
    pub fn new(verdict: Verdict, detail: impl Into<String>) -> Report {
        Report {
            verdict,
            detail: detail.into(),
            metrics: Vec::new(),
            params: None,
            lines: Vec::new(),
            undecided: false,
        }
    }

    /// Adds a metric (builder style). Non-finite values are recorded as 0 and
    /// flagged in the detail, since JSON has no NaN.
    pub fn metric(
        mut self,
        name: impl Into<String>,
        value: f64,
        unit: impl Into<String>,
    ) -> Report {
        self.push_metric(name, value, unit);
        self
    }

    /// Adds a metric in place.
    pub fn push_metric(&mut self, name: impl Into<String>, value: f64, unit: impl Into<String>) {
        let name = name.into();
        let value = if value.is_finite() {
            value
        } else {
            self.detail.push_str(&format!(" [{name} was not finite]"));
            0.0
        };
        self.metrics.push((name, value, unit.into()));
    }

    /// Records the resolved parameters (anything that serializes to a JSON object).
    pub fn params(mut self, params: &impl Serialize) -> Report {
        if let Ok(Value::Object(map)) = serde_json::to_value(params) {
            self.params = Some(map);
        }
        self
    }

    /// Appends a human-readable line.
    pub fn say(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }

    /// Turns the report into a schema-1 record.
    pub fn into_record(
        self,
        demo: &str,
        experiment: &str,
        claim: &str,
        flags: Map<String, Value>,
    ) -> Record {
        let mut metrics = Map::new();
        let mut units = Map::new();
        for (name, value, unit) in self.metrics {
            metrics.insert(name.clone(), serde_json::json!(value));
            units.insert(name, Value::String(unit));
        }
        Record {
            schema: SCHEMA,
            demo: demo.into(),
            experiment: experiment.into(),
            claim: claim.into(),
            params: self.params.unwrap_or(flags),
            metrics,
            units,
            verdict: self.verdict,
            detail: self.detail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_round_trips_through_a_valid_record() {
        let mut r = Report::new(Verdict::Holds, "fine").metric("speedup", 1.5, "x");
        r.say("a table");
        let rec = r.into_record("d", "e", "c", Map::new());
        let line = serde_json::to_string(&rec).unwrap();
        let back = Record::parse_line(&line).unwrap();
        assert_eq!(back, rec);
        assert_eq!(back.key_figures(1), vec![("speedup", 1.5, "x")]);
        assert!(line.contains("\"verdict\":\"holds\""));
    }

    #[test]
    fn invalid_records_are_rejected_with_a_reason() {
        let bad = [
            "not json",
            r#"{"schema":2,"demo":"d","experiment":"e","claim":"","params":{},"metrics":{},"units":{},"verdict":"info","detail":""}"#,
            r#"{"schema":1,"demo":"d","experiment":"e","claim":"","params":{},"metrics":{"m":"x"},"units":{"m":"s"},"verdict":"info","detail":""}"#,
            r#"{"schema":1,"demo":"d","experiment":"e","claim":"","params":{},"metrics":{"m":1},"units":{},"verdict":"info","detail":""}"#,
            r#"{"schema":1,"demo":"d","experiment":"e","claim":"","params":{},"metrics":{},"units":{},"verdict":"maybe","detail":""}"#,
        ];
        for line in bad {
            assert!(Record::parse_line(line).is_err(), "accepted: {line}");
        }
    }

    #[test]
    fn non_finite_metrics_are_flagged_not_emitted() {
        let r = Report::new(Verdict::Info, "d").metric("m", f64::NAN, "s");
        assert_eq!(r.metrics[0].1, 0.0);
        assert!(r.detail.contains("not finite"));
    }
}
