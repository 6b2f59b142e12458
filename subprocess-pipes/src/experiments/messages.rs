//! Claim: with pipes and a serializer, a parent can farm typed jobs out to
//! two child processes and collect typed results, every one of them
//! correct (the lecture's "pipes and pickle", with serde and bincode 2).
//!
//! Two `jobs` workers each get a [`crate::channel::Channel`]`<Job,
//! JobResult>`. The parent keeps at most `--window` jobs in flight per
//! child: with an unbounded stream of requests and no reading of the
//! answers, the child would block on its full stdout pipe and the parent on
//! the child's full stdin pipe, the deadlock of `pipe-deadlock` again. Each
//! result is checked against the parent's own computation of the same job.

use std::collections::VecDeque;
use std::process::{ChildStdin, ChildStdout};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::blob::Blob;
use crate::channel::Channel;
use crate::contract::measure::human_time;
use crate::contract::scaled::Scaled;
use crate::contract::{Ctx, Experiment, Machine, Report, Verdict};
use crate::popen::Popen;
use crate::watchdog::Watchdog;
use crate::worker::proto::{Job, JobResult};

/// The default of `--jobs`.
const JOBS: Scaled<u64> = Scaled::new(10_000, 1_000);

/// Flags of `messages`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct Messages {
    /// Jobs in all.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000_000), help = JOBS.help("Jobs in all"))]
    pub jobs: Option<u64>,
    /// Jobs in flight per child.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub window: u64,
}

/// How long the parent waits for any one answer.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the whole exchange may take before the watchdog kills the children.
const RUN_LIMIT: Duration = Duration::from_secs(120);

type ToChild = Channel<Job, JobResult, ChildStdout, ChildStdin>;

impl Experiment for Messages {
    const NAME: &'static str = "messages";
    const CLAIM: &'static str = "a parent farms typed jobs out to two children over pipes and gets every typed result back, correct";

    // Counted, not timed: a busy host cannot change it.
    const TIMED: bool = false;

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let total = *self.jobs.get_or_insert(JOBS.pick(ctx.quick));
        let mut children = Vec::new();
        for _ in 0..2 {
            let mut child = Popen::spawn(crate::worker::command_self("jobs")?)?;
            let ch: ToChild = Channel::new(
                child.take_stdout().context("jobs stdout")?,
                child.take_stdin().context("jobs stdin")?,
            );
            children.push((child, ch, VecDeque::<Job>::new(), 0u64));
        }
        // `recv_timeout` bounds each wait for an answer, but `send` blocks in
        // plain `write` when a child stops reading: the watchdog kills the
        // children if the whole run takes too long, and the blocked `send`
        // then fails with a broken pipe instead of hanging.
        let pids: Vec<u32> = children.iter().map(|c| c.0.id()).collect();
        let dog = Watchdog::arm(&pids, RUN_LIMIT)?;
        let mut next = 0u64;
        let (mut checked, mut wrong) = (0u64, 0u64);
        let mut bytes_sent = 0usize;
        let started = Instant::now();
        while checked + wrong < total {
            for (_, ch, in_flight, _) in children.iter_mut() {
                while next < total && (in_flight.len() as u64) < self.window {
                    let job = make_job(next);
                    bytes_sent += approx_size(&job);
                    ch.send(&job).context("sending a job")?;
                    in_flight.push_back(job);
                    next += 1;
                }
            }
            for (child, ch, in_flight, done) in children.iter_mut() {
                let Some(job) = in_flight.pop_front() else {
                    continue;
                };
                let res = ch
                    .recv_timeout(ANSWER_TIMEOUT)
                    .with_context(|| {
                        format!("waiting for job {} from child {}", job.id(), child.id())
                    })?
                    .with_context(|| format!("child {} hung up", child.id()))?;
                if res.id == job.id() && res.value == job.compute() && res.pid == child.id() {
                    checked += 1;
                } else {
                    wrong += 1;
                }
                *done += 1;
            }
        }
        let took = started.elapsed().as_secs_f64();
        drop(dog);
        let per_child: Vec<u64> = children.iter().map(|c| c.3).collect();
        for (mut child, ch, _, _) in children {
            drop(ch); // EOF: the worker leaves its loop
            child.wait_timeout(Duration::from_secs(5))?;
        }
        let both = per_child.iter().all(|&d| d > 0);
        let ok = wrong == 0 && checked == total && both;
        let mut r = Report::new(
            Verdict::from_bool(ok),
            format!(
                "{checked} of {total} results correct, {wrong} wrong; children did {per_child:?} jobs; {} cores",
                Machine::current().cores
            ),
        )
        .metric("jobs_per_s", total as f64 / took, "jobs/s")
        .metric("wrong_results", wrong as f64, "jobs")
        .metric("mib_sent", bytes_sent as f64 / (1 << 20) as f64, "MiB");
        r.say(format!(
            "{total} jobs (sum of squares, word counts, checksums of 1-16 KiB) to 2 children, window {}: {}",
            self.window,
            human_time(took)
        ));
        r.say(format!(
            "per child: {per_child:?}; every result checked against the parent's own answer"
        ));
        Ok(r)
    }
}

/// Job `i`: a deterministic mix of the three kinds.
fn make_job(i: u64) -> Job {
    let x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40; // scrambled, up to 2^24
    match i % 3 {
        0 => Job::SumSquares {
            id: i,
            n: x % 20_000,
        },
        1 => Job::Words {
            id: i,
            text: (0..x % 200).map(|w| format!("w{w} ")).collect(),
        },
        _ => Job::Checksum {
            id: i,
            data: Blob(
                (0..1024 + x % (15 << 10))
                    .map(|b| (b * 7 + i) as u8)
                    .collect(),
            ),
        },
    }
}

fn approx_size(job: &Job) -> usize {
    match job {
        Job::SumSquares { .. } => 16,
        Job::Words { text, .. } => text.len() + 8,
        Job::Checksum { data, .. } => data.0.len() + 8,
    }
}
