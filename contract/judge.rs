//! Verdicts with a margin: a measured figure holds a claim only when it is
//! clearly on the claim's side of the bar, fails it only when it is clearly
//! on the other side, and between the two the measurements cannot decide.
//!
//! A single threshold sitting near the value a healthy machine measures
//! turns every run into a coin toss: the same machine says "holds" on one
//! run and "does not hold" on the next. Two thresholds with a band between
//! them give the same verdict on every run of a healthy machine, and say
//! `info` ("undecided") when a run is too disturbed to tell.

use super::record::{Report, Verdict};

/// How many times the driver runs an experiment whose measurements could
/// not decide ([`Report::undecided`]) before it reports `info`.
pub const ATTEMPTS: usize = 3;

/// The machine gives parallelism right now when plain threads get at least
/// this speedup; below it, scaling claims are not judged.
pub const MIN_BASELINE: f64 = 1.3;

/// The fraction of `baseline`'s gain over 1x that `speedup` realises.
pub fn gain_fraction(speedup: f64, baseline: f64) -> f64 {
    (speedup - 1.0) / (baseline - 1.0)
}

/// No further attempt starts once an experiment has taken this long.
pub const ATTEMPT_BUDGET: std::time::Duration = std::time::Duration::from_secs(60);

/// Where one measured figure stands against a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judgement {
    /// Clearly on the claim's side of the bar.
    Holds,
    /// Clearly on the other side.
    Fails,
    /// In the band between: the measurement cannot decide.
    Undecided,
}

/// [`Judgement::scaling`] holds from this share of the baseline's gain...
const SCALING_HOLDS: f64 = 0.5;
/// ...and fails at this share or below.
const SCALING_FAILS: f64 = 0.2;

impl Judgement {
    /// Judges the claim `value >= holds_at`: holds at or above `holds_at`,
    /// fails at or below `fails_at` (which must be lower), undecided between.
    ///
    /// # Example
    #[doc = concat!("```\nuse ", env!("CARGO_CRATE_NAME"), "::contract::judge::Judgement;\n\n// \"Two threads give at least 1.6x\"; 1.2x or less clearly does not.\nassert_eq!(Judgement::at_least(1.9, 1.6, 1.2), Judgement::Holds);\nassert_eq!(Judgement::at_least(1.4, 1.6, 1.2), Judgement::Undecided);\nassert_eq!(Judgement::at_least(1.1, 1.6, 1.2), Judgement::Fails);\n```")]
    pub fn at_least(value: f64, holds_at: f64, fails_at: f64) -> Judgement {
        debug_assert!(fails_at <= holds_at, "the band is upside down");
        if value.is_nan() {
            Judgement::Undecided
        } else if value >= holds_at {
            Judgement::Holds
        } else if value <= fails_at {
            Judgement::Fails
        } else {
            Judgement::Undecided
        }
    }

    /// Judges the claim `value <= holds_at`: holds at or below `holds_at`,
    /// fails at or above `fails_at` (which must be higher), undecided between.
    ///
    /// # Example
    #[doc = concat!("```\nuse ", env!("CARGO_CRATE_NAME"), "::contract::judge::Judgement;\n\n// \"At most 1.5x the cost\"; 2x or more clearly is not.\nassert_eq!(Judgement::at_most(1.1, 1.5, 2.0), Judgement::Holds);\nassert_eq!(Judgement::at_most(2.5, 1.5, 2.0), Judgement::Fails);\n```")]
    pub fn at_most(value: f64, holds_at: f64, fails_at: f64) -> Judgement {
        Judgement::at_least(-value, -holds_at, -fails_at)
    }

    /// A scaling claim judged against what the machine gives right now:
    /// `speedup` realises a fraction of `baseline`'s gain over 1x (plain
    /// threads doing the same kind of work, measured beside it). Half of
    /// that gain or more holds, a fifth or less fails; between the two, or
    /// when the machine gives under [`MIN_BASELINE`] at the moment (a
    /// missing speedup then proves nothing), the run cannot decide.
    ///
    /// # Example
    #[doc = concat!("```\nuse ", env!("CARGO_CRATE_NAME"), "::contract::judge::Judgement;\n\nassert_eq!(Judgement::scaling(1.9, 2.0), Judgement::Holds);\nassert_eq!(Judgement::scaling(1.1, 2.0), Judgement::Fails);\nassert_eq!(Judgement::scaling(1.35, 2.0), Judgement::Undecided); // 35% of the gain\nassert_eq!(Judgement::scaling(1.0, 1.1), Judgement::Undecided); // no parallelism now\n```")]
    pub fn scaling(speedup: f64, baseline: f64) -> Judgement {
        if baseline < MIN_BASELINE {
            return Judgement::Undecided;
        }
        Judgement::at_least(gain_fraction(speedup, baseline), SCALING_HOLDS, SCALING_FAILS)
    }

