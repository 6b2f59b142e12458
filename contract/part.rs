//! A claim judged in parts: each part a recorded figure against its bars,
//! so that a claim that fails says which figure failed it and what it had
//! to reach ([`FailedOn`] in the record), not only a sentence in the detail.

use super::judge::Judgement;
use super::record::{FailedOn, Report};

/// One judged figure of a claim: the metric it is recorded as, where it
/// stands, and the bar at which it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// The metric's name in the report.
    pub metric: String,
    /// Where the figure stands.
    pub judgement: Judgement,
    /// `>=` or `<=`, and the bar at which the part holds.
    pub op: &'static str,
    /// The bar at which the part holds.
    pub bar: f64,
}

impl Part {
    /// The part "`metric` is at least `holds_at`" ([`Judgement::at_least`]).
    pub fn at_least(metric: &str, value: f64, holds_at: f64, fails_at: f64) -> Part {
        Part {
            metric: metric.into(),
            judgement: Judgement::at_least(value, holds_at, fails_at),
            op: ">=",
            bar: holds_at,
        }
    }

    /// The part "`metric` is at most `holds_at`" ([`Judgement::at_most`]).
    pub fn at_most(metric: &str, value: f64, holds_at: f64, fails_at: f64) -> Part {
        Part {
            metric: metric.into(),
            judgement: Judgement::at_most(value, holds_at, fails_at),
            op: "<=",
            bar: holds_at,
        }
    }

    /// The scaling part "`metric` realises half of `baseline`'s gain"
    /// ([`Judgement::scaling`]); its bar is that speedup ([`Judgement::scaling_bar`]).
    pub fn scaling(metric: &str, speedup: f64, baseline: f64) -> Part {
        Part {
            metric: metric.into(),
            judgement: Judgement::scaling(speedup, baseline),
            op: ">=",
            bar: Judgement::scaling_bar(baseline),
        }
    }

    /// The part, left undecided unless `judged` (a scaling part on a
    /// machine that gives no parallelism right now).
    pub fn judged_if(mut self, judged: bool) -> Part {
        if !judged {
            self.judgement = Judgement::Undecided;
        }
        self
    }

    /// `holds`, `fails` or `undecided`, for detail lines.
    pub fn as_str(&self) -> &'static str {
        self.judgement.as_str()
    }
}

impl Report {
    /// Judges the claim on all its `parts` ([`Judgement::all`]: a clear
    /// failure of one part fails it); when it fails, records the first
    /// failing part as [`Report::failed_on`].
    ///
    /// # Example
    #[doc = concat!("```\nuse ", env!("CARGO_CRATE_NAME"), "::contract::part::Part;\nuse ", env!("CARGO_CRATE_NAME"), "::contract::{Report, Verdict};\n\nlet mut r = Report::new(Verdict::Info, \"\").metric(\"speedup\", 1.9, \"x\").metric(\"cost\", 2.5, \"x\");\nr.judge_parts(&[Part::at_least(\"speedup\", 1.9, 1.6, 1.2), Part::at_most(\"cost\", 2.5, 1.5, 2.0)]);\nassert_eq!(r.verdict, Verdict::DoesNotHold);\nassert_eq!(r.failed_on.as_ref().map(|f| f.metric.as_str()), Some(\"cost\"));\n```")]
    pub fn judge_parts(&mut self, parts: &[Part]) {
        let j = Judgement::all(parts.iter().map(|p| p.judgement));
        self.judge(j);
        self.failed_on = (j == Judgement::Fails)
            .then(|| parts.iter().find(|p| p.judgement == Judgement::Fails))
            .flatten()
            .map(|p| FailedOn {
                metric: p.metric.clone(),
                op: p.op.into(),
                bar: p.bar,
            });
    }
}

#[cfg(test)]
mod tests {
    use super::super::record::Verdict;
    use super::*;

    #[test]
    fn only_a_failed_claim_names_a_part_and_it_is_the_first_that_failed() {
        let mut r = Report::new(Verdict::Info, "");
        let parts = [
            Part::at_least("a", 1.4, 1.6, 1.2),
            Part::at_most("b", 3.0, 1.5, 2.0),
            Part::at_least("c", 0.1, 1.6, 1.2),
        ];
        r.judge_parts(&parts);
        assert_eq!(r.verdict, Verdict::DoesNotHold);
        let on = r.failed_on.clone().unwrap();
        assert_eq!(
            (on.metric.as_str(), on.op.as_str(), on.bar),
            ("b", "<=", 1.5)
        );
        r.judge_parts(&parts[..1]);
        assert_eq!(
            (r.verdict, r.undecided, r.failed_on),
            (Verdict::Info, true, None)
        );
    }
}
