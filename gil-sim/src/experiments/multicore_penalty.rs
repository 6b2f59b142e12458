//! Claim: under the old GIL (`py2`), CPU-bound threads get slower on a
//! multi-core machine than on one core: pinned to a single CPU
//! (`sched_setaffinity`) the same two threads finish sooner, because the
//! holder re-takes the lock before the woken waiter on the other core can.

use crate::contract::judge::MIN_BASELINE;
use crate::contract::scaled::Scaled;
use crate::contract::{Ctx, Experiment, Judgement, Machine, Report, Verdict};
use crate::interleave::{Variant, interleave, say_times};
use crate::parallel_baseline::{baseline_runs, parallel_baseline, with_baseline};
use crate::workloads::{config, countdown_run};

/// Spread over cores taking 5% longer than pinned holds the claim; taking
/// no longer (within 5%) refutes it; between, the run cannot decide.
const HOLDS_AT: f64 = 1.05;
const FAILS_AT: f64 = 0.95;
use crate::gil::Policy;

/// The default of `--n`.
const N: Scaled<u64> = Scaled::new(4_000_000, 2_000_000);

/// Flags of `multicore-penalty`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct MulticorePenalty {
    /// Threads sharing the work.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(2..=64))]
    pub threads: u64,
    /// Total countdown iterations.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=2_000_000_000), help = N.help("Total countdown iterations"))]
    pub n: Option<u64>,
    /// Check interval of py2, in ticks.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    pub check_interval: u32,
}

/// The first CPU this process may run on. Linux only
/// (`sched_getaffinity`; nix offers CPU sets on Linux, Android and FreeBSD,
/// a narrower set than `cfg(unix)`).
#[cfg(target_os = "linux")]
fn first_cpu() -> anyhow::Result<usize> {
    let set = nix::sched::sched_getaffinity(nix::unistd::Pid::from_raw(0))?;
    (0..nix::sched::CpuSet::count())
        .find(|&c| set.is_set(c).unwrap_or(false))
        .ok_or_else(|| anyhow::anyhow!("no CPU in this process's affinity mask"))
}

impl Experiment for MulticorePenalty {
    const NAME: &'static str = "multicore-penalty";
    const CLAIM: &'static str = "under the old GIL (py2), CPU-bound threads run slower spread over cores than pinned to one";

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let n = *self.n.get_or_insert(N.pick(ctx.quick));
        let cores = Machine::current().cores;
        let threads = self.threads as usize;
        let mut all = config(Policy::Py2, std::time::Duration::from_millis(5));
        all.gil.check_interval = self.check_interval;
        let mut one = all;
        #[cfg(not(target_os = "linux"))]
        {
            let _ = (ctx, one, threads);
            return Ok(Report::new(
                Verdict::Info,
                "not measured: pinning threads to one CPU (sched_setaffinity) needs Linux",
            )
            .metric("cores", cores as f64, "cores"));
        }
        #[cfg(target_os = "linux")]
        {
            one.pin_cpu = Some(first_cpu()?);
        }
        let (a, o) = (&all, &one);
        let stats = interleave(
            ctx.repeats_or(3, 3),
            vec![
                Box::new(move || countdown_run(a, n, 1)) as Variant<'_>,
                Box::new(move || countdown_run(a, n, threads)),
                Box::new(move || countdown_run(o, n, threads)),
            ],
        )?;
        let (seq, spread, pinned) = (stats[0].median, stats[1].median, stats[2].median);
        let penalty = spread / pinned;
        let baseline = parallel_baseline(threads, baseline_runs(ctx))?;
        let (verdict, detail) = if cores < 2 || baseline < MIN_BASELINE {
            (
                Verdict::Info,
                format!(
                    "not judged: {cores} core(s), and plain Rust threads get {baseline:.2}x \
                     right now (the threads cannot run on two cores at once); penalty {penalty:.2}x"
                ),
            )
        } else {
            let judged = Judgement::at_least(penalty, HOLDS_AT, FAILS_AT);
            (
                judged.verdict(),
                format!(
                    "py2, {threads} threads on {cores} cores take {penalty:.2}x the time they take \
                     pinned to one core (holds >= {HOLDS_AT}x, fails <= {FAILS_AT}x: {})",
                    judged.as_str()
                ),
            )
        };
        // On two or more cores, `info` means undecided or no parallelism
        // right now: worth measuring again.
        let undecided = verdict == Verdict::Info && cores >= 2;
        let report = Report::new(verdict, detail)
            .metric("penalty", penalty, "x (time all cores/one core)")
            .metric("spread_vs_sequential", spread / seq, "x")
            .metric("pinned_vs_sequential", pinned / seq, "x");
        let mut report = with_baseline(report, baseline, cores);
        report.undecided = undecided;
        let labels = [
            "sequential, 1 thread".to_string(),
            format!("{threads} threads, all cores"),
            format!("{threads} threads, one core"),
        ];
        say_times(&mut report, &labels, &stats);
        Ok(report)
    }
}
