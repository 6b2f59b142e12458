//! The measured kernels of `cost`: lock+unlock loops, queue transfers and
//! signal round trips, each returning seconds and checking its own result.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, mpsc};

use crate::contract::measure::timed;
use crate::durations::WATCHDOG;
use crate::spawn::spawn_each;
use crate::{Event, Lock, Queue, Semaphore};

/// The locks compared.
#[derive(Debug, Clone, Copy)]
pub enum LockKind {
    /// This crate's [`Lock`].
    Ours,
    /// `std::sync::Mutex`.
    Std,
    /// `parking_lot::Mutex`.
    ParkingLot,
}

/// `threads` threads share `n` lock+increment+unlock operations; with one
/// thread this is the uncontended cost. Returns seconds.
pub fn lock_loop(kind: LockKind, threads: u32, n: u64) -> anyhow::Result<f64> {
    let per = lock_ops_done(n, threads) / u64::from(threads);
    let ours = (Lock::new(), AtomicU64::new(0));
    let std_m = Mutex::new(0u64);
    let pl = parking_lot::Mutex::new(0u64);
    // Contenders start together. A thread that cannot start (`ulimit -u`)
    // aborts the barrier, so the ones already waiting leave at once.
    let start = crate::Barrier::new(threads as usize)?.with_timeout(WATCHDOG);
    let (secs, started) = timed(|| {
        std::thread::scope(|s| -> anyhow::Result<()> {
            for _ in 0..threads {
                let spawned = std::thread::Builder::new().spawn_scoped(s, || {
                    if start.wait().is_err() {
                        return;
                    }
                    match kind {
                        LockKind::Ours => {
                            for _ in 0..per {
                                let _g = ours.0.lock();
                                let v = ours.1.load(Ordering::Relaxed);
                                ours.1.store(black_box(v) + 1, Ordering::Relaxed);
                            }
                        }
                        LockKind::Std => {
                            for _ in 0..per {
                                let mut g = std_m.lock().unwrap_or_else(|e| e.into_inner());
                                *g = black_box(*g) + 1;
                            }
                        }
                        LockKind::ParkingLot => {
                            for _ in 0..per {
                                let mut g = pl.lock();
                                *g = black_box(*g) + 1;
                            }
                        }
                    }
                });
                if let Err(e) = spawned {
                    start.abort();
                    anyhow::bail!("starting a contender thread: {e}");
                }
            }
            Ok(())
        })
    });
    started?;
    anyhow::ensure!(!start.broken(), "the contenders did not all start");
    let total = match kind {
        LockKind::Ours => ours.1.load(Ordering::Relaxed),
        LockKind::Std => *std_m.lock().unwrap_or_else(|e| e.into_inner()),
        LockKind::ParkingLot => *pl.lock(),
    };
    anyhow::ensure!(total == per * u64::from(threads), "{kind:?} lost updates");
    Ok(secs)
}

/// The operations `lock_loop` really does for `n` asked of `threads`:
/// an equal share each, at least one.
pub fn lock_ops_done(n: u64, threads: u32) -> u64 {
    (n / u64::from(threads)).max(1) * u64::from(threads)
}

/// The items `transfer` really moves for `items` asked: a multiple of
/// `producers * consumers` (exact shares), at least one share each.
pub fn items_moved(items: u64, producers: u32, consumers: u32) -> u64 {
    let pc = u64::from(producers) * u64::from(consumers);
    (items / pc).max(1) * pc
}

/// The channels compared.
#[derive(Debug, Clone, Copy)]
pub enum ChanKind {
    /// This crate's [`Queue`].
    Ours,
    /// `crossbeam_channel::bounded`.
    Crossbeam,
    /// `std::sync::mpsc::sync_channel` (receiver shared behind a `Mutex`
    /// when there are several consumers: std's receiver is single-consumer).
    Std,
}

