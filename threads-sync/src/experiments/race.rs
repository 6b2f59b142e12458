//! Claim: an unsynchronised read-modify-write (`counter += 1` as a load then
//! a store) loses updates when threads run it at once; a `Lock` around it
//! loses none; an atomic `fetch_add` loses none and costs less than the lock.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::contract::measure::{human_time, interleaved, timed};
use crate::contract::scaled::Scaled;
use crate::contract::{Ctx, Experiment, Judgement, Machine, Report, Verdict};
use crate::spawn::spawn_each;
use crate::durations::WATCHDOG;
use crate::rates::ns_per;
use crate::{Barrier, Lock};

/// The default of `--increments`.
const INCREMENTS: Scaled<u64> = Scaled::new(1_000_000, 500_000);

/// Flags of `race`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct Race {
    /// Threads incrementing one counter.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(2..=64))]
    pub threads: u32,
    /// Increments per thread.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000_000), help = INCREMENTS.help("Increments per thread"))]
    pub increments: Option<u64>,
}

#[derive(Clone, Copy)]
enum How {
    Unsynchronised,
    Locked,
    FetchAdd,
}

/// Runs `threads` x `n` increments the given way; returns the final count.
fn count(how: How, threads: u32, n: u64) -> anyhow::Result<u64> {
    let counter = AtomicU64::new(0);
    let lock = Lock::new();
    // All threads start together, or the first may finish before the last starts.
    let start = Barrier::new(threads as usize)?.with_timeout(WATCHDOG);
    std::thread::scope(|s| {
        let started = spawn_each(s, threads as usize, "thread", |_| {
            || {
                if start.wait().is_err() {
                    return;
                }
                for _ in 0..n {
                    match how {
                        How::Unsynchronised => {
                            // Two steps, like CPython's LOAD/STORE: another
                            // thread can store in between, and one update is lost.
                            let v = counter.load(Ordering::Relaxed);
                            counter.store(std::hint::black_box(v) + 1, Ordering::Relaxed);
                        }
                        How::Locked => {
                            let _held = lock.lock();
                            let v = counter.load(Ordering::Relaxed);
                            counter.store(v + 1, Ordering::Relaxed);
                        }
                        How::FetchAdd => {
                            counter.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            }
        });
        if started.refused.is_some() {
            // A limit on threads: the ones waiting at the start line must
            // not wait out the watchdog.
            start.abort();
        }
        started.join_all()
    })?;
    anyhow::ensure!(!start.broken(), "the threads did not all start");
    Ok(counter.into_inner())
}

impl Experiment for Race {
    const NAME: &'static str = "race";
    const CLAIM: &'static str = "an unsynchronised counter += 1 loses updates; a Lock loses none; an atomic fetch_add loses none and costs less";

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        // Quick races 500k a thread: at 100k a thread's whole run fits in
        // one time slice, and on two cores the four threads then sometimes
        // ran one after another and lost nothing.
        let n = *self.increments.get_or_insert(INCREMENTS.pick(ctx.quick));
        let threads = self.threads;
        let exact = u64::from(threads) * n;
        let cores = Machine::current().cores;
        let worst: [Cell<u64>; 3] = Default::default();
        let measure = |i: usize, how: How| -> Result<f64, anyhow::Error> {
            let (secs, got) = timed(|| count(how, threads, n));
            let got = got?;
            anyhow::ensure!(got <= exact, "counted {got} > {exact}: impossible");
            worst[i].set(worst[i].get().max(exact - got));
            Ok(secs)
        };
        let stats = interleaved(
            ctx.repeats_or(3, 2),
            &mut [
                &mut || measure(0, How::Unsynchronised),
                &mut || measure(1, How::Locked),
                &mut || measure(2, How::FetchAdd),
            ],
        )?;
        let lost = worst.map(Cell::into_inner);
        let per = |i: usize| ns_per(stats[i].median, exact as f64);
        let mut report = Report::new(Verdict::Info, "")
            .metric("lost_unsynchronised", lost[0] as f64, "updates")
            .metric("lost_lock", lost[1] as f64, "updates")
            .metric("lost_fetch_add", lost[2] as f64, "updates")
            .metric("lock_ns_per_increment", per(1), "ns")
            .metric("fetch_add_ns_per_increment", per(2), "ns")
            .metric("lock_over_fetch_add", per(1) / per(2).max(1e-9), "x");
        report.say(format!(
            "{threads} threads x {n} increments = {exact}; {cores} cores; worst of the runs:"
        ));
        for (i, name) in ["unsynchronised", "Lock", "fetch_add"].iter().enumerate() {
            report.say(format!(
                "{name:<15} lost {:>10}   {} per increment (median of {})",
                lost[i],
                human_time(stats[i].median / exact as f64),
                stats[i].n
            ));
        }
        let safe = lost[1] == 0 && lost[2] == 0;
        // Cheaper: a lock at least 1.1x the cost of fetch_add holds; a lock
        // no dearer than 0.9x of it refutes; between, too close to call.
        let cheaper = Judgement::at_least(per(1) / per(2).max(1e-9), 1.1, 0.9);
        if cores < 2 && lost[0] == 0 {
            report.verdict = Verdict::Info; // one core: threads rarely interrupt a two-instruction window
        } else {
            report.judge(Judgement::from_bool(lost[0] > 0 && safe).and(cheaper));
        }
        report.detail = format!(
            "unsynchronised lost {} of {exact}, Lock {}, fetch_add {}; fetch_add is {:.1}x cheaper than the Lock ({cores} cores)",
            lost[0],
            lost[1],
            lost[2],
            per(1) / per(2).max(1e-9)
        );
        Ok(report)
    }
}
