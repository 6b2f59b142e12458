//! Claim: even with a GIL, `counter += 1` from two threads needs a lock.
//! Whether updates are lost depends on where the policy can switch: `py2`
//! and `py39` can switch between `LOAD_GLOBAL` and `STORE_GLOBAL`, `py311`
//! only when a call sits between them, `nogil` always races; with the VM's
//! `Lock` nothing is lost under any policy.

use crate::contract::scaled::Scaled;
use crate::contract::series::RaceLost;
use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::flags::{Secs, policies_or_all, secs};
use crate::gil::Policy;
use crate::vm::builtin_programs::Variant;
use crate::workloads::{config, race};

/// The default of `--n`.
const N: Scaled<u64> = Scaled::new(1_000_000, 300_000);

/// Flags of `race`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct Race {
    /// Increments per thread.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000_000), help = N.help("Increments per thread"))]
    pub n: Option<u64>,
    /// Threads.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(2..=16))]
    pub threads: u64,
    /// GIL policies (repeatable) [default: all].
    #[arg(long = "gil", value_enum)]
    pub gil: Vec<Policy>,
    /// Switch interval of py39/py311 (short, so that a short run has many
    /// switches: each one lands mid-statement with some probability).
    #[arg(long, value_parser = secs, default_value = "1ms")]
    pub switch_interval: Secs,
}

impl Experiment for Race {
    const NAME: &'static str = "race";
    const CLAIM: &'static str = "counter += 1 from two threads loses updates without a lock (where the policy can switch mid-statement), none with one";

    // Counted, not timed: a busy host cannot change it.
    const TIMED: bool = false;

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let n = *self.n.get_or_insert(N.pick(ctx.quick));
        let policies = policies_or_all(&self.gil);
        let interval = self.switch_interval;
        self.gil = policies.clone();
        let threads = self.threads as usize;
        let exact = (n * self.threads) as i64;
        let mut report = Report::new(Verdict::Info, "");
        report.say(format!(
            "{threads} threads x {n} increments, exact {exact}; lost updates:"
        ));
        report.say(format!(
            "{:<6} {:>12} {:>14} {:>12}",
            "policy", "plain", "with a call", "locked"
        ));
        let (mut max_lost, mut locked_lost) = (0i64, 0i64);
        let mut points = Vec::new();
        for &p in &policies {
            let cfg = config(p, interval.0);
            let mut lost = [0i64; 3];
            for (i, v) in [Variant::Plain, Variant::WithCall, Variant::Locked]
                .into_iter()
                .enumerate()
            {
                lost[i] = exact - race(&cfg, v, threads, n)?.count;
            }
            max_lost = max_lost.max(lost[0]).max(lost[1]);
            locked_lost = locked_lost.max(lost[2]);
            report.say(format!(
                "{:<6} {:>12} {:>14} {:>12}",
                p.name(),
                lost[0],
                lost[1],
                lost[2]
            ));
            points.push(RaceLost {
                gil: p.name().into(),
                updates: n * self.threads,
                plain_lost: lost[0],
                call_lost: lost[1],
                locked_lost: lost[2],
            });
        }
        report.verdict = Verdict::from_bool(max_lost > 0 && locked_lost == 0);
        report.detail = format!(
            "without a lock up to {max_lost} of {exact} updates were lost; with the lock {locked_lost}"
        );
        report.push_metric("max_lost_unlocked", max_lost as f64, "updates");
        report.push_metric("max_lost_locked", locked_lost as f64, "updates");
        report.push_series(&points);
        Ok(report)
    }
}
