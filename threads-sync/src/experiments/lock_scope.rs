//! Claim: "limit locking to the minimum scope": the same work done with the
//! slow part inside the critical section does not scale with threads; with
//! only the shared update inside, throughput grows with the cores.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::Lock;
use crate::busy_work::busy;
use crate::contract::measure::{interleaved, timed};
use crate::contract::scaled::Scaled;
use crate::contract::{Ctx, Experiment, Judgement, Machine, Report, Verdict};
use crate::rates::{human_rate, rate};
use crate::spawn::spawn_each;

/// The default of `--items`.
const ITEMS: Scaled<u32> = Scaled::new(10_000, 6_000);

/// Flags of `lock-scope`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct LockScope {
    /// Most threads to try (1, 2, 4, ... up to this).
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub max_threads: u32,
    /// Work items in total, split among the threads.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000_000), help = ITEMS.help("Work items in total, split among the threads"))]
    pub items: Option<u32>,
    /// Steps of slow work per item.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub work: u32,
}

/// Where the lock goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Around the slow work and the update.
    Wide,
    /// Around the update only.
    Narrow,
    /// No lock at all (an atomic add): the machine's parallel capacity.
    Free,
}

/// Processes `items` over `threads` with the lock in `scope`. Returns the
/// shared total (the check).
fn process(threads: u32, items: u32, work: u32, scope: Scope) -> anyhow::Result<u64> {
    let lock = Lock::new();
    let total = AtomicU64::new(0);
    // A thread that cannot start is an error; the started ones finish
    // their share on their own.
    std::thread::scope(|s| {
        spawn_each(s, threads as usize, "thread", |t| {
            let (lock, total) = (&lock, &total);
            let t = t as u32;
            move || {
                for i in (t..items).step_by(threads as usize) {
                    let add = |v: u64| {
                        // The shared update: a two-step read-modify-write.
                        let cur = total.load(Ordering::Relaxed);
                        total.store(cur.wrapping_add(v), Ordering::Relaxed);
                    };
                    match scope {
                        Scope::Wide => {
                            let _held = lock.lock();
                            // black_box: an opaque seed, so the compiler cannot
                            // hoist the pure computation above the acquire.
                            add(busy(black_box(u64::from(i)), work));
                        }
                        Scope::Narrow => {
                            let v = busy(u64::from(i), work); // outside the lock
                            let _held = lock.lock();
                            add(v);
                        }
                        Scope::Free => {
                            total.fetch_add(busy(u64::from(i), work), Ordering::Relaxed);
                        }
                    }
                }
            }
        })
        .join_all()
    })?;
    Ok(total.into_inner())
}

impl Experiment for LockScope {
    const NAME: &'static str = "lock-scope";
    const CLAIM: &'static str = "slow work inside the critical section does not scale with threads; keeping only the shared update locked does";

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let items = *self.items.get_or_insert(ITEMS.pick(ctx.quick));
        let cores = Machine::current().cores;
        let expected = (0..items).fold(0u64, |acc, i| {
            acc.wrapping_add(busy(u64::from(i), self.work))
        });
        let counts: Vec<u32> = std::iter::successors(Some(1u32), |t| Some(t * 2))
            .take_while(|&t| t <= self.max_threads)
            .collect();
        let r = ctx.repeats_or(5, 5);
        let mut report = Report::new(Verdict::Info, "");
        report.say(format!(
            "{items} items of {} steps; throughput (items/s, best of {r} interleaved runs), {cores} cores:",
            self.work
        ));
        report.say(format!(
            "{:>8} {:>14} {:>14} {:>8} {:>14}",
            "threads", "slow inside", "slow outside", "ratio", "no lock"
        ));
        // The verdict row: the most threads that can all run at once.
        let judged = counts
            .iter()
            .copied()
            .filter(|&t| t as usize <= cores)
            .max()
            .unwrap_or(1);
        let (mut last, mut free1) = ((0.0, 0.0, 0.0, 1), 0.0);
        for &t in &counts {
            let measure = |scope: Scope| -> anyhow::Result<f64> {
                let (secs, got) = timed(|| process(t, items, self.work, scope));
                let got = got?;
                anyhow::ensure!(got == expected, "lost an update: {got} != {expected}");
                Ok(rate(f64::from(items), secs))
            };
            let stats = interleaved(
                r,
                &mut [
                    &mut || measure(Scope::Wide),
                    &mut || measure(Scope::Narrow),
                    &mut || measure(Scope::Free),
                ],
            )?;
            // Each variant's best run: other load on the machine only ever
            // takes throughput away, and a core lost during one variant's
            // runs but not another's would otherwise decide the verdict.
            let (i, o, f) = (stats[0].max, stats[1].max, stats[2].max);
            report.say(format!(
                "{t:>8} {:>14} {:>14} {:>7.2}x {:>14}",
                human_rate(i),
                human_rate(o),
                o / i.max(1e-9),
                human_rate(f)
            ));
            if t == 1 {
                free1 = f;
            }
            if t == judged {
                last = (i, o, f, t);
            }
        }
        let (inside, outside, free, t) = last;
        let ratio = outside / inside.max(1e-9);
        // What the machine delivered to lock-free work at t threads (other
        // load on a shared machine can leave less than `cores`).
        let capacity = free / free1.max(1e-9);
        report.push_metric("outside_over_inside", ratio, "x");
        report.push_metric("inside_items_per_s", inside, "1/s");
        report.push_metric("outside_items_per_s", outside, "1/s");
        report.push_metric("threads", f64::from(t), "threads");
        report.push_metric("parallel_capacity", capacity, "x");
        if t < 2 {
            // One thread: nothing can run beside the lock holder.
            report.verdict = Verdict::Info;
        } else {
            // Judged against the machine: narrow locking should realise at
            // least half of what lock-free work gained at the same moment
            // (wide locking runs one item at a time); a fifth or less fails;
            // a busy machine (lock-free under 1.3x) cannot decide.
            report.judge(Judgement::scaling(ratio, capacity));
        }
        report.detail = format!(
            "at {t} threads on {cores} cores (lock-free work scaled {capacity:.2}x), narrow locking ran {ratio:.2}x the throughput of wide locking: {:.0}% of the lock-free gain (holds >= 50%, fails <= 20%; judged when lock-free work scales >= 1.3x)",
            crate::contract::judge::gain_fraction(ratio, capacity) * 100.0
        );
        Ok(report)
    }
}
