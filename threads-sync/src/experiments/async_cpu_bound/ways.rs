//! The ways `async-cpu-bound` runs the same CPU-bound work: sequentially,
//! as tokio tasks on one loop or on a multi-thread runtime, through
//! `spawn_blocking`, and on plain threads; each returns the work's sum.

use std::time::Duration;

use crate::async_io::offload::blocking;
use crate::busy_work::busy;

/// The ways the same work runs.
pub(super) const WAYS: [&str; 5] = [
    "sequential",
    "tasks, current-thread runtime",
    "tasks, multi-thread runtime",
    "spawn_blocking from one loop",
    "plain threads",
];

/// The whole work, sequentially: the sum of every piece's result.
pub(super) fn work_sum(tasks: u32, rounds: u32) -> u64 {
    (0..tasks)
        .map(|t| busy(u64::from(t), rounds))
        .fold(0, u64::wrapping_add)
}

/// Runs the work the `way`-th way ([`WAYS`]); returns the sum.
pub(super) fn run_way(way: usize, tasks: u32, rounds: u32, cores: usize) -> anyhow::Result<u64> {
    match way {
        0 => Ok(work_sum(tasks, rounds)),
        1 | 3 => {
            let rt = tokio::runtime::Builder::new_current_thread().build()?;
            let sum = rt.block_on(async {
                let mut handles = Vec::new();
                for t in (0..tasks).map(u64::from) {
                    handles.push(if way == 1 {
                        // No await inside: the task holds the loop until done.
                        tokio::spawn(async move { Ok(busy(t, rounds)) })
                    } else {
                        tokio::spawn(blocking(move || busy(t, rounds)))
                    });
                }
                let mut sum = 0u64;
                for h in handles {
                    sum = sum.wrapping_add(h.await.map_err(|e| anyhow::anyhow!("{e}"))??);
                }
                Ok::<_, anyhow::Error>(sum)
            });
            rt.shutdown_timeout(Duration::from_secs(5));
            sum
        }
        2 => {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(cores)
                .build()?;
            let sum = rt.block_on(async {
                let handles: Vec<_> = (0..tasks)
                    .map(|t| tokio::spawn(async move { busy(u64::from(t), rounds) }))
                    .collect();
                let mut sum = 0u64;
                for h in handles {
                    sum = sum.wrapping_add(h.await.map_err(|e| anyhow::anyhow!("{e}"))?);
                }
                Ok::<_, anyhow::Error>(sum)
            });
            rt.shutdown_timeout(Duration::from_secs(5));
            sum
        }
        _ => std::thread::scope(|s| {
            let mut handles = Vec::new();
            for t in 0..tasks {
                handles.push(
                    std::thread::Builder::new()
                        .spawn_scoped(s, move || busy(u64::from(t), rounds))
                        .map_err(|e| anyhow::anyhow!("starting a thread: {e}"))?,
                );
            }
            handles.into_iter().try_fold(0u64, |sum, h| {
                let v = h.join().map_err(|_| anyhow::anyhow!("a worker panicked"))?;
                Ok(sum.wrapping_add(v))
            })
        }),
    }
}
