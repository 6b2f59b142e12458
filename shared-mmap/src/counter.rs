//! Several processes bump one counter in [`SharedAnon`] memory: with an atomic
//! read-modify-write the total is exact; with a separate load and store,
//! increments that interleave are lost.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::anon::SharedAnon;
use crate::error::{Error, Result};
use crate::fork::{ExitCause, fork_child};

/// How long a child waits for the start flag before giving up.
const START_WAIT: Duration = Duration::from_secs(10);

/// How each increment is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Increment {
    /// `fetch_add`: one indivisible read-modify-write.
    Atomic,
    /// `load` then `store`: two steps another process can slip between.
    LoadStore,
}

fn bump(c: &AtomicU64, how: Increment) {
    match how {
        Increment::Atomic => {
            c.fetch_add(1, Ordering::Relaxed);
        }
        Increment::LoadStore => {
            // `black_box` keeps the compiler from fusing the loop's loads and
            // stores into one: each increment really reads, then writes.
            let c = std::hint::black_box(c);
            let v = c.load(Ordering::Relaxed);
            c.store(v + 1, Ordering::Relaxed);
        }
    }
}

/// Increments between two looks at the clock.
const CHUNK: u64 = 1024;

/// What one [`count`] run measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Counted {
    /// The shared counter's final value.
    pub total: u64,
    /// Increments the children made, each counted privately: what `total`
    /// should be.
    pub expected: u64,
    /// Seconds during which all children were counting at once (0: they
    /// ran one after another, and no update could be lost).
    pub overlap: f64,
    /// CPU time the children spent counting, summed, over the wall-clock
    /// span from the first start to the last end: about the number of CPUs
    /// they really ran on at once. Near 1 on a busy machine means they took
    /// turns on one core even though their windows overlapped.
    pub parallelism: f64,
}

impl Counted {
    /// Increments that did not reach the shared counter.
    pub fn lost(&self) -> u64 {
        self.expected.saturating_sub(self.total)
    }
}

/// CPU time this process has used, in nanoseconds (0 if unavailable).
fn cpu_ns() -> u64 {
    use nix::time::{ClockId, clock_gettime};
    clock_gettime(ClockId::CLOCK_PROCESS_CPUTIME_ID).map_or(0, |t| {
        (t.tv_sec() as u64)
            .saturating_mul(1_000_000_000)
            .saturating_add(t.tv_nsec() as u64)
    })
}

/// The CPUs this process may run on, in order (empty if unknown).
fn allowed_cpus() -> Vec<usize> {
    use nix::sched::{CpuSet, sched_getaffinity};
    let Ok(set) = sched_getaffinity(nix::unistd::Pid::from_raw(0)) else {
        return Vec::new();
    };
    (0..CpuSet::count())
        .filter(|&c| set.is_set(c).unwrap_or(false))
        .collect()
}

/// Pins the calling process to `cpu` (best effort: a refusal only leaves
/// the placement to the scheduler). A forked child starts on its parent's
/// CPU and the scheduler spreads such children only after a while, so
/// without this, children that count for 100 ms often share one core.
fn pin_to(cpu: usize) {
    use nix::sched::{CpuSet, sched_setaffinity};
    let mut set = CpuSet::new();
    if set.set(cpu).is_ok() {
        let _ = sched_setaffinity(nix::unistd::Pid::from_raw(0), &set);
    }
}

/// Nanoseconds on the system-wide clock, comparable between processes.
fn now_ns() -> u64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.map_or(0, |d| d.as_nanos() as u64)
}

/// Forks `procs` children that increment one shared counter for `window`,
/// each pinned to one of the allowed CPUs in turn, started together by a
/// barrier in the shared memory. Each child also
/// counts its own increments privately and records when it counted, so the
/// caller knows the exact expected total and whether the children ran at
/// the same time. Must be called single-threaded.
///
/// ```no_run
/// use std::time::Duration;
/// use shared_mmap::counter::{count, Increment};
/// let run = count(2, Duration::from_millis(20), Increment::Atomic, Duration::from_secs(10))?;
/// assert_eq!(run.total, run.expected);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn count(procs: usize, window: Duration, how: Increment, limit: Duration) -> Result<Counted> {
    // [0]: the count; [1]: children arrived at the start line; for child i:
    // [2 + 4i] its own increments, [3 + 4i] and [4 + 4i] its start and end
    // on the system clock (ns), [5 + 4i] the CPU time it spent counting (ns).
    let shared = SharedAnon::new(2 + 4 * procs)?;
    let cpus = allowed_cpus();
    let mut children = Vec::with_capacity(procs);
    for i in 0..procs {
        children.push(fork_child(|| {
            if !cpus.is_empty() {
                pin_to(cpus[i % cpus.len()]);
            }
            let c = shared.counters();
            let deadline = Instant::now() + START_WAIT;
            // A barrier in shared memory: all start together, so they overlap.
            c[1].fetch_add(1, Ordering::AcqRel);
            while c[1].load(Ordering::Acquire) < procs as u64 {
                if Instant::now() >= deadline {
                    return 3;
                }
                std::hint::spin_loop();
            }
            c[3 + 4 * i].store(now_ns(), Ordering::Relaxed);
            let cpu_start = cpu_ns();
            let (stop, mut mine) = (Instant::now() + window, 0u64);
            while Instant::now() < stop {
                for _ in 0..CHUNK {
                    bump(&c[0], how);
                }
                mine += CHUNK;
            }
            c[5 + 4 * i].store(cpu_ns().saturating_sub(cpu_start), Ordering::Relaxed);
            c[4 + 4 * i].store(now_ns(), Ordering::Relaxed);
            c[2 + 4 * i].store(mine, Ordering::Relaxed);
            0
        })?);
    }
    for child in children {
        match child.wait_timeout(limit)? {
            ExitCause::Exited(0) => {}
            other => return Err(Error::Worker(format!("counting child ended {other:?}"))),
        }
    }
    // The children have been reaped: their last stores are visible.
    let c = shared.counters();
    let field = |k: usize| (0..procs).map(move |i| c[k + 4 * i].load(Ordering::Relaxed));
    let (first_end, last_start) = (field(4).min().unwrap_or(0), field(3).max().unwrap_or(0));
    let (first_start, last_end) = (field(3).min().unwrap_or(0), field(4).max().unwrap_or(0));
    let span = last_end.saturating_sub(first_start).max(1) as f64;
    Ok(Counted {
        total: c[0].load(Ordering::Acquire),
        expected: field(2).sum(),
        overlap: first_end.saturating_sub(last_start) as f64 * 1e-9,
        parallelism: field(5).map(|n| n as f64).sum::<f64>() / span,
    })
}
