//! The simulator's side of the workloads that several experiments (and
//! `compare-cpython`) share: the countdown, I/O calls, the convoy, the
//! counter race and the refcount loop, with the run configuration they take.
//! Each checks its result before it returns a figure.

use std::time::Duration;

use crate::contract::Stats;
use crate::gil::{GilConfig, Policy};
use crate::vm::builtin_programs::{self, Pacing, Variant};
use crate::vm::objects::RefCounting;
use crate::vm::{Instr, Job, Outcome, RunConfig, run};

/// A run configuration with CPython's defaults but this interval.
pub fn config(policy: Policy, interval: Duration) -> RunConfig {
    let mut g = GilConfig::new(policy);
    g.switch_interval = interval;
    RunConfig::new(g)
}

/// Instructions a `countdown(n)` executes (checked after every run).
/// (Saturates instead of overflowing: no run can be that long.)
///
/// ```
/// use gil_sim::workloads::countdown_instructions;
/// assert_eq!(countdown_instructions(1), 15);
/// assert_eq!(countdown_instructions(u64::MAX), u64::MAX);
/// ```
pub fn countdown_instructions(n: u64) -> u64 {
    n.saturating_mul(8).saturating_add(7)
}

/// Splits `total` iterations of countdown over `threads` threads, runs
/// them, checks every thread ran exactly its share, and returns the seconds.
pub fn countdown_run(cfg: &RunConfig, total: u64, threads: usize) -> anyhow::Result<f64> {
    let p = builtin_programs::countdown();
    let f = p.func("countdown").expect("countdown exists");
    anyhow::ensure!(threads > 0, "a countdown needs at least one thread");
    let share = total / threads as u64;
    anyhow::ensure!(
        share <= i64::MAX as u64,
        "a countdown of {share} per thread is too long"
    );
    let jobs = (0..threads).map(|_| Job::new(f, &[share as i64])).collect();
    let out = run(&p, cfg, jobs)?;
    check_countdown(&out, share)?;
    Ok(out.elapsed.as_secs_f64())
}

/// Every thread of `out` counted `share` down to zero.
pub fn check_countdown(out: &Outcome, share: u64) -> anyhow::Result<()> {
    for t in &out.threads {
        anyhow::ensure!(
            t.instructions == countdown_instructions(share),
            "a countdown of {share} executed {} instructions, expected {}",
            t.instructions,
            countdown_instructions(share)
        );
    }
    Ok(())
}

/// Runs `threads` threads of `calls` sleeps of `sleep` each, or (with
/// `sequential`) one thread doing all of them; returns the seconds.
pub fn io_run(
    cfg: &RunConfig,
    threads: usize,
    calls: u64,
    sleep: Duration,
    sequential: bool,
) -> anyhow::Result<f64> {
    let p = builtin_programs::io_sleep(sleep);
    let w = p.func("worker").expect("worker exists");
    let (n_jobs, per_job) = if sequential {
        (1, calls * threads as u64)
    } else {
        (threads, calls)
    };
    let jobs: Vec<Job> = (0..n_jobs)
        .map(|_| Job::new(w, &[per_job as i64]))
        .collect();
    let out = run(&p, cfg, jobs)?;
    for t in &out.threads {
        anyhow::ensure!(
            t.io_latency.len() as u64 == per_job,
            "a thread made {} blocking calls, expected {per_job}",
            t.io_latency.len()
        );
    }
    Ok(out.elapsed.as_secs_f64())
}

/// One convoy measurement.
#[derive(Debug, Clone, Copy)]
pub struct Convoy {
    /// Median latency of one blocking call, GIL retake included, seconds.
    pub median_s: f64,
    /// The CPU threads' loop iterations per second, together.
    pub cpu_iters_per_s: f64,
}

/// An I/O thread makes `calls` blocking calls of `block` beside `cpu`
/// spinning threads that stop when it is done.
pub fn convoy_run(
    cfg: &RunConfig,
    calls: u64,
    cpu: usize,
    block: Duration,
) -> anyhow::Result<Convoy> {
    let p = builtin_programs::convoy(block);
    let (io, spin) = (p.func("io").expect("io"), p.func("spin").expect("spin"));
    let mut jobs: Vec<Job> = (0..cpu).map(|_| Job::new(spin, &[])).collect();
    jobs.push(Job::new(io, &[calls as i64]));
    let out = run(&p, cfg, jobs)?;
    let io_stats = out.threads.last().expect("the io thread");
    anyhow::ensure!(
        io_stats.io_latency.len() as u64 == calls && out.globals[0] == 1,
        "the I/O thread did not finish its {calls} calls"
    );
    let iters: i64 = out.threads[..cpu].iter().map(|t| t.result).sum();
    Ok(Convoy {
        median_s: median_secs(&io_stats.io_latency),
        cpu_iters_per_s: iters as f64 / out.elapsed.as_secs_f64(),
    })
}

/// The median of some durations, in seconds (0 when empty): the
/// contract's median ([`Stats::of`]), as `convoy.py` takes it too, so
/// `compare-cpython` sets like against like.
fn median_secs(d: &[Duration]) -> f64 {
    let v: Vec<f64> = d.iter().map(Duration::as_secs_f64).collect();
    if v.is_empty() {
        0.0
    } else {
        Stats::of(&v).median
    }
}

