//! Stress tests with invariants: many threads, many operations, and a check
//! that would catch a lost update, an over-admission, a lost item, or a
//! barrier cycle out of step. Sized to run in debug builds. The queues'
//! stress tests are in `queue_stress.rs`.
#![cfg(not(threads_sync_loom))]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use common::PATIENCE;
use threads_sync::{Barrier, Condition, Event, Lock, RLock, Semaphore};

const THREADS: usize = 8;
const OPS: usize = 100_000;
const PERMITS: usize = 3;
/// The bound of the condition's buffer.
const CAPACITY: usize = 16;

#[test]
fn lock_loses_no_update() {
    let lock = Lock::new();
    let counter = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..OPS {
                    let _g = lock.lock();
                    // A read-modify-write in two steps: only the lock makes it safe.
                    let v = counter.load(Ordering::Relaxed);
                    counter.store(v + 1, Ordering::Relaxed);
                }
            });
        }
    });
    assert_eq!(counter.into_inner(), THREADS * OPS);
}

#[test]
fn lock_with_timeouts_and_foreign_releases_stays_exclusive() {
    // Every fourth holder hands the lock to a releaser thread, which leaves
    // the critical section and releases it: a release from a thread that
    // never acquired, racing with timed and patient acquires.
    let lock = Lock::new();
    let inside = AtomicUsize::new(0);
    let entered = AtomicUsize::new(0);
    let (handover, handed) = mpsc::channel::<()>();
    let foreign = std::thread::scope(|s| {
        let (held, inside_r) = (&lock, &inside);
        let releaser = s.spawn(move || {
            let mut released = 0usize;
            loop {
                match handed.recv_timeout(PATIENCE) {
                    Ok(()) => {
                        assert_eq!(inside_r.fetch_sub(1, Ordering::SeqCst), 1, "two holders");
                        held.release().expect("a handed-over lock is held");
                        released += 1;
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => return released,
                    Err(mpsc::RecvTimeoutError::Timeout) => panic!("a hand-over got lost"),
                }
            }
        });
        for t in 0..THREADS {
            let (lock, inside, entered) = (&lock, &inside, &entered);
            let handover = handover.clone();
            s.spawn(move || {
                for i in 0..OPS / 4 {
                    // Timed either way, so a lost wake-up fails, not hangs.
                    let got = if (t + i) % 3 == 0 {
                        lock.acquire_timeout(Duration::from_micros(50))
                    } else {
                        assert!(lock.acquire_timeout(PATIENCE), "lock never came free");
                        true
                    };
                    if got {
                        assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two holders");
                        entered.fetch_add(1, Ordering::Relaxed);
                        if (t + i) % 4 == 0 {
                            handover.send(()).unwrap();
                        } else {
                            inside.fetch_sub(1, Ordering::SeqCst);
                            lock.release().unwrap();
                        }
                    }
                }
            });
        }
        drop(handover);
        releaser.join().unwrap()
    });
    assert!(entered.into_inner() > 0);
    assert!(foreign > 0, "no release came from another thread");
    assert!(!lock.locked());
}

#[test]
fn rlock_recursion_stays_exclusive() {
    let r = RLock::new();
    let counter = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..OPS / 4 {
                    let _a = r.lock();
                    let _b = r.lock();
                    let v = counter.load(Ordering::Relaxed);
                    counter.store(v + 1, Ordering::Relaxed);
                }
            });
        }
    });
    assert_eq!(counter.into_inner(), THREADS * OPS / 4);
}

#[test]
fn semaphore_never_over_admits() {
    let sem = Semaphore::new(PERMITS);
    let inside = AtomicUsize::new(0);
    let max_inside = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..OPS / 4 {
                    let _p = sem.permit();
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    max_inside.fetch_max(now, Ordering::SeqCst);
                    assert!(now <= PERMITS, "{now} threads inside a pool of {PERMITS}");
                    inside.fetch_sub(1, Ordering::SeqCst);
                }
            });
        }
    });
    assert!(max_inside.into_inner() <= PERMITS);
    assert_eq!(sem.value(), PERMITS);
}

#[test]
fn condition_bounded_buffer_keeps_its_bound_and_every_item() {
    let cond = Condition::new();
    let buf = Mutex::new(Vec::new()); // only touched with cond's lock held
    let sum = AtomicUsize::new(0);
    const PRODUCED: usize = OPS / 4;
    std::thread::scope(|s| {
        for _ in 0..THREADS / 2 {
            s.spawn(|| {
                for i in 1..=PRODUCED {
                    let _g = cond.lock();
                    assert!(
                        cond.wait_for(|| buf.lock().unwrap().len() < CAPACITY, Some(PATIENCE))
                            .unwrap()
                    );
                    buf.lock().unwrap().push(i);
                    cond.notify_all().unwrap();
                }
            });
            s.spawn(|| {
                for _ in 1..=PRODUCED {
                    let _g = cond.lock();
                    assert!(
                        cond.wait_for(|| !buf.lock().unwrap().is_empty(), Some(PATIENCE))
                            .unwrap()
                    );
                    let v = buf.lock().unwrap().pop().unwrap();
                    sum.fetch_add(v, Ordering::Relaxed);
                    cond.notify_all().unwrap();
                }
            });
        }
    });
    assert_eq!(
        sum.into_inner(),
        THREADS / 2 * PRODUCED * (PRODUCED + 1) / 2
    );
}

#[test]
fn barrier_cycles_and_event_rounds_stay_in_step() {
    const CYCLES: usize = 300;
    let phase = Arc::new(AtomicUsize::new(0));
    let p = Arc::clone(&phase);
    let b = Barrier::new(THREADS).unwrap().with_action(move || {
        p.fetch_add(1, Ordering::SeqCst);
    });
    let e = Event::new();
    std::thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                assert!(e.wait(Some(PATIENCE)));
                for cycle in 0..CYCLES {
                    assert_eq!(phase.load(Ordering::SeqCst), 2 * cycle);
                    b.wait_timeout(PATIENCE).unwrap();
                    b.wait_timeout(PATIENCE).unwrap();
                    // Nobody can start the next cycle before this thread does.
                    assert_eq!(phase.load(Ordering::SeqCst), 2 * cycle + 2);
                }
            });
        }
        e.set();
    });
    assert_eq!(phase.load(Ordering::SeqCst), 2 * CYCLES);
}
