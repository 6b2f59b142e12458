//! The [`Report`] an experiment returns, and how the driver turns it into
//! a [`Record`] of the current [`SCHEMA`].

use serde_json::{Map, Value};

use super::super::series::{Point, Series};
use super::failed_on::FailedOn;
use super::schema::{Record, SCHEMA};
use super::verdict::Verdict;

/// What an experiment returns: figures, a verdict, and the human text to show.
///
/// The driver adds the demo, experiment, claim and params (the flags as the
/// run left them, defaults filled in) to make a
/// [`Record`] (the tests below show a round trip).
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The verdict computed from the measurements.
    pub verdict: Verdict,
    /// One line explaining the verdict.
    pub detail: String,
    /// `(name, value, unit)`, key figure first.
    pub metrics: Vec<(String, f64, String)>,
    /// Human-readable lines (tables, explanations), printed before the verdict.
    pub lines: Vec<String>,
    /// Sweeps of a parameter ([`Report::series`]).
    pub series: Vec<Series>,
    /// The measurements could not decide (a figure fell between the bars,
    /// or the machine gave no parallelism at the moment): the driver
    /// measures again, a bounded number of times, before it reports `info`.
    pub undecided: bool,
    /// The part of the claim that failed it, if it was judged in parts
    /// (`Report::judge_parts`).
    pub failed_on: Option<FailedOn>,
}

impl Report {
    /// A report with a verdict and its one-line detail.
    pub fn new(verdict: Verdict, detail: impl Into<String>) -> Report {
        Report {
            verdict,
            detail: detail.into(),
            metrics: Vec::new(),
            lines: Vec::new(),
            series: Vec::new(),
            undecided: false,
            failed_on: None,
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
            params: flags,
            metrics,
            units,
            verdict: self.verdict,
            detail: self.detail,
            series: self.series,
            failed_on: self.failed_on,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::super::series::ConvoyLatency;

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
    fn non_finite_metrics_are_flagged_not_emitted() {
        let r = Report::new(Verdict::Info, "d").metric("m", f64::NAN, "s");
        assert_eq!(r.metrics[0].1, 0.0);
        assert!(r.detail.contains("not finite"));
    }
}
