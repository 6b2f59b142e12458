//! The JSON record an experiment emits (schema 2), and the [`Report`] an
//! experiment returns before the driver turns it into one.
//!
//! One record is one line on stdout in `--json` mode:
//!
//! ```text
//! {"schema":2,"demo":"gil-sim","experiment":"convoy","claim":"...",
//!  "params":{...},"metrics":{"latency_ratio":0.98},"units":{"latency_ratio":"x"},
//!  "verdict":"holds","detail":"one line",
//!  "series":[{"name":"latency","x":"interval_us","units":{...},
//!             "points":[{"cpu_threads":1,"interval_us":5000,"latency_s":0.0052}]}]}
//! ```
//!
//! Metrics keep the order in which the experiment added them: the first one
//! is the experiment's key figure (the one `cargo xtask run-all` shows).
//! Metrics are flat key figures; an experiment that sweeps a parameter adds
//! a [`Series`] (schema 2), whose points carry the parameters as fields.
//! Schema 1 records (no series) still read: saved `--from` files.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::series::{Point, Series};

/// The schema version written into every record.
pub const SCHEMA: u32 = 2;
/// The schema versions a reader accepts: 1 (before series) and 2.
pub const READABLE: std::ops::RangeInclusive<u32> = 1..=SCHEMA;

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

/// One experiment's result, schema 2. See the module docs for the shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// [`SCHEMA`] when written; any of [`READABLE`] when read.
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
    /// The sweeps of a parameter, by name (schema 2; none in schema 1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub series: Vec<Series>,
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
    /// Parses and validates one JSON line: a readable schema, metrics all
    /// numbers, a unit for each metric, non-empty names, well-formed series.
    pub fn parse_line(line: &str) -> Result<Record, RecordError> {
        let rec: Record =
            serde_json::from_str(line).map_err(|e| RecordError(format!("not a record: {e}")))?;
        if !READABLE.contains(&rec.schema) {
            return Err(RecordError(format!(
                "schema {} (this reader reads {} to {})",
                rec.schema,
                READABLE.start(),
                READABLE.end()
            )));
        }
        if rec.schema < 2 && !rec.series.is_empty() {
            return Err(RecordError("series in a schema 1 record".into()));
        }
        if let Some(why) = rec.series.iter().find_map(Series::problem) {
            return Err(RecordError(why));
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

    /// A metric, by name.
    pub fn metric(&self, name: &str) -> Option<f64> {
        self.metrics.get(name).and_then(Value::as_f64)
    }

    /// The points of `P`'s series, typed; `None` when the record has none
    /// (a schema 1 record, or an experiment that did not sweep).
    pub fn series_of<P: Point>(&self) -> Option<Vec<P>> {
        self.series_named(P::NAME)
    }

    /// As [`Record::series_of`], for the series called `name`.
    pub fn series_named<P: Point>(&self, name: &str) -> Option<Vec<P>> {
        self.series.iter().find(|s| s.name == name)?.typed()
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

/// The record of `demo experiment` among `records`, if it ran.
pub fn find<'a>(records: &'a [Record], demo: &str, experiment: &str) -> Option<&'a Record> {
    records
        .iter()
        .find(|r| r.demo == demo && r.experiment == experiment)
}

/// What an experiment returns: figures, a verdict, and the human text to show.
///
/// The driver adds the demo, experiment, claim and params to make a
/// [`Record`] (the tests below show a round trip).
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
    /// Sweeps of a parameter ([`Report::series`]).
    pub series: Vec<Series>,
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
            series: Vec::new(),
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

    /// Adds a sweep of a parameter, as typed points (builder style); an
    /// empty sweep adds nothing.
    pub fn series<P: Point>(mut self, points: &[P]) -> Report {
        self.push_series(points);
        self
    }

    /// Adds a sweep in place.
    pub fn push_series<P: Point>(&mut self, points: &[P]) {
        self.push_series_named(P::NAME, points);
    }

    /// Adds a sweep under another name than [`Point::NAME`] (a second
    /// series of one point type).
    pub fn push_series_named<P: Point>(&mut self, name: &str, points: &[P]) {
        if !points.is_empty() {
            self.series.push(Series::named(name, points));
        }
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

    /// Turns the report into a record of the current [`SCHEMA`].
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
            series: self.series,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::series::ConvoyLatency;

    #[test]
    fn a_report_round_trips_through_a_valid_record() {
        let mut r = Report::new(Verdict::Holds, "fine")
            .metric("speedup", 1.5, "x")
            .metric("efficiency", 0.75, "");
        r.say("a table");
        let rec = r.into_record("d", "e", "c", Map::new());
        let line = serde_json::to_string(&rec).unwrap();
        let back = Record::parse_line(&line).unwrap();
        assert_eq!(back, rec);
        assert_eq!(back.key_figures(1), vec![("speedup", 1.5, "x")]);
        assert!(line.contains("\"verdict\":\"holds\""));
        assert!(
            line.contains("\"schema\":2") && !line.contains("series"),
            "{line}"
        );
    }

    #[test]
    fn a_sweep_travels_as_a_typed_series() {
        let points = [ConvoyLatency {
            cpu_threads: 1,
            interval_us: 5000.0,
            latency_s: 0.005,
            cpu_iters_per_s: 0.0,
        }];
        let rec = Report::new(Verdict::Info, "d").series(&points).into_record(
            "gil-sim",
            "convoy",
            "c",
            Map::new(),
        );
        let back = Record::parse_line(&serde_json::to_string(&rec).unwrap()).unwrap();
        assert_eq!(back.series_of::<ConvoyLatency>(), Some(points.to_vec()));
    }

    #[test]
    fn a_schema_1_record_still_reads() {
        let line = r#"{"schema":1,"demo":"d","experiment":"e","claim":"","params":{},"metrics":{"m":1},"units":{"m":"s"},"verdict":"info","detail":""}"#;
        let rec = Record::parse_line(line).unwrap();
        assert_eq!(rec.series_of::<ConvoyLatency>(), None);
    }

    #[test]
    fn invalid_records_are_rejected_with_a_reason() {
        let bad = [
            "not json",
            r#"{"schema":3,"demo":"d","experiment":"e","claim":"","params":{},"metrics":{},"units":{},"verdict":"info","detail":""}"#,
            r#"{"schema":1,"demo":"d","experiment":"e","claim":"","params":{},"metrics":{},"units":{},"verdict":"info","detail":"","series":[{"name":"s","x":"a","units":{"a":""},"points":[{"a":1}]}]}"#,
            r#"{"schema":2,"demo":"d","experiment":"e","claim":"","params":{},"metrics":{},"units":{},"verdict":"info","detail":"","series":[{"name":"s","x":"a","units":{},"points":[{"a":1}]}]}"#,
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
