//! Running a program: one real OS thread per [`Job`], all under one GIL
//! policy, and what comes back ([`Outcome`]): the globals, per-thread
//! statistics, the wall time and the one-holder invariant's counters.
//!
//! ```
//! use gil_sim::gil::{GilConfig, Policy};
//! use gil_sim::vm::{builtin_programs, run, Job, RunConfig};
//! let p = builtin_programs::counter(builtin_programs::Variant::Locked);
//! let worker = p.func("worker").unwrap();
//! let jobs = (0..2).map(|_| Job::new(worker, &[1000])).collect();
//! let out = run(&p, &RunConfig::new(GilConfig::new(Policy::Py311)), jobs)?;
//! assert_eq!(out.globals[0], 2000); // locked: nothing lost
//! assert_eq!(out.overlaps, 0); // never two threads inside the GIL
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::time::Instant;

pub use super::job::Job;
pub use super::outcome::{Outcome, ThreadStats, VmError};

use super::cold::Heap;
use super::interp::exec;
use super::lock::VmLock;
use super::objects::{Objects, RefCounting};
use super::program::Program;
use crate::gil::{
    Gil, GilConfig, Policy, Shared, nogil::NoGil, py2::Py2, py39::Py39, py311::Py311,
};
use crate::trace::{Clock, ThreadTrace, Trace, Track};

/// Most threads one run may start.
pub const MAX_THREADS: usize = 256;

/// How to run: the GIL policy, and optionally one CPU to pin every thread to.
#[derive(Debug, Clone, Copy)]
pub struct RunConfig {
    /// The GIL.
    pub gil: GilConfig,
    /// Pin all VM threads to this CPU (`sched_setaffinity`; Linux only,
    /// elsewhere the run fails with [`VmError::Affinity`]).
    pub pin_cpu: Option<usize>,
    /// Record a [`Trace`] with room for this many spans (and as many marks)
    /// per thread, allocated before the threads start. `None`: no trace,
    /// unless an experiment is being traced (the demo's `--trace FILE`).
    pub trace: Option<usize>,
    /// How the objects' reference counts are kept (`TOUCH_OBJECT`).
    pub refcount: RefCounting,
}

impl RunConfig {
    /// Unpinned, untraced, under `gil`.
    pub fn new(gil: GilConfig) -> RunConfig {
        RunConfig {
            gil,
            pin_cpu: None,
            trace: None,
            refcount: RefCounting::Plain,
        }
    }
}

/// Runs `jobs` on one OS thread each under `cfg` and waits for them all.
pub fn run(program: &Program, cfg: &RunConfig, mut jobs: Vec<Job>) -> Result<Outcome, VmError> {
    if jobs.is_empty() || jobs.len() > MAX_THREADS {
        return Err(VmError::BadJob(format!(
            "1 to {MAX_THREADS} jobs, got {}",
            jobs.len()
        )));
    }
    for j in &jobs {
        let f = program
            .funcs
            .get(j.func.0 as usize)
            .ok_or_else(|| VmError::BadJob(format!("no function {}", j.func.0)))?;
        if j.args.len() != f.params as usize {
            return Err(VmError::BadJob(format!(
                "{} takes {} arguments",
                f.name, f.params
            )));
        }
    }
    let g = cfg.gil;
    // Asked for, or wanted by an experiment traced with `--trace` (which
    // then keeps a copy of every run).
    let collect = cfg.trace.is_none();
    let capacity = cfg.trace.or_else(sink::wanted);
    // One monomorphized copy of the interpreter per policy: the same call
    // with each policy's GIL.
    macro_rules! under {
        ($gil:expr) => {
            run_with($gil, program, cfg, capacity, &mut jobs)
        };
    }
    let mut out = match g.policy {
        Policy::Py2 => under!(Py2::new(g.check_interval)),
        Policy::Py39 => under!(Py39::new(g.switch_interval)),
        Policy::Py311 => under!(Py311::new(g.switch_interval)),
        Policy::Nogil => under!(NoGil),
    }?;
    if collect && let Some(t) = out.trace.take() {
        sink::collect(t);
    }
    Ok(out)
}

/// `countdown · py311 · 2 threads`: what a traced run ran.
fn label(program: &Program, cfg: &RunConfig, threads: usize) -> String {
    let g = cfg.gil;
    let knob = match g.policy {
        Policy::Py2 => format!(" · check interval {}", g.check_interval),
        Policy::Py39 | Policy::Py311 => {
            format!(" · {} µs interval", g.switch_interval.as_micros())
        }
        Policy::Nogil => String::new(),
    };
    format!(
        "{} · {}{knob} · {threads} thread{}",
        program.name(),
        g.policy.name(),
        if threads == 1 { "" } else { "s" }
    )
}

