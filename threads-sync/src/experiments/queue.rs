//! Claim: a worker pool on a `Queue` — workers `get` jobs and call
//! `task_done`, the producer `join`s — processes every job exactly once,
//! `join` returns only when all are done, and `shutdown()` then ends every
//! worker's blocking `get`, so the pool exits cleanly.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::contract::measure::human_time;
use crate::contract::scaled::Scaled;
use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::spawn::spawn_each;
use crate::durations::WATCHDOG;
use crate::rates::{human_rate, rate};
use crate::{GetError, Queue};

/// The default of `--jobs`.
const JOBS: Scaled<u64> = Scaled::new(200_000, 20_000);

/// Flags of `queue`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct QueueExp {
    /// Worker threads.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub workers: u32,
    /// Jobs.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000_000), help = JOBS.help("Jobs"))]
    pub jobs: Option<u64>,
    /// Job queue bound (backpressure on the producer).
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub maxsize: u32,
}

/// The job: steps of the Collatz sequence from `n` to 1.
fn collatz(mut n: u64) -> u64 {
    let mut steps = 0;
    while n > 1 {
        n = if n.is_multiple_of(2) {
            n / 2
        } else {
            3 * n + 1
        };
        steps += 1;
    }
    steps
}

impl Experiment for QueueExp {
    const NAME: &'static str = "queue";
    const CLAIM: &'static str = "a Queue worker pool processes every job exactly once, join() waits for the last task_done(), and shutdown() ends the workers";

    // Counted, not timed: a busy host cannot change it.
    const TIMED: bool = false;

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let jobs = *self.jobs.get_or_insert(JOBS.pick(ctx.quick));
        let expected: u64 = (1..=jobs).map(collatz).sum();
        let todo = Queue::new(self.maxsize as usize);
        let results = Queue::new(0);
        let (exited, processed) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let start = Instant::now();
        let scoped = std::thread::scope(|s| {
            let workers = spawn_each(s, self.workers as usize, "worker", |_| {
                || {
                    // Waits for a job (never longer than the watchdog); the
                    // queue's shutdown is what is meant to end this loop.
                    loop {
                        match todo.get_timeout(WATCHDOG) {
                            Ok(n) => {
                                let _ = results.put(collatz(n));
                                processed.fetch_add(1, Ordering::SeqCst);
                                let _ = todo.task_done();
                            }
                            Err(GetError::ShutDown) => {
                                exited.fetch_add(1, Ordering::SeqCst);
                                return;
                            }
                            Err(GetError::Empty) => return, // watchdog: not counted
                        }
                    }
                }
            });
            // The workers started wait for jobs: the shutdown ends them.
            let _workers = workers.or_release(|| todo.shutdown(true))?;
            let mut fed = true;
            for n in 1..=jobs {
                if todo.put_timeout(n, WATCHDOG).is_err() {
                    fed = false;
                    break;
                }
            }
            let joined = fed && todo.join_timeout(WATCHDOG);
            let join_secs = start.elapsed().as_secs_f64();
            let done_at_join = processed.load(Ordering::SeqCst);
            todo.shutdown(!joined); // on failure drop what is left, so workers exit
            // Observed while the workers still run: how many left their
            // get() loop because of the shutdown, within the watchdog.
            let shut = Instant::now();
            while exited.load(Ordering::SeqCst) < self.workers as usize && shut.elapsed() < WATCHDOG
            {
                std::thread::sleep(Duration::from_micros(200));
            }
            let exited_seen = exited.load(Ordering::SeqCst);
            anyhow::Ok((joined, join_secs, done_at_join, exited_seen, shut.elapsed()))
        });
        let (joined, join_secs, done_at_join, exited_seen, exit_wait) = scoped?;
        anyhow::ensure!(joined, "the pool did not finish within {WATCHDOG:?}");
        let mut sum = 0u64;
        let mut count = 0u64;
        while let Ok(r) = results.get_nowait() {
            sum += r;
            count += 1;
        }
        let exited = exited_seen;
        let jobs_per_s = rate(jobs as f64, join_secs);
        let mut report = Report::new(Verdict::Info, "")
            .metric("jobs_per_s", jobs_per_s, "1/s")
            .metric("results", count as f64, "jobs")
            .metric("done_when_join_returned", done_at_join as f64, "jobs")
            .metric("workers_exited_after_shutdown", exited as f64, "threads");
        report.say(format!(
            "{} workers, {jobs} jobs through a queue of {}: {} ({})",
            self.workers,
            self.maxsize,
            human_rate(jobs_per_s),
            human_time(join_secs)
        ));
        report.say(format!(
            "results: {count}, sum {sum} (sequential {expected}); done when join() returned: {done_at_join}"
        ));
        report.say(format!(
            "after shutdown(): {exited}/{} workers left their get() loop within {}",
            self.workers,
            human_time(exit_wait.as_secs_f64())
        ));
        let all = count == jobs && sum == expected && done_at_join as u64 == jobs;
        report.verdict = Verdict::from_bool(all && exited == self.workers as usize);
        report.detail = format!(
            "{count}/{jobs} jobs, checksum ok: {}; join returned with {done_at_join} done; {exited}/{} workers exited on shutdown",
            sum == expected,
            self.workers
        );
        Ok(report)
    }
}
