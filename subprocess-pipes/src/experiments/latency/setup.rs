//! The setups the trio runs in: where the children sit (the parent's CPU or
//! the other one) and how receivers wait (block at once, or spin first).

use std::time::Duration;

use crate::placement::Placement;

/// One way of running the trio: where the children sit, how receivers wait.
#[derive(Debug, Clone, Copy)]
pub(super) struct Setup {
    /// Metric name prefix ("" for the first, the usual way).
    pub(super) prefix: &'static str,
    /// Children on the parent's CPU instead of the other one.
    pub(super) one_cpu: bool,
    /// Spin budget before each blocking read; zero: block at once.
    pub(super) spin: Duration,
}

impl Setup {
    /// Whether the CPython half of the claim is judged in this setup: not
    /// where a blocking hop crosses CPUs (or may: unpinned), which measures
    /// how fast the machine wakes a sleeping process.
    pub(super) fn judged(&self) -> bool {
        self.one_cpu || !self.spin.is_zero()
    }

    /// The CPU this setup's children go on: the parent's, or the other one.
    pub(super) fn child_cpu(&self, p: &Placement) -> usize {
        let (parent, other) = p.cpus();
        if self.one_cpu { parent } else { other }
    }

    pub(super) fn name(&self, pinned: bool) -> String {
        let place = match (pinned, self.one_cpu) {
            (false, _) => "unpinned",
            (true, false) => "two CPUs",
            (true, true) => "one CPU",
        };
        let wait = if self.spin.is_zero() {
            "blocking reads".to_string()
        } else {
            format!("spin {} µs then block", self.spin.as_micros())
        };
        format!("{place}, {wait}")
    }
}
