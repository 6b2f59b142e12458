//! The figure that failed a claim, with its bar: what a summary shows for
//! a claim that did not hold, instead of key figures that may have passed.

use serde::{Deserialize, Serialize};

/// The part of a claim that failed it: a metric of the record and the bar
/// it had to reach (`{"metric":"queue_over_cpython","op":">=","bar":10}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailedOn {
    /// The metric, by name (one of the record's metrics).
    pub metric: String,
    /// `>=` (the claim needs at least `bar`) or `<=` (at most `bar`).
    pub op: String,
    /// The bar at which the claim holds, in the metric's unit.
    pub bar: f64,
}

impl FailedOn {
    /// `≥` or `≤`, for people.
    pub fn symbol(&self) -> &'static str {
        if self.op == "<=" { "≤" } else { "≥" }
    }
}
