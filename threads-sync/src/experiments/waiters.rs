//! Idle waiters by the thousand, as OS threads or as tokio tasks: what
//! `tasks-vs-threads` measures. Each waiter parks on one shared signal
//! (with a timeout, as every wait in a demo has) until it is released.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::Event;
use crate::contract::measure::timed;
use crate::experiments::rss::{kernel_stack_bytes, rss_bytes};

/// What the waiters are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `std::thread` with the default stack, parked on an [`Event`].
    Threads,
    /// Tasks on a one-thread tokio runtime, awaiting a `tokio::sync::Notify`.
    Tasks,
}

/// Why a growing run stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Resident memory grew past the budget.
    Budget,
    /// It reached the most waiters it was allowed to start.
    Cap,
    /// The OS refused one more (`ulimit -u`, memory): its error.
    Refused(String),
    /// The time limit passed.
    Time,
}

/// One run: how many waiters were parked at once, how long starting them
/// took, and how much resident memory they added together.
#[derive(Debug, Clone, PartialEq)]
pub struct Held {
    /// Waiters parked at the moment memory was read.
    pub parked: usize,
    /// Seconds from the first start to the last one parked.
    pub start_secs: f64,
    /// Resident memory then, less before the first one started.
    pub rss_delta: u64,
    /// The machine's kernel stacks then, less before: a thread's kernel
    /// stack is in no process's resident memory.
    pub kernel_delta: u64,
    /// Why starting ended (after `n` of them: [`Stop::Cap`]).
    pub stop: Stop,
}

impl Held {
    /// Resident bytes per parked waiter.
    pub fn resident_each(&self) -> f64 {
        self.rss_delta as f64 / self.parked.max(1) as f64
    }

    /// Kernel stack bytes per parked waiter.
    pub fn kernel_each(&self) -> f64 {
        self.kernel_delta as f64 / self.parked.max(1) as f64
    }

    /// All the memory one waiter costs: resident plus kernel stack.
    pub fn bytes_each(&self) -> f64 {
        self.resident_each() + self.kernel_each()
    }
}

/// Starts waiters of `kind` in batches of `batch` until `cap` are parked,
/// memory grew past `budget` bytes, the OS refuses one, or `limit` passed;
/// reads memory with all of them parked, then releases and joins them all.
pub fn hold(
    kind: Kind,
    cap: usize,
    budget: u64,
    batch: usize,
    limit: Duration,
) -> anyhow::Result<Held> {
    let deadline = Instant::now() + limit;
    match kind {
        Kind::Threads => threads(cap, budget, batch.max(1), deadline),
        Kind::Tasks => tasks(cap, budget, batch.max(1), deadline),
    }
}

/// Memory now: (resident, kernel stacks).
fn memory() -> (u64, u64) {
    (rss_bytes().unwrap_or(0), kernel_stack_bytes().unwrap_or(0))
}

/// Waits (yielding) until `parked` reaches `n` or `deadline` passes.
fn until_parked(parked: &AtomicUsize, n: usize, deadline: Instant) -> bool {
    while parked.load(Ordering::Acquire) < n {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::yield_now();
    }
    true
}

fn grown(before: u64, budget: u64) -> bool {
    rss_bytes().unwrap_or(0).saturating_sub(before) >= budget
}

/// Memory maps a Rust thread adds: its stack, the stack's guard page, and
/// the alternate signal stack std gives every thread, with its guard.
const MAPS_PER_THREAD: usize = 4;

/// How many more threads fit under `vm.max_map_count`, with room to spare
/// for the rest of the process. Past that limit the mmap of a new thread's
/// signal stack fails inside the new thread, where std cannot even unwind,
/// and the process aborts: the growth must stop before, as a figure.
fn threads_left_by_maps() -> Option<usize> {
    let max: usize = std::fs::read_to_string("/proc/sys/vm/max_map_count")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let used = std::fs::read_to_string("/proc/self/maps")
        .ok()?
        .lines()
        .count();
    Some(max.saturating_sub(used + 1_000) / MAPS_PER_THREAD)
}

