//! Looking figures up in records: a metric, a series, the key figures, and
//! the record of one experiment among many.

use serde_json::Value;

use super::super::series::Point;
use super::failed_on::FailedOn;
use super::schema::Record;

impl Record {
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

impl Record {
    /// The figure that failed the claim, with its unit and bar: for a
    /// record that does not hold and says which part failed it.
    pub fn failed_figure(&self) -> Option<(&str, f64, &str, &FailedOn)> {
        let on = self.failed_on.as_ref()?;
        let value = self.metric(&on.metric)?;
        let unit = self
            .units
            .get(&on.metric)
            .and_then(Value::as_str)
            .unwrap_or("");
        Some((on.metric.as_str(), value, unit, on))
    }
}

/// The record of `demo experiment` among `records`, if it ran.
pub fn find<'a>(records: &'a [Record], demo: &str, experiment: &str) -> Option<&'a Record> {
    records
        .iter()
        .find(|r| r.demo == demo && r.experiment == experiment)
}
