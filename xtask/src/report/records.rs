//! Finding a figure in the records: a record by demo and experiment, a
//! metric by name.

use crate::contract::record::Record;

/// The record of `demo experiment`, if it ran.
pub fn find<'a>(records: &'a [Record], demo: &str, experiment: &str) -> Option<&'a Record> {
    records
        .iter()
        .find(|r| r.demo == demo && r.experiment == experiment)
}

/// A metric of a record, by name.
pub fn metric(rec: &Record, name: &str) -> Option<f64> {
    rec.metrics.get(name).and_then(serde_json::Value::as_f64)
}
