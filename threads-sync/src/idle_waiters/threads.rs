//! The waiters as OS threads: `std::thread` with the default stack, each
//! parked on an [`Event`], started while the process has memory maps to
//! spare for them.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use super::Growth;
use super::held::{Held, Stop};
use super::readings::{grown, held_since, memory};
use crate::Event;
use crate::contract::measure::timed;

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

/// Starts threads in batches until `growth` or the OS stops them; reads
/// memory, then releases and joins every one.
pub(super) fn run(Growth { cap, budget, batch, deadline }: Growth) -> anyhow::Result<Held> {
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
            let n = batch.min(cap - handles.len());
            if handles.len() + n > maps_room {
                return Stop::Refused(format!(
                    "vm.max_map_count would be reached (a thread maps {MAPS_PER_THREAD} areas)"
                ));
            }
            for _ in 0..n {
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
    let held = held_since(before, parked.load(Ordering::Acquire), start_secs, stop);
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
