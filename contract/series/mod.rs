//! Series (schema 2): an experiment's sweep of a parameter as a named table
//! of points, each point carrying its parameters and figures as fields
//! (`{"cpu_threads":1,"interval_us":5000,"latency_s":0.0062}`), instead of
//! metric names that encode the parameters (`latency_1cpu_5000us`).
//!
//! The point types live here, in the contract: the demo that writes a
//! series and xtask, which reads it, compile the same struct, so a renamed
//! field is a compile error on both sides, not a chart that silently goes
//! missing. A record's flat metrics stay its key figures. Each demo's
//! point types have a file named for the demo, each declared with
//! `point!` (the `point` file), its units beside its fields.
//!
//! A field is a number, or, for a categorical parameter (the GIL policy
//! `gil`, the interpreter `python`), a string whose unit is [`CATEGORY`]
//! (`"name"`): `{"gil":"py311","threads_over_sequential":1.01}`.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

mod gil_sim;
mod point;
mod processes;
mod shared_mmap;
mod subprocess_pipes;

pub use gil_sim::{
    ConvoyLatency, CpuBoundRatio, GuiFrames, InstrRate, IoSpeedup, RaceLost, SideBySide,
};
pub use processes::{ChunksizeCost, PayloadCost};
pub use shared_mmap::ShareCost;
pub use subprocess_pipes::{MpPipeThroughput, PipeThroughput};

/// The unit of a categorical field: its values are names (`"py311"`), not
/// numbers. Every other unit marks a numeric field.
pub const CATEGORY: &str = "name";

/// One point type of a series: its name in the record, the field the
/// points vary along, and the unit of every field.
pub trait Point: Serialize + DeserializeOwned {
    /// The series' name in the record (`latency`).
    const NAME: &'static str;
    /// The field the points vary along (`interval_us`).
    const X: &'static str;
    /// `(field, unit)` for every field of the point. A field whose unit is
    /// [`CATEGORY`] (`"name"`) holds a string (a categorical parameter
    /// such as the GIL policy); every other field holds a number.
    const UNITS: &'static [(&'static str, &'static str)];
}

/// A series as a record carries it: the untyped form of `Vec<P: Point>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Series {
    /// The series' name ([`Point::NAME`]).
    pub name: String,
    /// The field the points vary along ([`Point::X`]).
    pub x: String,
    /// The unit of each field, by field name.
    pub units: Map<String, Value>,
    /// The points, in the order the experiment measured them.
    pub points: Vec<Map<String, Value>>,
}

impl Series {
    /// The series of `points`, named [`Point::NAME`].
    pub fn of<P: Point>(points: &[P]) -> Series {
        Series::named(P::NAME, points)
    }

    /// The series of `points` under another name: for two series of one
    /// point type in a record (Rust's and CPython's). A point that does not
    /// serialize to an object is left out (a point type is a struct of
    /// numbers and names).
    pub fn named<P: Point>(name: &str, points: &[P]) -> Series {
        let units = P::UNITS
            .iter()
            .map(|(f, u)| (f.to_string(), Value::String(u.to_string())))
            .collect();
        let points = points
            .iter()
            .filter_map(|p| match serde_json::to_value(p) {
                Ok(Value::Object(map)) => Some(map),
                _ => None,
            })
            .collect();
        Series {
            name: name.into(),
            x: P::X.into(),
            units,
            points,
        }
    }

    /// The points as `P`; `None` unless every point reads as one.
    pub fn typed<P: Point>(&self) -> Option<Vec<P>> {
        self.points
            .iter()
            .map(|p| serde_json::from_value(Value::Object(p.clone())).ok())
            .collect()
    }

    /// Why the series is malformed, if it is: an empty name, a point
    /// without the x field, a field without a unit, a categorical field
    /// (unit [`CATEGORY`]) that is not a string, or another field that is
    /// not a number.
    pub fn problem(&self) -> Option<String> {
        if self.name.is_empty() {
            return Some("a series without a name".into());
        }
        for point in &self.points {
            if !point.contains_key(&self.x) {
                return Some(format!(
                    "series {:?}: a point without {:?}",
                    self.name, self.x
                ));
            }
            for (field, value) in point {
                let Some(unit) = self.units.get(field).and_then(Value::as_str) else {
                    return Some(format!("series {:?}: {field:?} has no unit", self.name));
                };
                if unit == CATEGORY && !value.is_string() {
                    return Some(format!("series {:?}: {field:?} is not a name", self.name));
                }
                if unit != CATEGORY && !value.is_number() {
                    return Some(format!("series {:?}: {field:?} is not a number", self.name));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_series_round_trips_typed_and_checks_its_fields() {
        let points = vec![
            ConvoyLatency {
                cpu_threads: 1,
                interval_us: 5000.0,
                latency_s: 0.0052,
                cpu_iters_per_s: 0.0,
            },
            ConvoyLatency {
                cpu_threads: 2,
                interval_us: 1000.0,
                latency_s: 0.0021,
                cpu_iters_per_s: 4.0e7,
            },
        ];
        let s = Series::of(&points);
        assert_eq!(s.problem(), None);
        assert_eq!(s.typed::<ConvoyLatency>(), Some(points));
        let line = serde_json::to_string(&s).unwrap();
        assert!(line.contains(r#""interval_us":5000.0"#), "{line}");
        let mut bad = s.clone();
        bad.points[0].remove("interval_us");
        assert!(bad.problem().unwrap().contains("without"));
        let mut bad = s.clone();
        bad.units.remove("latency_s");
        assert!(bad.problem().unwrap().contains("no unit"));
        let mut other = s;
        other.points[0].remove("latency_s");
        assert_eq!(other.typed::<ConvoyLatency>(), None);
    }

    fn ratio(gil: &str, r: f64) -> CpuBoundRatio {
        CpuBoundRatio {
            gil: gil.into(),
            sequential_s: 0.1,
            threads_s: 0.1 * r,
            threads_over_sequential: r,
        }
    }

    #[test]
    fn a_categorical_field_round_trips_as_a_name() {
        let points = vec![ratio("py311", 1.01), ratio("nogil", 0.52)];
        let s = Series::of(&points);
        assert_eq!(s.problem(), None);
        assert_eq!(s.x, "gil");
        assert_eq!(s.units["gil"], CATEGORY);
        let line = serde_json::to_string(&s).unwrap();
        assert!(line.contains(r#""gil":"py311""#), "{line}");
        let back: Series = serde_json::from_str(&line).unwrap();
        assert_eq!(back.typed::<CpuBoundRatio>(), Some(points));
    }

    #[test]
    fn a_name_in_a_numeric_field_or_a_number_in_a_categorical_one_is_a_problem() {
        let s = Series::of(&[ratio("py311", 1.01)]);
        let mut bad = s.clone();
        bad.points[0].insert("threads_s".into(), "slow".into());
        assert!(bad.problem().unwrap().contains("not a number"), "{bad:?}");
        let mut bad = s.clone();
        bad.points[0].insert("gil".into(), 311.into());
        assert!(bad.problem().unwrap().contains("not a name"), "{bad:?}");
        // A field's unit decides: relabelled as a number, a name is a problem.
        let mut bad = s;
        bad.units.insert("gil".into(), "x".into());
        assert!(bad.problem().unwrap().contains("not a number"), "{bad:?}");
    }
}