    /// The speedup at which [`Judgement::scaling`] starts to hold: half of
    /// `baseline`'s gain.
    pub fn scaling_bar(baseline: f64) -> f64 {
        1.0 + (baseline - 1.0) * SCALING_HOLDS
    }

    /// `Holds` when `ok`, else `Fails`: for facts that are counted, not
    /// timed (a deadlock happened, an update was lost), which no noise moves.
    pub fn from_bool(ok: bool) -> Judgement {
        if ok {
            Judgement::Holds
        } else {
            Judgement::Fails
        }
    }

    /// Both parts of a claim: it fails when either part clearly fails, holds
    /// when both hold, and is undecided otherwise.
    pub fn and(self, other: Judgement) -> Judgement {
        use Judgement::{Fails, Holds, Undecided};
        match (self, other) {
            (Fails, _) | (_, Fails) => Fails,
            (Holds, Holds) => Holds,
            _ => Undecided,
        }
    }

    /// Every part of a claim, as [`Judgement::and`]; `Holds` for none.
    ///
    /// # Example
    #[doc = concat!("```\nuse ", env!("CARGO_CRATE_NAME"), "::contract::judge::Judgement::{self, *};\nuse ", env!("CARGO_CRATE_NAME"), "::contract::Verdict;\n\nassert_eq!(Judgement::all([Holds, Undecided]).verdict(), Verdict::Info);\nassert_eq!(Judgement::all([Undecided, Fails]).verdict(), Verdict::DoesNotHold);\nassert_eq!(Judgement::all([Holds, Holds]).verdict(), Verdict::Holds);\n```")]
    pub fn all(parts: impl IntoIterator<Item = Judgement>) -> Judgement {
        parts.into_iter().fold(Judgement::Holds, Judgement::and)
    }

    /// The record's verdict: undecided is `info`.
    pub fn verdict(self) -> Verdict {
        match self {
            Judgement::Holds => Verdict::Holds,
            Judgement::Fails => Verdict::DoesNotHold,
            Judgement::Undecided => Verdict::Info,
        }
    }

    /// `holds`, `fails` or `undecided`, for detail lines.
    pub fn as_str(self) -> &'static str {
        match self {
            Judgement::Holds => "holds",
            Judgement::Fails => "fails",
            Judgement::Undecided => "undecided",
        }
    }
}

impl Report {
    /// Sets the verdict from `j`; an undecided judgement also marks the
    /// report [`undecided`](Report::undecided), so the driver measures again.
    ///
    /// # Example
    #[doc = concat!("```\nuse ", env!("CARGO_CRATE_NAME"), "::contract::{Judgement, Report, Verdict};\n\nlet mut r = Report::new(Verdict::Info, \"\");\nr.judge(Judgement::at_least(1.4, 1.6, 1.2));\nassert_eq!((r.verdict, r.undecided), (Verdict::Info, true));\nr.judge(Judgement::at_least(1.9, 1.6, 1.2));\nassert_eq!((r.verdict, r.undecided), (Verdict::Holds, false));\n```")]
    pub fn judge(&mut self, j: Judgement) {
        self.verdict = j.verdict();
        self.undecided = j == Judgement::Undecided;
    }
}

#[cfg(test)]
mod tests {
    use super::Judgement::{self, *};

    #[test]
    fn the_band_decides_nothing_and_its_edges_decide() {
        assert_eq!(Judgement::at_least(1.6, 1.6, 1.2), Holds);
        assert_eq!(Judgement::at_least(1.2, 1.6, 1.2), Fails);
        assert_eq!(Judgement::at_least(1.5999, 1.6, 1.2), Undecided);
        assert_eq!(Judgement::at_least(f64::NAN, 1.6, 1.2), Undecided);
        assert_eq!(Judgement::at_most(1.5, 1.5, 2.0), Holds);
        assert_eq!(Judgement::at_most(2.0, 1.5, 2.0), Fails);
        assert_eq!(Judgement::at_most(1.7, 1.5, 2.0), Undecided);
    }

    #[test]
    fn a_clear_failure_outweighs_an_undecided_part() {
        assert_eq!(Holds.and(Holds), Holds);
        assert_eq!(Holds.and(Undecided), Undecided);
        assert_eq!(Undecided.and(Fails), Fails);
        assert_eq!(Judgement::all([]), Holds);
        assert_eq!(Judgement::from_bool(false), Fails);
    }
}
