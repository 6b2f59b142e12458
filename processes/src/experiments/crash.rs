//! Claim: processes buy isolation: kill a worker in the middle of a task
//! and the pool reports that task failed with the cause, replaces the
//! worker, completes every other task, and leaves no child behind.

use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::{Pid, getpid};

use crate::contract::scaled::Scaled;
use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::demo_jobs::{Fault, FaultTask};
use crate::pool::{ProcessPool, TaskError};
use crate::proc_info::{children, descendants};
use crate::start_flag::Start;

/// The default of `--tasks`.
const TASKS: Scaled<u64> = Scaled::new(60, 24);

/// Flags of `crash`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct Crash {
    /// Tasks of 5 ms each.
    #[arg(long, value_parser = clap::value_parser!(u64).range(4..=100_000), help = TASKS.help("Tasks of 5 ms each"))]
    pub tasks: Option<u64>,
    /// Workers to SIGKILL, one every 20 ms [default: 2].
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=1000))]
    pub kills: Option<u64>,
    /// Start method of the pool.
    #[arg(long, value_enum, default_value = "spawn")]
    pub start: Start,
}

impl Experiment for Crash {
    const NAME: &'static str = "crash";
    const CLAIM: &'static str = "a worker killed mid-task is reported with its cause and replaced; every other task completes and no child is left";

    // Counted, not timed: a busy host cannot change it.
    const TIMED: bool = false;

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let n = *self.tasks.get_or_insert(TASKS.pick(ctx.quick));
        let kills = *self.kills.get_or_insert(2);
        let mut pool = ProcessPool::<Fault>::builder()
            .workers(2)
            .start_method(self.start.method())
            .build()?;
        let victims = pool.pids();
        // The killer: SIGKILL a worker every 20 ms, from another thread. The
        // workers are the leaves of our process tree (with `fork`, they are
        // the fork server's children).
        let killer = std::thread::Builder::new().spawn(move || {
            let mut killed = Vec::new();
            for i in 0..kills as usize {
                std::thread::sleep(Duration::from_millis(20));
                let tree = descendants(getpid()).unwrap_or_default();
                let live: Vec<Pid> = tree
                    .into_iter()
                    .filter(|p| !killed.contains(p) && children(*p).is_ok_and(|c| c.is_empty()))
                    .collect();
                if let Some(&p) = live.get(i % live.len().max(1)) {
                    let _ = kill(p, Signal::SIGKILL);
                    killed.push(p);
                }
            }
            killed.len()
        });
        let killer = killer.map_err(|e| anyhow::anyhow!("starting the killer thread: {e}"))?;
        let out = pool.map((0..n).map(|_| FaultTask::SleepMs(5)))?;
        let killed = killer
            .join()
            .map_err(|_| anyhow::anyhow!("killer panicked"))?;
        let stats = pool.stats();
        drop(pool);
        let ok = out.iter().filter(|r| matches!(r, Ok(5))).count();
        let died: Vec<&TaskError> = out.iter().filter_map(|r| r.as_ref().err()).collect();
        let by_kill = died
            .iter()
            .filter(|e| matches!(e, TaskError::WorkerDied(d) if d.to_string().contains("SIGKILL")))
            .count();
        let left = descendants(getpid())?.len();
        let replaced = stats.started - victims.len();
        let all_accounted = ok + died.len() == n as usize && by_kill == died.len();
        let verdict = if !all_accounted || left > 0 {
            Verdict::from_bool(false)
        } else if kills == 0 || killed == 0 || died.is_empty() {
            // Nothing was killed mid-task (no kills asked, the run ended
            // first, or every kill hit an idle worker): the claim is untested.
            Verdict::Info
        } else {
            Verdict::from_bool(died.len() <= killed && replaced >= died.len())
        };
        let mut report = Report::new(
            verdict,
            format!("{killed} workers killed mid-run: {} tasks reported failed (SIGKILL), {ok} of {n} completed, {replaced} replacements, {left} children left", died.len()),
        )
        .metric("tasks_completed", ok as f64, "tasks")
        .metric("tasks_failed", died.len() as f64, "tasks")
        .metric("workers_killed", killed as f64, "workers")
        .metric("workers_replaced", replaced as f64, "workers")
        .metric("children_left", left as f64, "processes");
        report.say(format!("{n} tasks of 5 ms on 2 workers (start method {:?}); a thread SIGKILLs a worker every 20 ms, {kills} times", self.start));
        for e in died.iter().take(3) {
            report.say(format!("reported: {e}"));
        }
        Ok(report)
    }
}