/// Moves [`items_moved`]`(items, ..)` u64 from `producers` to `consumers`
/// threads through a channel of `capacity`; each consumer takes an exact
/// share, so no end marker is needed. Checks the sum; returns seconds.
///
/// Every side makes the same kind of call: a blocking send and receive
/// with the watchdog timeout (a clock read per call on each side), except
/// std's `SyncSender`, which has no timed send (its receive is timed).
/// The same holds for CPython's side (`python/cost.py`).
pub fn transfer(
    kind: ChanKind,
    producers: u32,
    consumers: u32,
    capacity: usize,
    items: u64,
) -> anyhow::Result<f64> {
    let (p, c) = (u64::from(producers), u64::from(consumers));
    let items = items_moved(items, producers, consumers);
    let expected = items * (items - 1) / 2;
    let sum = AtomicU64::new(0);
    let q = Queue::new(capacity);
    let (cb_tx, cb_rx) = crossbeam::channel::bounded(capacity);
    let (std_tx, std_rx) = mpsc::sync_channel(capacity);
    let std_rx = Mutex::new(std_rx);
    // Everyone starts together. A thread that cannot start (`ulimit -u`)
    // aborts the barrier, so the ones already waiting leave at once.
    let start = crate::Barrier::new((p + c) as usize)?.with_timeout(WATCHDOG);
    let (secs, ok) = timed(|| {
        std::thread::scope(|s| -> anyhow::Result<bool> {
            let producers = spawn_each(s, p as usize, "producer", |k| {
                let (q, cb_tx, std_tx, start) = (&q, cb_tx.clone(), std_tx.clone(), &start);
                let k = k as u64;
                move || {
                    if start.wait().is_err() {
                        return false;
                    }
                    let mut ok = true;
                    for x in (k..items).step_by(p as usize) {
                        ok &= match kind {
                            ChanKind::Ours => q.put_timeout(x, WATCHDOG).is_ok(),
                            ChanKind::Crossbeam => cb_tx.send_timeout(x, WATCHDOG).is_ok(),
                            ChanKind::Std => std_tx.send(x).is_ok(), // no send_timeout
                        };
                    }
                    ok
                }
            });
            let n = if producers.refused.is_none() { c as usize } else { 0 };
            let consumers = spawn_each(s, n, "consumer", |_| {
                let (q, cb_rx, std_rx, sum, start) = (&q, cb_rx.clone(), &std_rx, &sum, &start);
                move || {
                    if start.wait().is_err() {
                        return false;
                    }
                    let mut local = 0u64;
                    for _ in 0..items / c {
                        let got = match kind {
                            ChanKind::Ours => q.get_timeout(WATCHDOG).ok(),
                            ChanKind::Crossbeam => cb_rx.recv_timeout(WATCHDOG).ok(),
                            ChanKind::Std => std_rx
                                .lock()
                                .ok()
                                .and_then(|rx| rx.recv_timeout(WATCHDOG).ok()),
                        };
                        let Some(x) = got else { return false };
                        local += x;
                    }
                    sum.fetch_add(local, Ordering::Relaxed);
                    true
                }
            });
            if producers.refused.is_some() || consumers.refused.is_some() {
                start.abort();
            }
            let (sent, got) = (producers.join_all(), consumers.join_all());
            Ok(sent?.into_iter().chain(got?).all(|ok| ok))
        })
    });
    let ok = ok?;
    anyhow::ensure!(ok, "{kind:?}: a transfer failed or timed out");
    anyhow::ensure!(sum.into_inner() == expected, "{kind:?}: wrong sum");
    Ok(secs)
}

/// Ping-pong between two threads with two semaphores; returns seconds for
/// `rounds` round trips.
pub fn semaphore_round_trips(rounds: u32) -> anyhow::Result<f64> {
    let (ping, pong) = (Semaphore::new(0), Semaphore::new(0));
    let (secs, ok) = timed(|| {
        std::thread::scope(|s| {
            let echo = std::thread::Builder::new()
                .spawn_scoped(s, || {
                    (0..rounds).all(|_| {
                        let ok = ping.acquire_timeout(WATCHDOG);
                        pong.release(1);
                        ok
                    })
                })
                .map_err(|e| anyhow::anyhow!("starting the echo thread: {e}"))?;
            let ok = (0..rounds).all(|_| {
                ping.release(1);
                pong.acquire_timeout(WATCHDOG)
            });
            anyhow::Ok(ok & echo.join().unwrap_or(false))
        })
    });
    anyhow::ensure!(ok?, "a semaphore round trip timed out");
    Ok(secs)
}

/// Ping-pong with two events (set, wait, clear); returns seconds for
/// `rounds` round trips.
pub fn event_round_trips(rounds: u32) -> anyhow::Result<f64> {
    let (ping, pong) = (Event::new(), Event::new());
    let (secs, ok) = timed(|| {
        std::thread::scope(|s| {
            let echo = std::thread::Builder::new()
                .spawn_scoped(s, || {
                    (0..rounds).all(|_| {
                        let ok = ping.wait(Some(WATCHDOG));
                        ping.clear(); // before answering, so the next ping is not lost
                        pong.set();
                        ok
                    })
                })
                .map_err(|e| anyhow::anyhow!("starting the echo thread: {e}"))?;
            let ok = (0..rounds).all(|_| {
                ping.set();
                let ok = pong.wait(Some(WATCHDOG));
                pong.clear();
                ok
            });
            anyhow::Ok(ok & echo.join().unwrap_or(false))
        })
    });
    anyhow::ensure!(ok?, "an event round trip timed out");
    Ok(secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_sizes_still_move_a_share_each_and_check_out() {
        // --items 3 --pairs 2 once rounded down to 0 items and underflowed.
        assert_eq!(items_moved(3, 2, 2), 4);
        assert_eq!(items_moved(1, 1, 1), 1);
        assert_eq!(items_moved(10, 2, 2), 8);
        assert_eq!(lock_ops_done(1, 4), 4);
        for kind in [ChanKind::Ours, ChanKind::Crossbeam, ChanKind::Std] {
            transfer(kind, 2, 2, 1, 3).unwrap();
            transfer(kind, 1, 1, 1, 1).unwrap();
        }
        for kind in [LockKind::Ours, LockKind::Std, LockKind::ParkingLot] {
            lock_loop(kind, 4, 1).unwrap();
        }
    }
}