/// Pins the calling thread to `cpu`. Linux only (`sched_setaffinity`).
#[cfg(target_os = "linux")]
fn pin(cpu: usize) -> Result<(), VmError> {
    use nix::sched::{CpuSet, sched_setaffinity};
    let mut set = CpuSet::new();
    set.set(cpu).map_err(|e| VmError::Affinity(e.to_string()))?;
    sched_setaffinity(nix::unistd::Pid::from_raw(0), &set)
        .map_err(|e| VmError::Affinity(e.to_string()))
}

/// Elsewhere pinning is refused with a clear error.
#[cfg(not(target_os = "linux"))]
fn pin(_cpu: usize) -> Result<(), VmError> {
    Err(VmError::Affinity(
        "pinning a thread to a CPU needs Linux".into(),
    ))
}

fn run_with<G: Gil>(
    gil: G,
    program: &Program,
    cfg: &RunConfig,
    capacity: Option<usize>,
    jobs: &mut [Job],
) -> Result<Outcome, VmError> {
    let mut shared = Shared::new(gil, program.globals.len());
    let _pad = placement_pad();
    let heap = Heap {
        locks: (0..program.locks).map(|_| VmLock::default()).collect(),
        objects: Objects::new(program.objects as usize, jobs.len(), cfg.refcount),
    };
    // Every buffer is allocated here, before any VM thread runs, and the
    // clock starts after them (writing them once takes some milliseconds).
    let mut traces: Vec<ThreadTrace> = jobs
        .iter()
        .map(|_| capacity.map_or_else(ThreadTrace::off, ThreadTrace::new))
        .collect();
    let clock = Clock::start();
    for t in &mut traces {
        t.start(clock);
    }
    let start = Instant::now();
    type Ran = Result<(ThreadStats, ThreadTrace), VmError>;
    let results: Vec<Ran> = std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .iter_mut()
            .zip(traces)
            .enumerate()
            .map(|(i, (job, mut trace))| {
                let (shared, heap) = (&shared, &heap);
                s.spawn(move || {
                    if let Some(cpu) = cfg.pin_cpu {
                        pin(cpu)?;
                    }
                    let mut stats = ThreadStats::default();
                    let me = i as u32 + 1;
                    stats.result = exec(shared, heap, program, job, me, &mut stats, &mut trace)?;
                    Ok((stats, trace))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(Err(VmError::Panicked)))
            .collect()
    });
    let elapsed = start.elapsed();
    let elapsed_ns = clock.now_ns();
    let (threads, traces): (Vec<_>, Vec<_>) = results
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .unzip();
    let trace = capacity.map(|_| Trace {
        label: label(program, cfg, jobs.len()),
        threads: traces
            .into_iter()
            .zip(jobs.iter())
            .enumerate()
            .map(|(i, (t, job))| Track {
                name: format!("T{} {}", i + 1, program.funcs[job.func.0 as usize].name),
                record: t.finish(),
            })
            .collect(),
        elapsed_ns,
    });
    Ok(Outcome {
        trace,
        object_counts: heap.objects.counts(),
        overlaps: shared.overlaps(),
        max_inside: shared.max_inside(),
        globals: shared.snapshot(),
        threads,
        elapsed,
    })
}

// The demo's `--trace` collector (`crate::trace::sink`); without the demo,
// no run is traced unless its `RunConfig::trace` asks.
#[cfg(feature = "demo")]
use crate::trace::sink;
#[cfg(not(feature = "demo"))]
mod sink {
    pub(super) fn wanted() -> Option<usize> {
        None
    }
    pub(super) fn collect(_: crate::trace::Trace) {}
}

/// A live allocation of a size that changes from run to run (64 bytes to
/// 4 KiB, from the clock), made just before a run's own allocations: each
/// run of the same setup would otherwise get the same addresses for its
/// objects and its threads' stacks, and a placement that happens to be
/// slow (two hot lines in one cache set, or 4 KiB apart) would slow every
/// repetition alike. With it, repeated runs sample placements, and the
/// fastest of them is not one layout's accident.
pub(crate) fn placement_pad() -> Vec<u8> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    // The low bits of a clock read in nanoseconds: enough spread for this.
    let lines = (nanos.wrapping_mul(2_654_435_761) >> 26) as usize % 64 + 1;
    std::hint::black_box(vec![0u8; lines * 64])
}