fn threads(cap: usize, budget: u64, batch: usize, deadline: Instant) -> anyhow::Result<Held> {
    let maps_room = threads_left_by_maps().unwrap_or(usize::MAX);
    let release = Arc::new(Event::new());
    let parked = Arc::new(AtomicUsize::new(0));
    let before = memory();
    let mut handles = Vec::with_capacity(cap.min(1 << 20));
    let (start_secs, stop) = timed(|| {
        loop {
            if handles.len() >= cap {
                return Stop::Cap;
            }
            if Instant::now() >= deadline {
                return Stop::Time;
            }
            if handles.len() + batch.min(cap - handles.len()) > maps_room {
                return Stop::Refused(format!(
                    "vm.max_map_count would be reached (a thread maps {MAPS_PER_THREAD} areas)"
                ));
            }
            for _ in 0..batch.min(cap - handles.len()) {
                let (release, parked) = (Arc::clone(&release), Arc::clone(&parked));
                let wait = deadline.saturating_duration_since(Instant::now());
                let spawned = std::thread::Builder::new().spawn(move || {
                    parked.fetch_add(1, Ordering::Release);
                    release.wait(Some(wait))
                });
                match spawned {
                    Ok(h) => handles.push(h),
                    Err(e) => return Stop::Refused(e.to_string()),
                }
            }
            if !until_parked(&parked, handles.len(), deadline) {
                return Stop::Time;
            }
            if grown(before.0, budget) {
                return Stop::Budget;
            }
        }
    });
    until_parked(&parked, handles.len(), deadline);
    let now = memory();
    let held = Held {
        parked: parked.load(Ordering::Acquire),
        start_secs,
        rss_delta: now.0.saturating_sub(before.0),
        kernel_delta: now.1.saturating_sub(before.1),
        stop,
    };
    release.set();
    let released = handles
        .into_iter()
        .filter_map(|h| h.join().ok())
        .filter(|&woke| woke)
        .count();
    anyhow::ensure!(
        released == held.parked,
        "{} of {} waiter threads were not released in time",
        held.parked - released,
        held.parked
    );
    Ok(held)
}

fn tasks(cap: usize, budget: u64, batch: usize, deadline: Instant) -> anyhow::Result<Held> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    let release = Arc::new(tokio::sync::Notify::new());
    let parked = Arc::new(AtomicUsize::new(0));
    let until = tokio::time::Instant::from_std(deadline);
    let before = memory();
    let (held, handles) = rt.block_on(async {
        let mut handles = Vec::with_capacity(cap.min(1 << 22));
        let (start_secs, stop) = {
            let start = Instant::now();
            let stop = loop {
                if handles.len() >= cap {
                    break Stop::Cap;
                }
                if Instant::now() >= deadline {
                    break Stop::Time;
                }
                for _ in 0..batch.min(cap - handles.len()) {
                    let (release, parked) = (Arc::clone(&release), Arc::clone(&parked));
                    // No timer per waiter (that would be a second allocation
                    // each): the wait for the whole group below is bounded.
                    handles.push(tokio::spawn(async move {
                        let notified = release.notified();
                        parked.fetch_add(1, Ordering::Release);
                        notified.await;
                    }));
                }
                // Let every new task run to its first await.
                while parked.load(Ordering::Acquire) < handles.len() && Instant::now() < deadline {
                    tokio::task::yield_now().await;
                }
                if grown(before.0, budget) {
                    break Stop::Budget;
                }
            };
            (start.elapsed().as_secs_f64(), stop)
        };
        let now = memory();
        let held = Held {
            parked: parked.load(Ordering::Acquire),
            start_secs,
            rss_delta: now.0.saturating_sub(before.0),
            kernel_delta: now.1.saturating_sub(before.1),
            stop,
        };
        release.notify_waiters();
        let mut released = 0;
        for h in handles.drain(..) {
            match tokio::time::timeout_at(until, h).await {
                Ok(Ok(())) => released += 1,
                Ok(Err(_)) => {}
                Err(_) => break, // the rest are dropped with the runtime
            }
        }
        (held, released)
    });
    anyhow::ensure!(
        handles == held.parked,
        "{} of {} waiter tasks were not released in time",
        held.parked - handles,
        held.parked
    );
    Ok(held)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_waiter_parks_and_is_released() {
        for kind in [Kind::Threads, Kind::Tasks] {
            let h = hold(kind, 50, u64::MAX, 20, Duration::from_secs(20)).unwrap();
            assert_eq!((h.parked, &h.stop), (50, &Stop::Cap), "{kind:?}");
        }
    }

    #[test]
    fn a_budget_stops_the_growth() {
        let h = hold(Kind::Tasks, 1 << 20, 1, 100, Duration::from_secs(20)).unwrap();
        assert_eq!(h.stop, Stop::Budget);
        assert!(h.parked < 1 << 20);
    }
}
