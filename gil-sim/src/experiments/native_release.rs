//! Claim: CPU work done inside a native instruction that releases the GIL
//! (NumPy's number crunching) scales with cores even under a GIL; the same
//! work done while holding the GIL does not.

use crate::contract::judge::MIN_BASELINE;
use crate::contract::scaled::Scaled;
use crate::contract::{Ctx, Experiment, Judgement, Machine, Report, Verdict};
use crate::flags::{Secs, secs};
use crate::gil::Policy;
use crate::interleave::{Variant, interleave, say_times};
use crate::parallel_baseline::{baseline_runs, parallel_baseline, with_baseline};
use crate::vm::{Job, RunConfig, builtin_programs, run};
use crate::workloads::config;

/// The default of `--calls`.
const CALLS: Scaled<u64> = Scaled::new(40, 20);

/// Flags of `native-release`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct NativeRelease {
    /// Threads [default: the machine's cores, at least 2, at most 8].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub threads: Option<u64>,
    /// Native calls per thread.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000), help = CALLS.help("Native calls per thread"))]
    pub calls: Option<u64>,
    /// Work units per native call (about 1 ns each).
    #[arg(long, default_value_t = 500_000, value_parser = clap::value_parser!(u32).range(1..=100_000_000))]
    pub units: u32,
    /// The GIL policy.
    #[arg(long = "gil", value_enum, default_value = "py311")]
    pub gil: Policy,
    /// Switch interval of py39/py311.
    #[arg(long, value_parser = secs, default_value = "5ms")]
    pub switch_interval: Secs,
}

fn native_run(
    cfg: &RunConfig,
    release: bool,
    threads: usize,
    calls: u64,
    units: u32,
) -> anyhow::Result<f64> {
    let p = builtin_programs::native(units, release);
    let w = p.func("worker").expect("worker exists");
    let jobs = (0..threads).map(|_| Job::new(w, &[calls as i64])).collect();
    let out = run(&p, cfg, jobs)?;
    let one = crate::vm::builtin_programs::native_checksum(units);
    for t in &out.threads {
        anyhow::ensure!(
            t.result == one * calls as i64,
            "native work returned {}, expected {}",
            t.result,
            one * calls as i64
        );
    }
    Ok(out.elapsed.as_secs_f64())
}

impl Experiment for NativeRelease {
    const NAME: &'static str = "native-release";
    const CLAIM: &'static str = "native work that releases the GIL scales with cores; the same work holding the GIL does not";

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let cores = Machine::current().cores;
        let threads = *self.threads.get_or_insert(cores.clamp(2, 8) as u64) as usize;
        let calls = *self.calls.get_or_insert(CALLS.pick(ctx.quick));
        let cfg = config(self.gil, self.switch_interval.0);
        let (c, u) = (&cfg, self.units);
        let total = calls * threads as u64;
        let stats = interleave(
            ctx.repeats_or(5, 3),
            vec![
                Box::new(move || native_run(c, true, 1, total, u)) as Variant<'_>,
                Box::new(move || native_run(c, true, threads, calls, u)),
                Box::new(move || native_run(c, false, threads, calls, u)),
            ],
        )?;
        let released = stats[0].median / stats[1].median;
        let held = stats[0].median / stats[2].median;
        let baseline = parallel_baseline(threads, baseline_runs(ctx))?;
        // Holding the GIL must clearly cost the speedup: held at most 75% of
        // released holds; 90% or more (no real difference) fails. It can
        // only cost a speedup the machine gives right now: with plain
        // threads below MIN_BASELINE both sides run at about 1x, and "held
        // is as fast as released" says nothing, so nothing is judged.
        let held_costs = Judgement::at_most(held / released, 0.75, 0.9);
        let judged = (self.gil.has_gil() && baseline >= MIN_BASELINE)
            .then(|| Judgement::scaling(released, baseline).and(held_costs))
            .filter(|j| *j != Judgement::Undecided);
        let verdict = judged.map_or(Verdict::Info, Judgement::verdict);
        let undecided = judged.is_none() && self.gil.has_gil();
        let detail = format!(
            "{threads} threads on {cores} cores under {}: GIL released {released:.2}x, GIL held \
             {held:.2}x; plain Rust threads get {baseline:.2}x right now{}",
            self.gil.name(),
            if judged.is_none() {
                " (not judged: needs a GIL, plain threads at >= 1.3x, and a released speedup \
                 clearly above or below half their gain)"
            } else {
                ""
            }
        );
        let report = Report::new(verdict, detail)
            .metric("speedup_released", released, "x")
            .metric("speedup_held", held, "x");
        let mut report = with_baseline(report, baseline, cores);
        report.undecided = undecided;
        let labels = [
            "one thread, all calls".to_string(),
            format!("{threads} threads, GIL released"),
            format!("{threads} threads, GIL held"),
        ];
        say_times(&mut report, &labels, &stats);
        Ok(report)
    }
}
