//! Claim: five philosophers who each take their left fork, then their
//! right, can deadlock (forced here, and detected by a timed acquire);
//! taking the lower-numbered fork first, or letting a footman
//! (`Semaphore(N-1)`) seat at most N-1 of them, never deadlocks.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::busy_work::busy;
use crate::contract::measure::{human_time, timed};
use crate::contract::scaled::Scaled;
use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::spawn::spawn_each;
use crate::durations::{WATCHDOG, ms};
use crate::{Barrier, Lock, Semaphore};

/// The default of `--meals`.
const MEALS: Scaled<u32> = Scaled::new(2000, 200);

/// The default of `--patience-ms`.
const PATIENCE_MS: Scaled<u64> = Scaled::new(100, 30);

/// Philosophers (and forks).
const N: usize = 5;

/// Flags of `dining-philosophers`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct DiningPhilosophers {
    /// Meals per philosopher in the safe versions.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000), help = MEALS.help("Meals per philosopher in the safe versions"))]
    pub meals: Option<u32>,
    /// How long a naive philosopher waits for the second fork before
    /// calling it a deadlock, in ms (the safe tables wait up to the 20 s
    /// watchdog).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000), help = PATIENCE_MS.help("How long a naive philosopher waits for the second fork before calling it a deadlock, in ms (the safe tables wait up to the 20 s watchdog)"))]
    pub patience_ms: Option<u64>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Table {
    /// Left then right; all sit down at once.
    Naive,
    /// Lower-numbered fork first.
    Ordered,
    /// Left then right, but at most N-1 seated.
    Footman,
}

/// Runs the table; returns (meals eaten, second-fork timeouts).
fn dine(table: Table, meals: u32, patience: Duration) -> anyhow::Result<(u32, u32)> {
    let forks: Vec<Lock> = (0..N).map(|_| Lock::new()).collect();
    let footman = Semaphore::new(N - 1);
    // Naive: everyone holds the left fork before anyone reaches right.
    let all_left = Barrier::new(N)?.with_timeout(WATCHDOG);
    // Naive: nobody puts a fork down before everyone has given up, so the
    // deadlock is complete and every philosopher detects it.
    let all_decided = Barrier::new(N)?.with_timeout(WATCHDOG);
    let (eaten, timeouts) = (AtomicU32::new(0), AtomicU32::new(0));
    std::thread::scope(|s| {
        let seated = spawn_each(s, N, "philosopher", |p| {
            let (forks, footman) = (&forks, &footman);
            let (all_left, all_decided) = (&all_left, &all_decided);
            let (eaten, timeouts) = (&eaten, &timeouts);
            move || {
                let (left, right) = (p, (p + 1) % N);
                let (first, second) = match table {
                    Table::Ordered => (left.min(right), left.max(right)),
                    _ => (left, right),
                };
                let rounds = if table == Table::Naive { 1 } else { meals };
                for _ in 0..rounds {
                    let seat = (table == Table::Footman).then(|| footman.permit_timeout(WATCHDOG));
                    if matches!(seat, Some(None)) {
                        timeouts.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    if !forks[first].acquire_timeout(WATCHDOG) {
                        timeouts.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    if table == Table::Naive {
                        let _ = all_left.wait();
                    }
                    // Only the forced naive table can deadlock: it gets the
                    // short patience. The safe tables get the watchdog, so
                    // a scheduling delay on a loaded machine is not
                    // mistaken for a deadlock.
                    let wait = if table == Table::Naive {
                        patience
                    } else {
                        WATCHDOG
                    };
                    if forks[second].acquire_timeout(wait) {
                        busy(p as u64, 100); // eat
                        eaten.fetch_add(1, Ordering::Relaxed);
                        let _ = forks[second].release();
                    } else {
                        timeouts.fetch_add(1, Ordering::Relaxed); // detected: put the fork down
                    }
                    if table == Table::Naive {
                        let _ = all_decided.wait();
                    }
                    let _ = forks[first].release();
                }
            }
        });
        // A limit on threads (`ulimit -u`): the philosophers already seated
        // must not wait out the watchdog for the missing ones.
        seated
            .or_release(|| {
                all_left.abort();
                all_decided.abort();
            })
            .map(drop)
    })?;
    Ok((eaten.into_inner(), timeouts.into_inner()))
}

impl Experiment for DiningPhilosophers {
    const NAME: &'static str = "dining-philosophers";
    const CLAIM: &'static str = "left-then-right philosophers deadlock (detected); ordered forks or a footman Semaphore(N-1) never do";

    // Counted, not timed: a busy host cannot change it.
    const TIMED: bool = false;

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let meals = *self.meals.get_or_insert(MEALS.pick(ctx.quick));
        let patience_ms = *self.patience_ms.get_or_insert(PATIENCE_MS.pick(ctx.quick));
        let patience = ms(patience_ms);
        let (naive_secs, naive) = timed(|| dine(Table::Naive, 1, patience));
        let (naive_eaten, naive_timeouts) = naive?;
        let (ordered_secs, ordered) = timed(|| dine(Table::Ordered, meals, patience));
        let (ordered_eaten, ordered_timeouts) = ordered?;
        let (footman_secs, footman) = timed(|| dine(Table::Footman, meals, patience));
        let (footman_eaten, footman_timeouts) = footman?;
        let all = N as u32 * meals;
        let mut report = Report::new(Verdict::Info, "")
            .metric(
                "naive_deadlocked_philosophers",
                f64::from(naive_timeouts),
                "philosophers",
            )
            .metric("ordered_timeouts", f64::from(ordered_timeouts), "waits")
            .metric("footman_timeouts", f64::from(footman_timeouts), "waits")
            .metric("ordered_meals", f64::from(ordered_eaten), "meals")
            .metric("footman_meals", f64::from(footman_eaten), "meals");
        report.say(format!(
            "naive (all hold the left fork, then reach right): {naive_timeouts}/{N} timed out waiting = deadlock detected, {naive_eaten} ate ({})",
            human_time(naive_secs)
        ));
        report.say(format!(
            "ordered forks: {ordered_eaten}/{all} meals, {ordered_timeouts} timeouts ({})",
            human_time(ordered_secs)
        ));
        report.say(format!(
            "footman Semaphore({}): {footman_eaten}/{all} meals, {footman_timeouts} timeouts ({})",
            N - 1,
            human_time(footman_secs)
        ));
        report.verdict = Verdict::from_bool(
            naive_timeouts == N as u32
                && ordered_eaten == all
                && footman_eaten == all
                && ordered_timeouts == 0
                && footman_timeouts == 0,
        );
        report.detail = format!(
            "naive: all {naive_timeouts} philosophers stuck (forced: all hold their left fork before reaching for the right; detected, forks put down); ordered {ordered_eaten}/{all} and footman {footman_eaten}/{all} meals without a timeout"
        );
        Ok(report)
    }
}
