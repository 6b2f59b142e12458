//! Claim: two threads taking two locks in opposite order deadlock; a timed
//! acquire *detects* it and the threads recover (release, back off, retry);
//! taking the locks in one global order never deadlocks ("only one lock per
//! thread, or risk mysterious deadlocks").

use std::time::Duration;

use crate::contract::scaled::Scaled;
use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::spawn::spawn_each;
use crate::durations::{WATCHDOG, ms};
use crate::{Barrier, Lock};

/// The default of `--rounds`.
const ROUNDS: Scaled<u32> = Scaled::new(20, 5);

/// The default of `--patience-ms`.
const PATIENCE_MS: Scaled<u64> = Scaled::new(50, 20);

/// Retries after a detected deadlock before the experiment gives up.
const MAX_RETRIES: u32 = 50;

/// Flags of `deadlock`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct Deadlock {
    /// Rounds of each version.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000), help = ROUNDS.help("Rounds of each version"))]
    pub rounds: Option<u32>,
    /// How long a thread waits for its second lock before it calls it a
    /// deadlock, in ms.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000), help = PATIENCE_MS.help("How long a thread waits for its second lock before it calls it a deadlock, in ms"))]
    pub patience_ms: Option<u64>,
}

/// What one thread saw in one round.
#[derive(Debug, Default, Clone, Copy)]
struct Seen {
    detected: u32,
    done: bool,
}

/// One thread's round: take `first` then `second` (timed), work, release.
/// With `meet`, both threads hold their first lock before either goes on,
/// which makes the opposite-order version deadlock every time.
fn round(
    first: &Lock,
    second: &Lock,
    meet: Option<&Barrier>,
    patience: Duration,
    backoff: Duration,
) -> anyhow::Result<Seen> {
    let mut seen = Seen::default();
    for attempt in 0..=MAX_RETRIES {
        anyhow::ensure!(first.acquire_timeout(WATCHDOG), "first lock stuck");
        if attempt == 0
            && let Some(b) = meet
        {
            b.wait_timeout(WATCHDOG)
                .map_err(|_| anyhow::anyhow!("the meeting barrier broke"))?;
        }
        if second.acquire_timeout(patience) {
            // The critical section that needs both locks.
            second.release()?;
            first.release()?;
            seen.done = true;
            return Ok(seen);
        }
        // Detected: give back what we hold and let the other thread finish.
        seen.detected += 1;
        first.release()?;
        std::thread::sleep(backoff * (attempt + 1));
    }
    Ok(seen)
}

/// Runs `rounds` rounds of two threads; `ordered` makes both take `a` first.
fn run_version(rounds: u32, ordered: bool, patience: Duration) -> anyhow::Result<(u32, u32)> {
    let (a, b) = (Lock::new(), Lock::new());
    let (mut deadlocked, mut completed) = (0, 0);
    for _ in 0..rounds {
        let meet = Barrier::new(2)?;
        let meet = (!ordered).then_some(&meet);
        let (first, second) = if ordered { (&a, &b) } else { (&b, &a) };
        let sides = [(&a, &b, ms(1)), (first, second, ms(3))];
        let both = std::thread::scope(|s| {
            let started = spawn_each(s, 2, "thread", |i| {
                let (x, y, backoff) = sides[i];
                move || round(x, y, meet, patience, backoff)
            });
            if let (Some(_), Some(m)) = (&started.refused, meet) {
                // The first thread waits to meet the second.
                m.abort();
            }
            started.join_all()
        })?;
        let seen = both.into_iter().collect::<anyhow::Result<Vec<_>>>()?;
        if seen.iter().any(|t| t.detected > 0) {
            deadlocked += 1;
        }
        if seen.iter().all(|t| t.done) {
            completed += 1;
        }
    }
    Ok((deadlocked, completed))
}

impl Experiment for Deadlock {
    const NAME: &'static str = "deadlock";
    const CLAIM: &'static str = "locks taken in opposite order deadlock (detected by a timed acquire, then recovered); one global lock order never deadlocks";

    // Counted, not timed: a busy host cannot change it.
    const TIMED: bool = false;

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let rounds = *self.rounds.get_or_insert(ROUNDS.pick(ctx.quick));
        let patience_ms = *self.patience_ms.get_or_insert(PATIENCE_MS.pick(ctx.quick));
        let patience = ms(patience_ms);
        let (naive_dead, naive_done) = run_version(rounds, false, patience)?;
        let (ordered_dead, ordered_done) = run_version(rounds, true, patience)?;
        let mut report = Report::new(Verdict::Info, "")
            .metric("opposite_order_deadlocks", f64::from(naive_dead), "rounds")
            .metric("opposite_order_recovered", f64::from(naive_done), "rounds")
            .metric("ordered_deadlocks", f64::from(ordered_dead), "rounds")
            .metric("ordered_completed", f64::from(ordered_done), "rounds");
        report.say(format!(
            "{rounds} rounds each; a deadlock = the second lock not acquired within {patience_ms} ms"
        ));
        report.say(format!(
            "opposite order (A->B vs B->A, both hold one first): {naive_dead} deadlocks detected, {naive_done} rounds recovered"
        ));
        report.say(format!(
            "one global order (A->B in both):                    {ordered_dead} deadlocks, {ordered_done} rounds completed"
        ));
        report.verdict = Verdict::from_bool(
            naive_dead == rounds
                && naive_done == rounds
                && ordered_dead == 0
                && ordered_done == rounds,
        );
        report.detail = format!(
            "opposite order deadlocked in {naive_dead}/{rounds} rounds (forced: both hold their first lock before reaching for the second), all detected and {naive_done} recovered; ordered: {ordered_dead} deadlocks in {rounds} rounds"
        );
        Ok(report)
    }
}
