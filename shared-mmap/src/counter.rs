//! Several processes bump one counter in [`SharedAnon`] memory: with an atomic
//! read-modify-write the total is exact; with a separate load and store,
//! increments that interleave are lost.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::anon::SharedAnon;
use crate::error::{Error, Result};
use crate::fork::{Ended, fork_child};

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

/// Forks `procs` children that each increment one shared counter `iters`
/// times, started together by a barrier in the shared memory; returns the final count and the
/// seconds from the last fork to the last exit. Must be called single-threaded.
///
/// ```no_run
/// use shared_mmap::counter::{count, Increment};
/// let (total, _secs) = count(2, 100_000, Increment::Atomic, std::time::Duration::from_secs(10))?;
/// assert_eq!(total, 200_000);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn count(procs: usize, iters: u64, how: Increment, limit: Duration) -> Result<(u64, f64)> {
    // counters()[0]: the count; [1]: children arrived at the start line.
    let shared = SharedAnon::new(2)?;
    let mut children = Vec::with_capacity(procs);
    for _ in 0..procs {
        children.push(fork_child(|| {
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
            for _ in 0..iters {
                bump(&c[0], how);
            }
            0
        })?);
    }
    let start = Instant::now();
    for child in children {
        match child.wait_timeout(limit)? {
            Ended::Exited(0) => {}
            other => return Err(Error::Worker(format!("counting child ended {other:?}"))),
        }
    }
    Ok((
        shared.counters()[0].load(Ordering::Acquire),
        start.elapsed().as_secs_f64(),
    ))
}
