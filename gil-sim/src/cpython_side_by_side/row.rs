//! One figure of `compare-cpython` on both sides ([`Row`]), and how it is
//! judged against its tolerance.

use crate::contract::Judgement;
use crate::contract::series::SideBySide;
use crate::gil::Policy;

/// One figure on both sides, and how close they must be (None: not judged).
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) name: &'static str,
    pub(crate) unit: &'static str,
    pub(crate) cpython: f64,
    pub(crate) sim: f64,
    pub(crate) tolerance: Option<f64>,
    /// Whether the tolerance decides the verdict, or is a target shown
    /// beside the figure (inside or outside) without deciding it.
    pub(crate) judged: bool,
    /// The range (min, max) of each side's repeated runs, where measured:
    /// `(cpython, sim)`.
    pub(crate) ranges: Option<((f64, f64), (f64, f64))>,
}

impl Row {
    /// Within tolerance holds; outside twice the tolerance fails; between,
    /// the run cannot decide. A row with no tolerance is not judged (holds).
    /// A CPU-bound ratio below [`MIN_GIL_RATIO`] on either side is a
    /// disturbed run (under a GIL two threads cannot beat one): undecided.
    pub(crate) fn judge(&self) -> Judgement {
        if !self.judged {
            return Judgement::Holds;
        }
        self.against_tolerance()
    }

    /// Where the figure stands against its tolerance, judged or not.
    pub(crate) fn against_tolerance(&self) -> Judgement {
        let Some(t) = self.tolerance else {
            return Judgement::Holds;
        };
        if self.disturbed() {
            return Judgement::Undecided;
        }
        if self.cpython == 0.0 || self.sim == 0.0 {
            // Nothing lost on one side: inside only if nothing on the other.
            return Judgement::from_bool(self.cpython == self.sim);
        }
        let judged = Judgement::at_most((self.sim / self.cpython - 1.0).abs(), t, 2.0 * t);
        // A miss is only a miss when the two sides' runs do not overlap:
        // where they do, the spread is too large to tell them apart.
        let overlap = self
            .ranges
            .is_some_and(|((clo, chi), (slo, shi))| clo <= shi && slo <= chi);
        if judged == Judgement::Fails && overlap {
            return Judgement::Undecided;
        }
        judged
    }
}

/// Under a GIL, two CPU-bound threads take at least about the sequential
/// time; a measured ratio below this means the run was disturbed.
pub(crate) const MIN_GIL_RATIO: f64 = 0.95;

impl Row {
    /// A CPU-bound ratio below [`MIN_GIL_RATIO`] on either side: two threads
    /// beat one under a GIL, which cannot happen, so the run was disturbed
    /// (the machine ran one busy thread slower than two at that moment).
    pub(crate) fn disturbed(&self) -> bool {
        self.name == "cpu_ratio" && self.cpython.min(self.sim) < MIN_GIL_RATIO
    }
}

/// One interpreter's rows as a point of the `side_by_side` series, each
/// figure on both sides; `None` if a row is missing.
pub(crate) fn side_by_side(python: &str, policy: Policy, rows: &[Row]) -> Option<SideBySide> {
    let pair = |name: &str| {
        let r = rows.iter().find(|r| r.name == name)?;
        Some((r.cpython, r.sim))
    };
    let cpu = pair("cpu_ratio")?;
    let io = pair("io_speedup")?;
    let convoy = pair("convoy_latency")?;
    let plain = pair("plain_lost_fraction")?;
    let call = pair("call_lost_fraction")?;
    let locked = pair("locked_lost_fraction")?;
    let speed = pair("loop_minstr_per_s")?;
    Some(SideBySide {
        python: python.into(),
        gil: policy.name().into(),
        cpu_ratio_cpython: cpu.0,
        cpu_ratio_sim: cpu.1,
        io_speedup_cpython: io.0,
        io_speedup_sim: io.1,
        convoy_latency_cpython_s: convoy.0,
        convoy_latency_sim_s: convoy.1,
        plain_lost_fraction_cpython: plain.0,
        plain_lost_fraction_sim: plain.1,
        call_lost_fraction_cpython: call.0,
        call_lost_fraction_sim: call.1,
        locked_lost_fraction_cpython: locked.0,
        locked_lost_fraction_sim: locked.1,
        loop_minstr_per_s_cpython: speed.0,
        loop_minstr_per_s_sim: speed.1,
    })
}
