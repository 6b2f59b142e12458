//! Claim: with tiny tasks the pool's cost is all overhead, and batching
//! (`chunksize`) divides it; even at chunksize 1 the pool's per-task
//! overhead stays <= 3 µs, at least 8x below CPython's `Pool.map`, because
//! it keeps many tasks in flight per worker and writes in large batches.

use crate::contract::measure::{interleaved, timed};
use crate::contract::part::Part;
use crate::contract::scaled::Scaled;
use crate::contract::series::ChunksizeCost;
use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::cpython::{num, python_side};
use crate::demo_jobs::Tiny;
use crate::pool::ProcessPool;

/// The default of `--tasks`.
const TASKS: Scaled<u64> = Scaled::new(200_000, 20_000);

/// Flags of `chunksize`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct Chunksize {
    /// Tiny tasks per run.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000_000), help = TASKS.help("Tiny tasks per run"))]
    pub tasks: Option<u64>,
    /// Workers [default: 2].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=256))]
    pub workers: Option<u64>,
    /// Chunk sizes to measure (repeatable) [default: 1 4 16 64 256].
    #[arg(long = "chunksize", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub chunksizes: Vec<u64>,
}

impl Experiment for Chunksize {
    const NAME: &'static str = "chunksize";
    const CLAIM: &'static str = "tiny tasks: per-task overhead falls with chunksize; at chunksize 1 it is <= 3 µs and >= 8x below CPython's Pool.map";

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let n = *self.tasks.get_or_insert(TASKS.pick(ctx.quick));
        let workers = *self.workers.get_or_insert(2) as usize;
        let sizes = if self.chunksizes.is_empty() {
            vec![1, 4, 16, 64, 256]
        } else {
            self.chunksizes.clone()
        };
        self.chunksizes = sizes.clone();
        let want: u64 = (0..n).map(|x| x.wrapping_mul(2)).fold(0, u64::wrapping_add);
        let mut pools = Vec::new();
        for &c in &sizes {
            pools.push(
                ProcessPool::<Tiny>::builder()
                    .workers(workers)
                    .chunksize(c as usize)
                    .build()?,
            );
        }
        // Correctness first.
        for p in &mut pools {
            let got = run(p, n)?;
            anyhow::ensure!(
                got == want,
                "chunksize {}: sum {got}, expected {want}",
                p.config().chunksize
            );
        }
        let mut fns: Vec<Box<dyn FnMut() -> anyhow::Result<f64> + '_>> = pools
            .iter_mut()
            .map(|p| {
                Box::new(move || {
                    let (t, got) = timed(|| run(p, n));
                    let got = got?;
                    anyhow::ensure!(got == want, "a timed run summed {got}, want {want}");
                    Ok(t)
                }) as Box<dyn FnMut() -> anyhow::Result<f64>>
            })
            .collect();
        let mut refs: Vec<&mut dyn FnMut() -> anyhow::Result<f64>> =
            fns.iter_mut().map(|b| b.as_mut() as _).collect();
        let stats = interleaved(ctx.repeats_or(3, 3), &mut refs)?;
        drop(fns);
        drop(pools);
        let per_task: Vec<f64> = stats.iter().map(|s| s.median / n as f64).collect();
        let mut report = Report::new(Verdict::Info, "");
        report.say(format!("{n} tiny tasks (x*2), {workers} workers, start method spawn; per task = wall time / tasks (throughput with {workers} workers, not one round trip: the pool's cost per task is about {workers}x that, see per_task_worker_us_unchunked)"));
        report.say("chunksize   per task      run".to_string());
        for ((c, s), pt) in sizes.iter().zip(&stats).zip(&per_task) {
            report.say(format!(
                "{c:>9}   {:>7.3} µs   {}",
                pt * 1e6,
                s.show(1e3, "ms")
            ));
        }
        let c1 = sizes.iter().position(|&c| c == 1).map(|i| per_task[i]);
        let py_n = ctx.pick(20_000, 4_000);
        let py_sizes: Vec<String> = sizes.iter().map(u64::to_string).collect();
        let mut args = vec![py_n.to_string(), workers.to_string()];
        args.extend(py_sizes);
        let mut py_c1 = None;
        if let Some(rows) = python_side(
            &mut report,
            "chunksize.py",
            &args,
            std::time::Duration::from_secs(90),
        ) {
            let mut cpython = Vec::new();
            for r in &rows {
                let c = num(r, "chunksize");
                let pt = num(r, "per_task_s");
                cpython.push(ChunksizeCost {
                    chunksize: c as u32,
                    per_task_us: pt * 1e6,
                });
                report.say(format!(
                    "  chunksize {c:>5}: {:>8.2} µs per task ({py_n} tasks)",
                    pt * 1e6
                ));
                if c == 1.0 {
                    py_c1 = Some(pt);
                }
            }
            report.push_series_named(ChunksizeCost::CPYTHON, &cpython);
        }
        if let Some(c1) = c1 {
            report.push_metric("per_task_us_unchunked", c1 * 1e6, "µs");
            report.push_metric(
                "per_task_worker_us_unchunked",
                c1 * workers as f64 * 1e6,
                "µs",
            );
        }
        let rust: Vec<ChunksizeCost> = sizes
            .iter()
            .zip(&per_task)
            .map(|(&c, pt)| ChunksizeCost {
                chunksize: c as u32,
                per_task_us: pt * 1e6,
            })
            .collect();
        report.push_series(&rust);
        // Bands, so that noise cannot flip the verdict: CPython >= 8x slower
        // holds and <= 4x fails (measured in the same run). The absolute
        // 3 µs holds at or below it and is undecided above, never a failure
        // on its own: a disturbed phase of a shared machine tripled it once,
        // and only a figure measured beside it can say it is too slow.
        let absolute = |r: f64| Part::at_most("per_task_us_unchunked", r * 1e6, 3.0, f64::INFINITY);
        match (c1, py_c1) {
            (Some(r), Some(p)) => {
                report.push_metric("cpython_per_task_us_unchunked", p * 1e6, "µs");
                report.push_metric("cpython_over_rust", p / r, "x");
                let parts = [
                    absolute(r),
                    Part::at_least("cpython_over_rust", p / r, 8.0, 4.0),
                ];
                report.judge_parts(&parts);
                report.detail = format!(
                    "chunksize 1: {:.2} µs per task (wall / tasks with {workers} workers; target <= 3, else undecided: {}), CPython {:.1} µs measured the same way: {:.1}x lower (target >= 8x, fails <= 4x: {})",
                    r * 1e6,
                    parts[0].as_str(),
                    p * 1e6,
                    p / r,
                    parts[1].as_str()
                );
            }
            (Some(r), None) => {
                report.judge_parts(&[absolute(r)]);
                report.detail = format!(
                    "chunksize 1: {:.2} µs per task (wall / tasks with {workers} workers; target <= 3, else undecided: {}); no CPython to compare",
                    r * 1e6,
                    absolute(r).as_str()
                );
            }
            _ => report.detail = "chunksize 1 not measured: nothing to judge".into(),
        }
        Ok(report)
    }
}

fn run(pool: &mut ProcessPool<Tiny>, n: u64) -> anyhow::Result<u64> {
    let mut sum = 0u64;
    for r in pool.map(0..n)? {
        sum = sum.wrapping_add(r?);
    }
    Ok(sum)
}
