//! The verdict: each setup's framed/raw ratio against the raw half's
//! thresholds, and its CPython half (judged, shown, or not measured).

use crate::contract::{Judgement, Verdict};

/// What a setup says about the CPython half of the claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PyHalf {
    /// CPython was not measured.
    NotMeasured,
    /// Measured and printed, not judged (see [`Setup::judged`](super::setup::Setup::judged)).
    Shown,
    /// Judged: framed <= 0.5x CPython holds, >= 0.8x fails, between undecided.
    Judged(Judgement),
}

/// framed/raw at or below this holds the raw half of the claim...
const RAW_HOLDS_AT: f64 = 1.3;
/// ...at or above this fails it; between, the run cannot decide.
const RAW_FAILS_AT: f64 = 1.6;
/// framed/CPython at or below this holds the CPython half...
const PY_HOLDS_AT: f64 = 0.5;
/// ...at or above this fails it.
const PY_FAILS_AT: f64 = 0.8;

pub(super) fn py_half(judged: bool, framed: f64, cpython: Option<f64>) -> PyHalf {
    match cpython {
        None => PyHalf::NotMeasured,
        Some(_) if !judged => PyHalf::Shown,
        Some(py) => PyHalf::Judged(Judgement::at_most(framed / py, PY_HOLDS_AT, PY_FAILS_AT)),
    }
}

/// The verdict over every setup's `(framed/raw, CPython half)`: a clear
/// miss anywhere disproves the claim; a figure in a band leaves it
/// undecided (`Info`); a pass needs the CPython half judged (and passed) in
/// at least one setup, or it is only `Info` (it proves nothing about that
/// half).
#[cfg(test)]
fn judge(rows: impl IntoIterator<Item = (f64, PyHalf)>) -> Verdict {
    judgement(rows).0
}

/// [`judge`]'s verdict, and whether the figures left it undecided (a band,
/// not a missing CPython), so that the driver measures again.
pub(super) fn judgement(rows: impl IntoIterator<Item = (f64, PyHalf)>) -> (Verdict, bool) {
    let (mut all, mut judged) = (Judgement::Holds, false);
    for (framed_vs_raw, py) in rows {
        all = all.and(Judgement::at_most(
            framed_vs_raw,
            RAW_HOLDS_AT,
            RAW_FAILS_AT,
        ));
        if let PyHalf::Judged(j) = py {
            all = all.and(j);
            judged = true;
        }
    }
    match all {
        Judgement::Holds if !judged => (Verdict::Info, false),
        j => (j.verdict(), j == Judgement::Undecided),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::setup::Setup;
    use super::*;

    #[test]
    fn the_cpython_half_is_judged_in_the_named_setups_only() {
        let setup = |one_cpu, spin_us| Setup {
            prefix: "",
            one_cpu,
            spin: Duration::from_micros(spin_us),
        };
        assert!(!setup(false, 0).judged(), "blocking across CPUs: shown");
        assert!(setup(false, 50).judged());
        assert!(setup(true, 0).judged());
        assert_eq!(py_half(true, 1.1, None), PyHalf::NotMeasured);
        assert_eq!(py_half(false, 9.0, Some(10.0)), PyHalf::Shown);
        assert_eq!(
            py_half(true, 5.0, Some(10.0)),
            PyHalf::Judged(Judgement::Holds)
        );
        assert_eq!(
            py_half(true, 6.0, Some(10.0)),
            PyHalf::Judged(Judgement::Undecided)
        );
        assert_eq!(
            py_half(true, 8.0, Some(10.0)),
            PyHalf::Judged(Judgement::Fails)
        );
    }

    #[test]
    fn one_miss_anywhere_disproves_and_a_pass_needs_a_judged_setup() {
        use Judgement::{Fails, Holds, Undecided};
        use PyHalf::*;
        assert_eq!(judge([(1.1, NotMeasured)]), Verdict::Info);
        assert_eq!(judge([(1.7, NotMeasured)]), Verdict::DoesNotHold);
        assert_eq!(judge([(1.1, Judged(Holds))]), Verdict::Holds);
        assert_eq!(judge([(1.7, Judged(Holds))]), Verdict::DoesNotHold);
        assert_eq!(
            judge([(1.0, Shown), (1.0, Judged(Holds)), (1.1, Judged(Fails))]),
            Verdict::DoesNotHold,
            "the CPython half failing alone, in one setup, disproves"
        );
        assert_eq!(judge([(1.0, Shown), (1.0, Judged(Holds))]), Verdict::Holds);
        assert_eq!(judge([(1.0, Shown)]), Verdict::Info);
        assert_eq!(
            judge([(1.7, Shown), (1.0, Judged(Holds))]),
            Verdict::DoesNotHold,
            "the raw half counts in a shown setup too"
        );
        assert_eq!(
            judge([(1.4, Shown), (1.0, Judged(Holds))]),
            Verdict::Info,
            "framed/raw in the band: undecided, not a flip to does-not-hold"
        );
        assert_eq!(judge([(1.0, Judged(Undecided))]), Verdict::Info);
    }
}
