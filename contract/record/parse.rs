//! Reading one line into a [`Record`], checked: a readable schema (schema 1
//! records, which have no series, still read), numeric metrics with units,
//! well-formed series.

use serde_json::Value;

use super::super::series::Series;
use super::schema::{READABLE, Record};

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
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::super::series::ConvoyLatency;

    #[test]
    fn a_schema_1_record_still_reads() {
        let line = r#"{"schema":1,"demo":"d","experiment":"e","claim":"","params":{},"metrics":{"m":1},"units":{"m":"s"},"verdict":"info","detail":""}"#;
        let rec = Record::parse_line(line).unwrap();
        assert_eq!(rec.series_of::<ConvoyLatency>(), None);
    }

    #[test]
    fn a_series_with_a_categorical_field_reads() {
        let line = r#"{"schema":2,"demo":"d","experiment":"e","claim":"","params":{},"metrics":{},"units":{},"verdict":"info","detail":"","series":[{"name":"s","x":"gil","units":{"gil":"name","r":"x"},"points":[{"gil":"py311","r":1.0}]}]}"#;
        let rec = Record::parse_line(line).unwrap();
        assert_eq!(rec.series[0].points[0]["gil"], "py311");
    }

    #[test]
    fn invalid_records_are_rejected_with_a_reason() {
        let bad = [
            "not json",
            r#"{"schema":3,"demo":"d","experiment":"e","claim":"","params":{},"metrics":{},"units":{},"verdict":"info","detail":""}"#,
            r#"{"schema":1,"demo":"d","experiment":"e","claim":"","params":{},"metrics":{},"units":{},"verdict":"info","detail":"","series":[{"name":"s","x":"a","units":{"a":""},"points":[{"a":1}]}]}"#,
            r#"{"schema":2,"demo":"d","experiment":"e","claim":"","params":{},"metrics":{},"units":{},"verdict":"info","detail":"","series":[{"name":"s","x":"a","units":{},"points":[{"a":1}]}]}"#,
            r#"{"schema":2,"demo":"d","experiment":"e","claim":"","params":{},"metrics":{},"units":{},"verdict":"info","detail":"","series":[{"name":"s","x":"a","units":{"a":"x"},"points":[{"a":"py311"}]}]}"#,
            r#"{"schema":1,"demo":"d","experiment":"e","claim":"","params":{},"metrics":{"m":"x"},"units":{"m":"s"},"verdict":"info","detail":""}"#,
            r#"{"schema":1,"demo":"d","experiment":"e","claim":"","params":{},"metrics":{"m":1},"units":{},"verdict":"info","detail":""}"#,
            r#"{"schema":1,"demo":"d","experiment":"e","claim":"","params":{},"metrics":{},"units":{},"verdict":"maybe","detail":""}"#,
        ];
        for line in bad {
            assert!(Record::parse_line(line).is_err(), "accepted: {line}");
        }
    }
}
