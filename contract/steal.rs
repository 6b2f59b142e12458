//! Health witnesses for timed verdicts: how much of the CPU time this
//! machine wanted did its host take away (`steal` in `/proc/stat`) while an
//! experiment measured, and how much did other processes on this machine
//! use (a build, a browser: busy time that was not the demo's own).
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
//! Other processes weigh on a timing the same way: two threads cannot
//! scale on two cores while a build keeps one of them busy. Their share is
//! the machine's busy time less the demo's own (this process and the
//! children it has reaped, `/proc/self/stat`), over all the time; a run in
//! which it passes [`OTHERS_LIMIT`] decides no timed verdict either.
//!
//! Off Linux (no `/proc/stat`) there is no witness and nothing is changed.

/// A run in which other processes used more than this fraction of the
/// machine's CPU time (all CPUs, all states) decides no timed verdict. A
/// quiet machine's background (daemons, the runner) takes a few percent;
/// one busy neighbour on two cores takes half.
pub const OTHERS_LIMIT: f64 = 0.25;

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
    /// CPU time of this process and of the children it has reaped.
    pub own: u64,
}

impl CpuTimes {
    /// The counters now, or `None` where `/proc/stat` cannot be read.
    pub fn now() -> Option<CpuTimes> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let own = own_ticks(&std::fs::read_to_string("/proc/self/stat").ok()?)?;
        Some(CpuTimes {
            own,
            ..CpuTimes::parse(stat.lines().next()?)?
        })
    }

    /// Parses the aggregate `cpu` line of `/proc/stat`:
    /// `cpu user nice system idle iowait irq softirq steal ...`.
    ///
    /// # Example
    #[doc = concat!("```\nuse ", env!("CARGO_CRATE_NAME"), "::contract::steal::CpuTimes;\n\nlet t = CpuTimes::parse(\"cpu  100 0 50 900 5 0 10 40 0 0\").unwrap();\nassert_eq!((t.busy, t.steal, t.total, t.own), (160, 40, 1105, 0));\nassert_eq!(CpuTimes::parse(\"cpu0 1 2 3\"), None);\n```")]
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
            own: 0,
        })
    }

    /// The fraction of the machine's time between `self` and `later` that
    /// the host took: steal / total. `None` when no time passed.
    ///
    /// # Example
    #[doc = concat!("```\nuse ", env!("CARGO_CRATE_NAME"), "::contract::steal::CpuTimes;\n\nlet before = CpuTimes { busy: 1000, steal: 10, total: 5000, own: 0 };\nlet after = CpuTimes { busy: 1180, steal: 30, total: 5200, own: 0 };\nassert_eq!(before.steal_fraction(after), Some(0.1));\nassert_eq!(before.steal_fraction(before), None);\n```")]
    pub fn steal_fraction(self, later: CpuTimes) -> Option<f64> {
        let steal = later.steal.checked_sub(self.steal)?;
        let total = later.total.checked_sub(self.total)?;
        (total > 0).then(|| steal as f64 / total as f64)
    }
}

impl CpuTimes {
    /// The fraction of the machine's time between `self` and `later` that
    /// other processes used: busy time that was not this process's or its
    /// reaped children's, over all the time. `None` when no time passed.
    ///
    /// # Example
    #[doc = concat!("```\nuse ", env!("CARGO_CRATE_NAME"), "::contract::steal::CpuTimes;\n\nlet before = CpuTimes { busy: 1000, steal: 0, total: 5000, own: 300 };\n// 200 ticks of 400 were busy, 120 of them ours: others used 80 of 400.\nlet after = CpuTimes { busy: 1200, steal: 0, total: 5400, own: 420 };\nassert_eq!(before.others_fraction(after), Some(0.2));\n```")]
    pub fn others_fraction(self, later: CpuTimes) -> Option<f64> {
        let busy = later.busy.checked_sub(self.busy)?;
        let own = later.own.checked_sub(self.own)?;
        let total = later.total.checked_sub(self.total)?;
        (total > 0).then(|| busy.saturating_sub(own) as f64 / total as f64)
    }
}

/// This process's CPU time and its reaped children's, in clock ticks:
/// `utime + stime + cutime + cstime` (fields 14 to 17 of `/proc/self/stat`).
fn own_ticks(stat: &str) -> Option<u64> {
    // The command name is in parentheses and may hold spaces: split after it.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_ascii_whitespace().collect();
    // `rest` starts at field 3 (state), so field n is at index n - 3.
    (11..=14).map(|i| f.get(i)?.parse::<u64>().ok()).sum()
}

#[cfg(test)]
mod tests {
    use super::{CpuTimes, own_ticks};

    #[test]
    fn own_time_is_user_system_and_reaped_children() {
        let stat = "42 (a (b) c) S 1 42 42 0 -1 0 0 0 0 0 10 20 30 40 20 0 1 0 5";
        assert_eq!(own_ticks(stat), Some(100));
        assert_eq!(own_ticks("42 (x) S 1"), None);
    }

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
            own: 0,
        };
        let b = CpuTimes {
            busy: 5,
            steal: 6,
            total: 18,
            own: 0,
        };
        assert_eq!(a.steal_fraction(b), None);
        assert_eq!(a.others_fraction(b), None);
    }

    #[test]
    fn this_machine_has_a_reading_on_linux() {
        if cfg!(target_os = "linux") {
            let t = CpuTimes::now().expect("/proc/stat's cpu line");
            assert!(t.busy > 0);
        }
    }
}
