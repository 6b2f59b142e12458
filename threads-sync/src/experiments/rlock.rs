//! Claim: a recursive function that takes the same lock at every level
//! deadlocks on a plain `Lock` (detected here by a timed acquire) and works
//! on an `RLock`, which counts its owner's acquisitions.

use std::time::Duration;

use crate::contract::measure::{human_time, timed};
use crate::contract::scaled::Scaled;
use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::durations::ms;
use crate::{Lock, RLock};

/// The default of `--patience-ms`.
const PATIENCE_MS: Scaled<u64> = Scaled::new(100, 20);

/// Flags of `rlock`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct RLockExp {
    /// Recursion depth.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(2..=10_000))]
    pub depth: u32,
    /// How long the plain Lock waits before it reports the deadlock, in ms.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000), help = PATIENCE_MS.help("How long the plain Lock waits before it reports the deadlock, in ms"))]
    pub patience_ms: Option<u64>,
}

/// Sums `depth + (depth-1) + ... + 1`, taking `lock` at every level;
/// `Err(level)` where the acquire timed out.
fn sum_with_lock(lock: &Lock, depth: u32, patience: Duration) -> Result<u64, u32> {
    let _held = lock.lock_timeout(patience).ok_or(depth)?;
    if depth == 0 {
        return Ok(0);
    }
    Ok(u64::from(depth) + sum_with_lock(lock, depth - 1, patience)?)
}

/// The same with an `RLock`; `max_count` records the deepest recursion count.
fn sum_with_rlock(rlock: &RLock, depth: u32, max_count: &mut usize) -> u64 {
    let _held = rlock.lock();
    *max_count = (*max_count).max(rlock.count());
    if depth == 0 {
        return 0;
    }
    u64::from(depth) + sum_with_rlock(rlock, depth - 1, max_count)
}

impl Experiment for RLockExp {
    const NAME: &'static str = "rlock";
    const CLAIM: &'static str = "a recursive function that re-takes its lock deadlocks with Lock (detected) and works with RLock";

    // Counted, not timed: a busy host cannot change it.
    const TIMED: bool = false;

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let patience_ms = *self.patience_ms.get_or_insert(PATIENCE_MS.pick(ctx.quick));
        let depth = self.depth;
        let exact = u64::from(depth) * u64::from(depth + 1) / 2;

        let lock = Lock::new();
        let (lock_secs, with_lock) = timed(|| sum_with_lock(&lock, depth, ms(patience_ms)));
        anyhow::ensure!(
            !lock.locked(),
            "the Lock stayed held after the failed recursion"
        );

        let rlock = RLock::new();
        let mut max_count = 0;
        let (rlock_secs, with_rlock) = timed(|| sum_with_rlock(&rlock, depth, &mut max_count));
        anyhow::ensure!(!rlock.locked(), "the RLock stayed held");

        let lock_deadlocked = with_lock.is_err();
        let mut report = Report::new(Verdict::Info, "")
            .metric(
                "lock_deadlocked",
                f64::from(u8::from(lock_deadlocked)),
                "bool",
            )
            .metric("rlock_sum", with_rlock as f64, "sum")
            .metric("rlock_max_count", max_count as f64, "levels")
            .metric("lock_detect_ms", lock_secs * 1e3, "ms");
        match with_lock {
            Err(level) => report.say(format!(
                "Lock:  level {depth} took it, level {level} waited {patience_ms} ms and gave up: deadlock detected after {}",
                human_time(lock_secs)
            )),
            Ok(sum) => report.say(format!("Lock:  completed with sum {sum} (unexpected)")),
        }
        report.say(format!(
            "RLock: sum {with_rlock} (exact {exact}), recursion count up to {max_count}, in {}",
            human_time(rlock_secs)
        ));
        report.verdict = Verdict::from_bool(
            lock_deadlocked && with_rlock == exact && max_count == depth as usize + 1,
        );
        report.detail = format!(
            "Lock deadlocked at the second level (detected in {patience_ms} ms); RLock summed {with_rlock} = {exact} with {max_count} nested acquisitions"
        );
        Ok(report)
    }
}
