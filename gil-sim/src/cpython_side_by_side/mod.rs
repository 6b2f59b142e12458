//! `compare-cpython`'s measurements: each workload run by a CPython
//! script and by the simulator under the matching policy, side by side.

mod measure;
mod pacing;
mod race;
mod row;

pub(crate) use measure::measure;
pub(crate) use row::{MIN_GIL_RATIO, Row, side_by_side};
