//! The record's fields and the schema versions: what one JSON line holds.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::super::series::Series;
use super::failed_on::FailedOn;
use super::verdict::Verdict;

/// The schema version written into every record.
pub const SCHEMA: u32 = 2;
/// The schema versions a reader accepts: 1 (before series) and 2.
pub const READABLE: std::ops::RangeInclusive<u32> = 1..=SCHEMA;

/// One experiment's result, schema 2. See [the `record` module](super)
/// for the shape.
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
    /// For a claim that does not hold, the figure that failed it and its
    /// bar, where the experiment judged its claim in parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_on: Option<FailedOn>,
}
