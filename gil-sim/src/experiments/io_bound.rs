//! Claim: threads do help I/O-bound work, under every GIL policy: the GIL
//! is released while a call blocks, so N threads blocking at once finish
//! about N times sooner than one thread making all the calls.

use crate::contract::scaled::Scaled;
use crate::contract::series::IoSpeedup;
use crate::contract::{Ctx, Experiment, Judgement, Report, Verdict};
use crate::flags::{Secs, policies_or_all, secs};
use crate::gil::Policy;
use crate::interleave::{Variant, interleave};
use crate::workloads::{config, io_run};

/// The default of `--calls`.
const CALLS: Scaled<u64> = Scaled::new(10, 6);

/// Flags of `io-bound`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct IoBound {
    /// Threads.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub threads: u64,
    /// Blocking calls per thread.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000), help = CALLS.help("Blocking calls per thread"))]
    pub calls: Option<u64>,
    /// How long each call blocks (quick runs keep it: at 1 ms, a wake-up's
    /// own latency on a busy machine is a large part of each call and the
    /// speedup swings).
    #[arg(long, value_parser = secs, default_value = "2ms")]
    pub block: Secs,
    /// GIL policies (repeatable) [default: all].
    #[arg(long = "gil", value_enum)]
    pub gil: Vec<Policy>,
}

impl Experiment for IoBound {
    const NAME: &'static str = "io-bound";
    const CLAIM: &'static str = "threads speed up blocking I/O about N times under every GIL policy (the GIL is released while blocked)";

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let calls = *self.calls.get_or_insert(CALLS.pick(ctx.quick));
        let block = self.block;
        let policies = policies_or_all(&self.gil);
        self.gil = policies.clone();
        let threads = self.threads as usize;
        let mut report = Report::new(Verdict::Info, "");
        let mut worst = f64::INFINITY;
        let mut points = Vec::new();
        for &p in &policies {
            let cfg = config(p, std::time::Duration::from_millis(5));
            let c = &cfg;
            let stats = interleave(
                ctx.repeats_or(3, 3),
                vec![
                    Box::new(move || io_run(c, threads, calls, block.0, true)) as Variant<'_>,
                    Box::new(move || io_run(c, threads, calls, block.0, false)),
                ],
            )?;
            let speedup = stats[0].median / stats[1].median;
            worst = worst.min(speedup);
            report.say(format!(
                "{:<6} one thread {}  {threads} threads {}  speedup {speedup:.2}x",
                p.name(),
                stats[0].show(1e3, "ms"),
                stats[1].show(1e3, "ms")
            ));
            points.push(IoSpeedup {
                gil: p.name().into(),
                threads: threads as u32,
                one_thread_s: stats[0].median,
                threads_s: stats[1].median,
                speedup,
            });
        }
        // Holds at 60% of the ideal N x; fails when threads barely help
        // (at most 35% of N x, i.e. the GIL was not released while blocked).
        let n = threads as f64;
        let (holds_at, fails_at) = (0.6 * n, (0.35 * n).max(1.0));
        let judged = if threads >= 2 {
            Judgement::at_least(worst, holds_at, fails_at).verdict()
        } else {
            Verdict::Info
        };
        report.verdict = judged;
        report.undecided = judged == Verdict::Info && threads >= 2;
        report.detail = format!(
            "{threads} threads blocking: the lowest speedup over the policies is {worst:.2}x \
             (holds >= {holds_at:.1}x, fails <= {fails_at:.1}x{})",
            if judged == Verdict::Info {
                ": undecided"
            } else {
                ""
            }
        );
        // The key figure is the one the verdict reads; each policy's
        // speedup is a point of the series.
        report.push_metric("lowest_speedup", worst, "x");
        report.push_series(&points);
        Ok(report)
    }
}
