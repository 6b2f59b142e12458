//! Claim (the lecture's picture, first branch, seen from async code):
//! CPU-bound work in async tasks gains nothing on one event loop; the tasks
//! run one after another. More cores help only when the work leaves the
//! loop's thread: a multi-thread runtime or `spawn_blocking` in Rust (as
//! plain threads do), a `ProcessPoolExecutor` in CPython (threads there
//! share the GIL).
//!
//! The same total work, split into `--tasks` pieces, runs: sequentially; as
//! tasks on a current-thread runtime; as tasks on a multi-thread runtime
//! with one worker per core; from one loop through `spawn_blocking`; and on
//! plain threads, the machine's own parallelism now. One loop holds at
//! <= 1.15x sequential (fails >= 1.4x); the multi-core ways are judged as a
//! scaling claim against plain threads measured beside them (half their
//! gain holds, a fifth fails). CPython: `asyncio.gather` of CPU-bound
//! coroutines (one loop: a wider band, <= 1.25x holds and >= 1.7x fails,
//! for CPython's larger spread); a warm `ProcessPoolExecutor` and
//! the thread executor are shown beside it, not judged (the pool measured
//! 1.1-1.9x the thread executor from run to run on two cores).

mod cpython_side;
mod ways;

use crate::contract::measure::{Stats, interleaved, timed};
use crate::contract::part::Part;
use crate::contract::scaled::Scaled;
use crate::contract::{Ctx, Experiment, Machine, Report, Verdict};
use ways::{WAYS, run_way, work_sum};

/// The default of `--mrounds`.
const MROUNDS: Scaled<u32> = Scaled::new(100, 20);

/// Flags of `async-cpu-bound`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct AsyncCpuBound {
    /// Pieces of work (tasks).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub tasks: u32,
    /// Busy-loop rounds per piece, millions.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=4000), help = MROUNDS.help("Busy-loop rounds per piece, millions"))]
    pub mrounds: Option<u32>,
    /// Skip the CPython side by side.
    #[arg(long)]
    pub no_python: bool,
}

impl Experiment for AsyncCpuBound {
    const NAME: &'static str = "async-cpu-bound";
    const CLAIM: &'static str = "CPU-bound async tasks on one event loop gain nothing (~1x); more cores help only off the loop: a multi-thread runtime or spawn_blocking in Rust, a process pool in CPython";

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let mrounds = *self.mrounds.get_or_insert(MROUNDS.pick(ctx.quick));
        let rounds = mrounds * 1_000_000;
        let (tasks, cores) = (self.tasks, Machine::current().cores.max(1));
        let r = ctx.repeats_or(5, 3);
        // Correctness first, on small work: every way computes the same sum.
        let expected = work_sum(tasks, 1_000);
        for (way, name) in WAYS.iter().enumerate().skip(1) {
            anyhow::ensure!(
                run_way(way, tasks, 1_000, cores)? == expected,
                "{name} computed a different sum"
            );
        }
        type Way = Box<dyn FnMut() -> anyhow::Result<f64>>;
        let mut ways: Vec<Way> = (0..WAYS.len())
            .map(|way| -> Way {
                Box::new(move || {
                    let (secs, sum) = timed(|| run_way(way, tasks, rounds, cores));
                    sum?;
                    Ok(secs)
                })
            })
            .collect();
        let mut refs: Vec<&mut dyn FnMut() -> anyhow::Result<f64>> =
            ways.iter_mut().map(|b| b.as_mut() as _).collect();
        let stats = interleaved(r, &mut refs)?;
        // Each way's best run: other load on the machine only ever slows a
        // run down, and one slowed sequential run would otherwise pass for
        // a speedup of the way beside it.
        let seq = stats[0].min;
        let speedup = |s: &Stats| seq / s.min.max(1e-12);
        let mut report = Report::new(Verdict::Info, "");
        report.say(format!(
            "{tasks} pieces of {mrounds}M rounds on {cores} cores; speedups from each way's best of {r} interleaved runs"
        ));
        for (name, s) in WAYS.iter().zip(&stats) {
            report.say(format!(
                "{name:<32} {}   {:.2}x",
                s.show(1e3, "ms"),
                speedup(s)
            ));
        }
        let [one_loop, multi, offloaded, threads] = [1, 2, 3, 4].map(|i| speedup(&stats[i]));
        report.push_metric("one_loop_speedup", one_loop, "x");
        report.push_metric("multi_thread_runtime_speedup", multi, "x");
        report.push_metric("spawn_blocking_speedup", offloaded, "x");
        report.push_metric("plain_threads_speedup", threads, "x");
        report.push_metric("cores", cores as f64, "cores");

        // CPython's one loop gets its own, wider band: its short
        // sequential and asyncio runs of the same code spread +-15% from
        // process to process on a shared host (measured 0.86-1.46x for a
        // way that cannot gain), while a real gain needs a second core
        // (about 2x). At most 1.25x holds; 1.7x or more fails.
        const PY_LOOP_HOLDS_AT: f64 = 1.25;
        const PY_LOOP_FAILS_AT: f64 = 1.7;
        let py = cpython_side::speedups(ctx, &mut report, self.no_python, self.tasks);
        let mut parts = vec![
            Part::at_most("one_loop_speedup", one_loop, 1.15, 1.4),
            Part::scaling("multi_thread_runtime_speedup", multi, threads),
            Part::scaling("spawn_blocking_speedup", offloaded, threads),
        ];
        let mut text = format!(
            "Rust: one loop {one_loop:.2}x ({}), multi-thread runtime {multi:.2}x ({}), spawn_blocking {offloaded:.2}x ({}) beside plain threads {threads:.2}x",
            parts[0].as_str(),
            parts[1].as_str(),
            parts[2].as_str()
        );
        if let Some((asyncio, thread_pool, pool)) = py {
            // The pool against CPython's own thread executor, measured
            // interleaved with it in the same script; judged only while the
            // machine gives parallelism (plain Rust threads, here).
            let over_threads = pool / thread_pool.max(1e-9);
            // Shown, not judged: on two cores the warm pool measured
            // 1.1-1.9x its thread executor from run to run (its IPC costs
            // weigh on work this small), so any bar would be a coin toss.
            let j = [Part::at_most(
                "cpython_asyncio_speedup",
                asyncio,
                PY_LOOP_HOLDS_AT,
                PY_LOOP_FAILS_AT,
            )];
            text.push_str(&format!(
                "; CPython: asyncio {asyncio:.2}x ({}), process pool {pool:.2}x = {over_threads:.2}x the thread executor (shown, not judged)",
                j[0].as_str(),
            ));
            parts.extend(j);
        }
        report.judge_parts(&parts);
        report.detail = format!(
            "{text}; one loop <= 1.15x (fails >= 1.4x; CPython's <= {PY_LOOP_HOLDS_AT}x, fails >= {PY_LOOP_FAILS_AT}x), multi-core ways: half of plain threads' gain holds, a fifth fails"
        );
        Ok(report)
    }
}
