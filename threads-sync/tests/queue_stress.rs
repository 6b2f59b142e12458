//! Stress tests of `Queue` with invariants: many threads, many items, and
//! a check that would catch a lost or duplicated item, items of one
//! producer out of order, or a `join` that returns early. Sized to run in
//! debug builds.
#![cfg(not(threads_sync_loom))]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::PATIENCE;
use threads_sync::{GetError, Queue};

const THREADS: usize = 8;
const ITEMS_PER_PRODUCER: usize = 50_000;
const CAPACITY: usize = 16;

/// Shuts a queue down if its thread unwinds: a failed assertion in one
/// thread then ends the others' waits, and the test fails instead of hanging.
struct ShutdownOnPanic<'a, T>(&'a Queue<T>);

impl<T> Drop for ShutdownOnPanic<'_, T> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.shutdown(true);
        }
    }
}

/// `get` with the test's patience: `None` once shut down, a panic if no
/// item comes for that long.
fn next<T>(q: &Queue<T>) -> Option<T> {
    match q.get_timeout(PATIENCE) {
        Ok(x) => Some(x),
        Err(GetError::ShutDown) => None,
        Err(GetError::Empty) => panic!("no item for {PATIENCE:?}: lost or wake-up missed"),
    }
}

#[test]
fn queue_neither_loses_nor_duplicates_items() {
    const PRODUCERS: usize = THREADS / 2;
    let q = Queue::new(CAPACITY);
    let seen: Vec<AtomicUsize> = (0..PRODUCERS * ITEMS_PER_PRODUCER)
        .map(|_| AtomicUsize::new(0))
        .collect();
    std::thread::scope(|s| {
        let _guard = ShutdownOnPanic(&q);
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                let q = &q;
                s.spawn(move || {
                    let _guard = ShutdownOnPanic(q);
                    for i in 0..ITEMS_PER_PRODUCER {
                        q.put_timeout(p * ITEMS_PER_PRODUCER + i, PATIENCE).unwrap();
                    }
                })
            })
            .collect();
        let consumers: Vec<_> = (0..THREADS - PRODUCERS)
            .map(|_| {
                s.spawn(|| {
                    let _guard = ShutdownOnPanic(&q);
                    let mut last_per_producer = [None; PRODUCERS];
                    while let Some(x) = next(&q) {
                        seen[x].fetch_add(1, Ordering::Relaxed);
                        // FIFO: one producer's items arrive in order.
                        let p = x / ITEMS_PER_PRODUCER;
                        assert!(last_per_producer[p] < Some(x), "out of order");
                        last_per_producer[p] = Some(x);
                        q.task_done().unwrap();
                    }
                })
            })
            .collect();
        for p in producers {
            p.join().unwrap();
        }
        assert!(q.join_timeout(PATIENCE * 6));
        q.shutdown(false);
        for c in consumers {
            c.join().unwrap();
        }
    });
    assert!(seen.iter().all(|n| n.load(Ordering::Relaxed) == 1));
}

#[test]
fn join_returns_exactly_when_all_tasks_are_done() {
    const ROUNDS: usize = 20;
    const TASKS: usize = 500;
    let q = Queue::new(0);
    let done = AtomicUsize::new(0);
    std::thread::scope(|s| {
        let _guard = ShutdownOnPanic(&q);
        for _ in 0..THREADS {
            s.spawn(|| {
                let _guard = ShutdownOnPanic(&q);
                while next(&q).is_some() {
                    done.fetch_add(1, Ordering::SeqCst);
                    q.task_done().unwrap();
                }
            });
        }
        for round in 1..=ROUNDS {
            for i in 0..TASKS {
                q.put(i).unwrap(); // unbounded: never blocks
            }
            assert!(q.join_timeout(PATIENCE));
            assert_eq!(
                done.load(Ordering::SeqCst),
                round * TASKS,
                "join returned early"
            );
        }
        q.shutdown(false);
    });
}