/// One counter race: the final count, the wall time, how many times the
/// threads switched at a check point, and where the GIL changed hands.
#[derive(Debug, Clone, Copy, Default)]
pub struct RaceRun {
    /// The counter at the end (never above the exact count: checked).
    pub count: i64,
    /// The exact count: every thread's increments.
    pub increments: u64,
    /// Wall time of the race, seconds.
    pub secs: f64,
    /// Switches at check points, all threads together.
    pub switches: u64,
    /// Check points at which another thread took the GIL.
    pub hand_offs: u64,
    /// Those inside `counter`'s read-modify-write: after the thread loaded
    /// `counter` and before it stored it back (a call made in between
    /// included). Each such hand-off leaves a stale value to be stored.
    pub window_hand_offs: u64,
}

impl RaceRun {
    /// The share of all increments that were lost.
    pub fn lost_fraction(&self) -> f64 {
        1.0 - self.count as f64 / self.increments.max(1) as f64
    }

    /// The share of hand-offs that cut the read-modify-write (0 without any).
    pub fn window_share(&self) -> f64 {
        if self.hand_offs == 0 {
            0.0
        } else {
            self.window_hand_offs as f64 / self.hand_offs as f64
        }
    }
}

/// Two (or more) threads each add 1 to a global `n` times; returns the
/// final count (checked never to exceed the exact one), the wall time and
/// the switch count.
pub fn race(cfg: &RunConfig, variant: Variant, threads: usize, n: u64) -> anyhow::Result<RaceRun> {
    race_paced(cfg, variant, Pacing::default(), threads, n)
}

/// [`race`] on [`builtin_programs::counter_paced`].
pub fn race_paced(
    cfg: &RunConfig,
    variant: Variant,
    pacing: Pacing,
    threads: usize,
    n: u64,
) -> anyhow::Result<RaceRun> {
    anyhow::ensure!(
        n <= i64::MAX as u64 / threads.max(1) as u64,
        "{n} increments per thread is too many"
    );
    let p = builtin_programs::counter_paced(variant, pacing);
    let w = p.func("worker").expect("worker exists");
    let jobs = (0..threads).map(|_| Job::new(w, &[n as i64])).collect();
    let out = run(&p, cfg, jobs)?;
    // The window in `worker`: a check before an instruction after the
    // LOAD_GLOBAL and up to the STORE_GLOBAL (py311 checks only at the
    // backward jump there, outside), and anywhere in a function it calls.
    let code = &p.funcs()[w.0 as usize].code;
    let at = |want: fn(&Instr) -> bool| code.iter().position(want).unwrap_or(0);
    let (load, store) = (
        at(|i| matches!(i, Instr::LoadGlobal(_))),
        at(|i| matches!(i, Instr::StoreGlobal(_))),
    );
    let inside = |&(f, pc): &(usize, usize)| f != w.0 as usize || (load < pc && pc <= store);
    let (mut hand_offs, mut window_hand_offs) = (0, 0);
    for (at, n) in out.threads.iter().flat_map(|t| &t.hand_offs_at) {
        hand_offs += n;
        if inside(at) {
            window_hand_offs += n;
        }
    }
    let exact = (n * threads as u64) as i64;
    anyhow::ensure!(
        out.globals[0] <= exact,
        "counter {} above the exact {exact}: the VM invented updates",
        out.globals[0]
    );
    Ok(RaceRun {
        count: out.globals[0],
        increments: exact as u64,
        secs: out.elapsed.as_secs_f64(),
        switches: out.threads.iter().map(|t| t.yields).sum(),
        hand_offs,
        window_hand_offs,
    })
}

/// One timed run of the refcount workload: seconds. Every count must be
/// back at zero (each increment was matched by a decrement); a lost change
/// is an error for the modes that claim to be safe.
pub fn refcount_timed(
    w: RefcountLoop,
    policy: Policy,
    mode: RefCounting,
    threads: usize,
    shared: bool,
) -> anyhow::Result<f64> {
    let (secs, off) = refcount_run(w, policy, mode, threads, shared)?;
    anyhow::ensure!(
        off == 0,
        "{} counts under {} lost {off} changes",
        mode.name(),
        policy.name()
    );
    Ok(secs)
}

/// The loop: iterations in total, and object loads per iteration.
#[derive(Debug, Clone, Copy)]
pub struct RefcountLoop {
    /// Iterations in total, split over the threads.
    pub n: u64,
    /// Object loads per iteration.
    pub touches: u16,
}

/// Runs the workload: its iterations split over `threads`, on one object
/// (`shared`) or one each. Returns the seconds and how far the counts ended
/// from zero, all objects together.
pub fn refcount_run(
    w: RefcountLoop,
    policy: Policy,
    mode: RefCounting,
    threads: usize,
    shared: bool,
) -> anyhow::Result<(f64, i64)> {
    let n = w.n;
    let p = builtin_programs::refcount(w.touches);
    let worker = p.func("worker").expect("worker exists");
    let share = i64::try_from(n / threads as u64)?;
    let jobs = (0..threads)
        .map(|i| Job::new(worker, &[share, if shared { 0 } else { i as i64 }]))
        .collect();
    let mut cfg = config(policy, std::time::Duration::from_millis(5));
    cfg.refcount = mode;
    let out = run(&p, &cfg, jobs)?;
    let per_thread = countdown_instructions(share as u64)
        .saturating_add(2 * u64::from(w.touches) * share as u64);
    anyhow::ensure!(
        out.threads.iter().all(|t| t.instructions == per_thread),
        "a thread did not run its {share} iterations"
    );
    let off = out.object_counts.iter().map(|c| c.abs()).sum();
    Ok((out.elapsed.as_secs_f64(), off))
}
