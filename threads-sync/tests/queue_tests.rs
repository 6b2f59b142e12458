//! CPython's `test_queue.py`, ported: order of the three kinds, full and
//! empty, blocking and timed put/get, and task_done/join. 3.13's shutdown
//! is in `queue_shutdown_tests.rs`.
#![cfg(not(threads_sync_loom))]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use common::{PATIENCE, assert_took, eventually, ms};
use threads_sync::{
    BaseQueue, GetError, LifoQueue, PriorityQueue, PutError, Queue, TooManyTaskDone,
};

const QUEUE_SIZE: usize = 5;

fn drain<T, S: threads_sync::queue::Store<T>>(q: &BaseQueue<T, S>) -> Vec<T> {
    std::iter::from_fn(|| q.get_nowait().ok()).collect()
}

#[test]
fn the_three_kinds_hand_items_out_in_their_order() {
    // test_queue.BaseQueueTestMixin.simple_queue_test
    let (f, l, p) = (Queue::new(0), LifoQueue::new(0), PriorityQueue::new(0));
    for x in [111, 333, 222] {
        f.put(x).unwrap();
        l.put(x).unwrap();
        p.put(x).unwrap();
    }
    assert_eq!(drain(&f), [111, 333, 222]);
    assert_eq!(drain(&l), [222, 333, 111]);
    assert_eq!(drain(&p), [111, 222, 333]);
}

#[test]
fn full_and_empty_and_qsize() {
    let q = Queue::new(QUEUE_SIZE);
    assert!(q.empty() && !q.full());
    for i in 0..QUEUE_SIZE {
        assert_eq!(q.qsize(), i);
        q.put(i).unwrap();
    }
    assert!(q.full() && !q.empty());
    assert_eq!(q.put_nowait(99), Err(PutError::Full(99)));
    let start = Instant::now();
    assert_eq!(q.put_timeout(98, ms(100)), Err(PutError::Full(98)));
    assert_took(start.elapsed(), ms(100));
    assert_eq!(drain(&q), (0..QUEUE_SIZE).collect::<Vec<_>>());
    assert_eq!(q.get_nowait(), Err(GetError::Empty));
    let start = Instant::now();
    assert_eq!(q.get_timeout(ms(100)), Err(GetError::Empty));
    assert_took(start.elapsed(), ms(100));
}

#[test]
fn an_unbounded_queue_is_never_full() {
    let q = Queue::new(0);
    for i in 0..1000 {
        q.put_nowait(i).unwrap();
    }
    assert!(!q.full());
    assert_eq!(q.maxsize(), 0);
}

#[test]
fn a_blocked_put_proceeds_once_a_get_makes_room() {
    let q = Queue::new(1);
    q.put(1).unwrap();
    std::thread::scope(|s| {
        let h = s.spawn(|| q.put_timeout(2, PATIENCE));
        eventually("the put to park", || q.waiting_putters() == 1);
        assert_eq!(q.get_nowait(), Ok(1));
        assert!(h.join().unwrap().is_ok());
    });
    assert_eq!(q.get_nowait(), Ok(2));
}

#[test]
fn a_blocked_get_proceeds_once_a_put_arrives() {
    let q = Queue::new(0);
    std::thread::scope(|s| {
        let h = s.spawn(|| q.get_timeout(PATIENCE));
        eventually("the get to park", || q.waiting_getters() == 1);
        q.put("x").unwrap();
        assert_eq!(h.join().unwrap(), Ok("x"));
    });
}

#[test]
fn task_done_and_join_with_workers() {
    // test_queue.BaseQueueTestMixin.queue_join_test, twice
    let q = Queue::new(0);
    let cum = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                // Timed: if an assertion below fails, the workers still end.
                while let Ok(x) = q.get_timeout(PATIENCE) {
                    cum.fetch_add(x, Ordering::SeqCst);
                    q.task_done().unwrap();
                }
            });
        }
        for round in 0..2 {
            for x in 0..100 {
                q.put(x).unwrap();
            }
            assert!(q.join_timeout(PATIENCE));
            assert_eq!(cum.load(Ordering::SeqCst), 4950 * (round + 1));
        }
        q.shutdown(false);
    });
}

#[test]
fn too_many_task_done_is_an_error() {
    let q = Queue::new(0);
    assert_eq!(q.task_done(), Err(TooManyTaskDone));
    q.put(1).unwrap();
    q.get().unwrap();
    q.task_done().unwrap();
    assert_eq!(q.task_done(), Err(TooManyTaskDone));
    q.join(); // nothing unfinished: returns at once
}

#[test]
fn join_waits_for_task_done_not_for_get() {
    let q = Queue::new(0);
    q.put(1).unwrap();
    q.get().unwrap();
    assert!(!q.join_timeout(ms(20)), "got but not done");
    q.task_done().unwrap();
    assert!(q.join_timeout(ms(20)));
}

#[test]
fn lifo_and_priority_respect_maxsize() {
    let l = LifoQueue::new(2);
    l.put(1).unwrap();
    l.put(2).unwrap();
    assert!(matches!(l.put_nowait(3), Err(PutError::Full(3))));
    let p = PriorityQueue::new(2);
    p.put((2, "b")).unwrap();
    p.put((1, "a")).unwrap();
    assert!(p.full());
    assert_eq!(p.get(), Ok((1, "a")));
}
