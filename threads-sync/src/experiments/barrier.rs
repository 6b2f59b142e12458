//! Claim: a `Barrier` keeps a phased computation in step: T threads each
//! smooth their slice of an array, and nobody starts phase k+1 before all
//! finished phase k, so the parallel result equals the sequential one
//! exactly; the barrier's action runs once per phase.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::Barrier;
use crate::contract::measure::{human_time, timed};
use crate::contract::scaled::Scaled;
use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::spawn::spawn_each;
use crate::durations::WATCHDOG;

/// The default of `--phases`.
const PHASES: Scaled<u32> = Scaled::new(200, 50);

/// Flags of `barrier`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct BarrierExp {
    /// Threads (barrier parties).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub threads: u32,
    /// Array cells.
    #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub cells: u32,
    /// Phases.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000), help = PHASES.help("Phases"))]
    pub phases: Option<u32>,
}

/// One smoothing step of cell `i` (integers, so results compare exactly).
fn smooth(src: &[AtomicU64], i: usize) -> u64 {
    let n = src.len();
    let get = |j: usize| src[j].load(Ordering::Relaxed);
    let left = get((i + n - 1) % n);
    let right = get((i + 1) % n);
    (left + 2 * get(i) + right) / 4 + (i as u64 % 7)
}

fn initial(n: usize) -> Vec<AtomicU64> {
    (0..n)
        .map(|i| AtomicU64::new((i as u64 * 2_654_435_761) % 1000))
        .collect()
}

fn sequential(n: usize, phases: u32) -> Vec<u64> {
    let bufs = [initial(n), initial(n)];
    for k in 0..phases as usize {
        let (src, dst) = if k % 2 == 0 { (0, 1) } else { (1, 0) };
        for i in 0..n {
            let v = smooth(&bufs[src], i);
            bufs[dst][i].store(v, Ordering::Relaxed);
        }
    }
    bufs[phases as usize % 2]
        .iter()
        .map(|a| a.load(Ordering::Relaxed))
        .collect()
}

impl Experiment for BarrierExp {
    const NAME: &'static str = "barrier";
    const CLAIM: &'static str = "a Barrier keeps a phased parallel computation in step: the result equals the sequential one exactly";

    // Counted, not timed: a busy host cannot change it.
    const TIMED: bool = false;

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let phases = *self.phases.get_or_insert(PHASES.pick(ctx.quick));
        let (n, t) = (self.cells as usize, self.threads as usize);
        let actions = Arc::new(AtomicUsize::new(0));
        let a = Arc::clone(&actions);
        let barrier = Barrier::new(t)?
            .with_action(move || {
                a.fetch_add(1, Ordering::Relaxed);
            })
            .with_timeout(WATCHDOG);
        let bufs = [initial(n), initial(n)];
        let (secs, ok) = timed(|| {
            std::thread::scope(|s| {
                let started = spawn_each(s, t, "worker", |w| {
                        let (bufs, barrier) = (&bufs, &barrier);
                        move || {
                            let slice = (w * n / t)..((w + 1) * n / t);
                            for k in 0..phases as usize {
                                let (src, dst) = if k % 2 == 0 { (0, 1) } else { (1, 0) };
                                for i in slice.clone() {
                                    bufs[dst][i].store(smooth(&bufs[src], i), Ordering::Relaxed);
                                }
                                // Nobody reads phase k's output before all wrote it.
                                barrier.wait()?;
                            }
                            Ok::<(), crate::BrokenBarrier>(())
                        }
                });
                if started.refused.is_some() {
                    // The workers started wait at the barrier for the rest.
                    barrier.abort();
                }
                started
                    .join_all()
                    .map(|r| r.iter().all(Result::is_ok))
            })
        });
        anyhow::ensure!(ok?, "the barrier broke (a thread timed out or panicked)");
        let parallel: Vec<u64> = bufs[phases as usize % 2]
            .iter()
            .map(|a| a.load(Ordering::Relaxed))
            .collect();
        let same = parallel == sequential(n, phases);
        let ran = actions.load(Ordering::Relaxed);
        let mut report = Report::new(Verdict::Info, "")
            .metric("identical_to_sequential", f64::from(u8::from(same)), "bool")
            .metric("actions_run", ran as f64, "phases")
            .metric("us_per_phase", secs / f64::from(phases) * 1e6, "us");
        report.say(format!(
            "{t} threads x {phases} phases over {n} cells: {} per phase, action ran {ran} times",
            human_time(secs / f64::from(phases))
        ));
        report.say(format!(
            "parallel result identical to the sequential one: {same}"
        ));
        report.verdict = Verdict::from_bool(same && ran == phases as usize);
        report.detail = format!(
            "result identical to sequential: {same}; the action ran {ran} times for {phases} phases"
        );
        Ok(report)
    }
}
