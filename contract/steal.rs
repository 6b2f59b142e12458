//! A health witness for timed verdicts: how much of the CPU time this
//! machine wanted did its host take away (`steal` in `/proc/stat`) while an
//! experiment measured.
//!
//! On a virtual machine the host may run other guests on "our" cores. The
//! guest sees this as steal time: its vCPU was ready to run and did not.
//! A timing taken while the host steals a large share says more about the
//! neighbours than about the claim, and it can push a ratio across either
//! bar. So the driver samples the counters around every attempt of a timed
//! experiment and does not accept a decided verdict from a run in which
//! the host took more than [`STEAL_LIMIT`] of the machine's time (all
//! CPUs, busy or idle): that run counts as undecided and is measured again.
//!
//! The share is of all the time, not of the busy time: some hosts charge a
//! little steal to idle vCPUs too, and an experiment that mostly sleeps
//! (a timer test, a wait for a child) would otherwise show a large share
//! of a tiny busy time.
//!
//! Off Linux (no `/proc/stat`) there is no witness and nothing is changed.

/// A run in which the host took more than this fraction of the machine's
/// CPU time (all CPUs, all states) decides no timed verdict. A quiet host
/// takes well under 1%.
pub const STEAL_LIMIT: f64 = 0.05;

/// The machine-wide CPU counters, in clock ticks, at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuTimes {
    /// Time spent running (user, nice, system, irq, softirq).
    pub busy: u64,
    /// Time a vCPU was ready to run and the host ran something else.
    pub steal: u64,
    /// All the time of all CPUs: busy, idle, waiting for I/O and steal.
    pub total: u64,
}

impl CpuTimes {
    /// The counters now, or `None` where `/proc/stat` cannot be read.
    pub fn now() -> Option<CpuTimes> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        CpuTimes::parse(stat.lines().next()?)
    }

    /// Parses the aggregate `cpu` line of `/proc/stat`:
    /// `cpu user nice system idle iowait irq softirq steal ...`.
    ///
    /// # Example
    #[doc = concat!("```\nuse ", env!("CARGO_CRATE_NAME"), "::contract::steal::CpuTimes;\n\nlet t = CpuTimes::parse(\"cpu  100 0 50 900 5 0 10 40 0 0\").unwrap();\nassert_eq!((t.busy, t.steal, t.total), (160, 40, 1105));\nassert_eq!(CpuTimes::parse(\"cpu0 1 2 3\"), None);\n```")]
    pub fn parse(line: &str) -> Option<CpuTimes> {
        let mut fields = line.split_ascii_whitespace();
        if fields.next()? != "cpu" {
            return None;
        }
        let v: Vec<u64> = fields.map(str::parse).collect::<Result<_, _>>().ok()?;
        let [user, nice, system, idle, iowait, irq, softirq, steal, ..] = v[..] else {
            return None;
        };
        let busy = user + nice + system + irq + softirq;
        Some(CpuTimes {
            busy,
            steal,
            total: busy + idle + iowait + steal,
        })
    }

    /// The fraction of the machine's time between `self` and `later` that
    /// the host took: steal / total. `None` when no time passed.
    ///
    /// # Example
    #[doc = concat!("```\nuse ", env!("CARGO_CRATE_NAME"), "::contract::steal::CpuTimes;\n\nlet before = CpuTimes { busy: 1000, steal: 10, total: 5000 };\nlet after = CpuTimes { busy: 1180, steal: 30, total: 5200 };\nassert_eq!(before.steal_fraction(after), Some(0.1));\nassert_eq!(before.steal_fraction(before), None);\n```")]
    pub fn steal_fraction(self, later: CpuTimes) -> Option<f64> {
        let steal = later.steal.checked_sub(self.steal)?;
        let total = later.total.checked_sub(self.total)?;
        (total > 0).then(|| steal as f64 / total as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::CpuTimes;

    #[test]
    fn short_or_foreign_lines_are_refused() {
        assert_eq!(CpuTimes::parse(""), None);
        assert_eq!(CpuTimes::parse("cpu 1 2 3 4 5 6 7"), None); // no steal field
        assert_eq!(CpuTimes::parse("cpu 1 2 x 4 5 6 7 8"), None);
        assert_eq!(CpuTimes::parse("intr 1 2 3 4 5 6 7 8"), None);
    }

    #[test]
    fn counters_that_went_backwards_give_no_fraction() {
        let a = CpuTimes {
            busy: 10,
            steal: 5,
            total: 20,
        };
        let b = CpuTimes {
            busy: 5,
            steal: 6,
            total: 18,
        };
        assert_eq!(a.steal_fraction(b), None);
    }

    #[test]
    fn this_machine_has_a_reading_on_linux() {
        if cfg!(target_os = "linux") {
            let t = CpuTimes::now().expect("/proc/stat's cpu line");
            assert!(t.busy > 0);
        }
    }
}
