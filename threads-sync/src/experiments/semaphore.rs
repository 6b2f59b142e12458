//! Claim: a `Semaphore(K)` guarding a pool of K resources never lets more
//! than K threads use them at once, however many threads compete; a
//! `BoundedSemaphore` catches the extra release a plain one silently accepts.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::busy_work::busy;
use crate::contract::measure::{human_time, timed};
use crate::contract::scaled::Scaled;
use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::spawn::spawn_each;
use crate::durations::WATCHDOG;
use crate::{BoundedSemaphore, Semaphore};

/// The default of `--uses`.
const USES: Scaled<u32> = Scaled::new(2000, 300);

/// Flags of `semaphore`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct SemaphoreExp {
    /// Resources in the pool (K).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub resources: u32,
    /// Threads competing for them.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub threads: u32,
    /// Uses per thread.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000), help = USES.help("Uses per thread"))]
    pub uses: Option<u32>,
}

impl Experiment for SemaphoreExp {
    const NAME: &'static str = "semaphore";
    const CLAIM: &'static str = "a Semaphore(K) never admits more than K threads to a pool of K resources; a BoundedSemaphore catches an extra release";

    // Counted, not timed: a busy host cannot change it.
    const TIMED: bool = false;

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let uses = *self.uses.get_or_insert(USES.pick(ctx.quick));
        let k = self.resources as usize;
        let pool = Semaphore::new(k);
        let (inside, max_inside, total) = (
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
        );
        let (secs, all_ok) = timed(|| {
            std::thread::scope(|s| -> anyhow::Result<bool> {
                // A thread that cannot start (a limit on threads, `ulimit
                // -u`) is an error; the ones started finish on their own.
                let started = spawn_each(s, self.threads as usize, "thread", |t| {
                        let (pool, inside, max_inside, total) =
                            (&pool, &inside, &max_inside, &total);
                        let t = t as u32;
                        move || {
                            for i in 0..uses {
                                let Some(_permit) = pool.permit_timeout(WATCHDOG) else {
                                    return false;
                                };
                                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                                max_inside.fetch_max(now, Ordering::SeqCst);
                                busy(std::hint::black_box(u64::from(t ^ i)), 2000); // use it
                                inside.fetch_sub(1, Ordering::SeqCst);
                                total.fetch_add(1, Ordering::Relaxed);
                            }
                            true
                        }
                });
                Ok(started.join_all()?.into_iter().all(|ok| ok))
            })
        });
        anyhow::ensure!(all_ok?, "a thread waited past the watchdog for a permit");
        let max = max_inside.into_inner();
        let total = total.into_inner();
        anyhow::ensure!(
            total == (self.threads * uses) as usize,
            "lost uses: {total}"
        );
        anyhow::ensure!(pool.value() == k, "permits leaked: {} of {k}", pool.value());

        // The leak detector: one release too many.
        let plain = Semaphore::new(1);
        plain.release(1); // accepted: the pool silently grew to 2
        let bounded = BoundedSemaphore::new(1);
        let caught = bounded.release(1).is_err();

        let mut report = Report::new(Verdict::Info, "")
            .metric("max_concurrency", max as f64, "threads")
            .metric("resources", k as f64, "permits")
            .metric(
                "bounded_caught_extra_release",
                f64::from(u8::from(caught)),
                "bool",
            )
            .metric("uses_per_s", total as f64 / secs.max(1e-9), "1/s");
        report.say(format!(
            "{} threads x {uses} uses of a pool of {k}: at most {max} inside at once, {total} uses in {}",
            self.threads,
            human_time(secs)
        ));
        report.say(format!(
            "extra release: Semaphore grew to {} permits silently; BoundedSemaphore {}",
            plain.value(),
            if caught {
                "raised TooManyReleases"
            } else {
                "accepted it"
            }
        ));
        report.verdict = Verdict::from_bool(max <= k && caught);
        report.detail = format!(
            "max concurrency {max} <= K = {k} over {total} uses; BoundedSemaphore caught the extra release: {caught}"
        );
        Ok(report)
    }
}
