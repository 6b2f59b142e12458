//! The waiters as tokio tasks on a one-thread runtime, each awaiting one
//! shared `tokio::sync::Notify`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use super::Growth;
use super::held::{Held, Stop};
use super::readings::{grown, held_since, memory};

/// Starts tasks in batches until `growth` stops them; reads memory, then
/// releases and awaits every one.
pub(super) fn run(Growth { cap, budget, batch, deadline }: Growth) -> anyhow::Result<Held> {
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
        let held = held_since(before, parked.load(Ordering::Acquire), start_secs, stop);
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
