//! CPython's `test_queue.py`, ported: order of the three kinds, full and
//! empty, blocking and timed put/get, task_done/join, and 3.13's shutdown.
#![cfg(not(threads_sync_loom))]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use common::{PATIENCE, assert_took, eventually, ms};
use threads_sync::{
    BaseQueue, GetError, LifoQueue, PriorityQueue, PutError, Queue, ShutDown, TooManyTaskDone,
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
fn shutdown_refuses_puts_and_lets_gets_drain() {
    let q = Queue::new(0);
    q.put(1).unwrap();
    q.put(2).unwrap();
    q.shutdown(false);
    assert!(q.is_shutdown());
    assert_eq!(q.put(3), Err(ShutDown(3)));
    assert_eq!(q.put_nowait(4), Err(PutError::ShutDown(4)));
    assert_eq!(q.get(), Ok(1));
    assert_eq!(q.get_nowait(), Ok(2));
    assert_eq!(q.get(), Err(ShutDown(())));
    assert_eq!(q.get_timeout(ms(1)), Err(GetError::ShutDown));
    assert_eq!(
        q.unfinished_tasks(),
        2,
        "non-immediate keeps the task count"
    );
}

#[test]
fn immediate_shutdown_drops_items_and_releases_join() {
    let q = Queue::new(0);
    for i in 0..3 {
        q.put(i).unwrap();
    }
    std::thread::scope(|s| {
        let joiner = s.spawn(|| q.join_timeout(PATIENCE));
        eventually("the join to park", || q.waiting_joiners() == 1);
        q.shutdown(true);
        assert!(joiner.join().unwrap());
    });
    assert_eq!(q.qsize(), 0);
    assert_eq!(q.get_nowait(), Err(GetError::ShutDown));
}

#[test]
fn shutdown_wakes_blocked_getters_and_putters() {
    let empty: Queue<u8> = Queue::new(1);
    let full = Queue::new(1);
    full.put(0u8).unwrap();
    let full = &full;
    std::thread::scope(|s| {
        // Timed, so that a lost wake-up fails the test instead of hanging it.
        let getters: Vec<_> = (0..3)
            .map(|_| s.spawn(|| empty.get_timeout(PATIENCE)))
            .collect();
        let putters: Vec<_> = (1..4)
            .map(|i| s.spawn(move || full.put_timeout(i, PATIENCE)))
            .collect();
        // Parked, not merely started: the shutdown must wake sleepers.
        eventually("getters to park", || empty.waiting_getters() == 3);
        eventually("putters to park", || full.waiting_putters() == 3);
        empty.shutdown(false);
        full.shutdown(false);
        for g in getters {
            assert_eq!(g.join().unwrap(), Err(GetError::ShutDown));
        }
        for (p, i) in putters.into_iter().zip(1..) {
            assert_eq!(
                p.join().unwrap(),
                Err(PutError::ShutDown(i)),
                "the item comes back"
            );
        }
    });
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

/// test_queue.BaseQueueTestMixin._shutdown_put_join: a blocked `put`
/// fails with the item, `join` returns once the last item is gone.
fn check_shutdown_put_join(immediate: bool) {
    let q = Queue::new(2);
    q.put("Y").unwrap();
    q.put("X").unwrap(); // full: the next put blocks
    std::thread::scope(|s| {
        let putter = s.spawn(|| q.put_timeout("E", PATIENCE));
        let joiner = s.spawn(|| q.join_timeout(PATIENCE));
        eventually("the put to park", || q.waiting_putters() == 1);
        eventually("the join to park", || q.waiting_joiners() == 1);
        assert_eq!(q.unfinished_tasks(), 2);
        q.shutdown(immediate);
        if immediate {
            assert_eq!(q.get_nowait(), Err(GetError::ShutDown));
        } else {
            for expected in ["Y", "X"] {
                assert_eq!(q.get_timeout(PATIENCE), Ok(expected));
                q.task_done().unwrap();
            }
        }
        assert_eq!(putter.join().unwrap(), Err(PutError::ShutDown("E")));
        assert!(joiner.join().unwrap(), "join returned");
    });
    assert_eq!(q.unfinished_tasks(), 0);
}

#[test]
fn shutdown_put_join() {
    check_shutdown_put_join(false);
}

#[test]
fn shutdown_immediate_put_join() {
    check_shutdown_put_join(true);
}

#[test]
fn shutdown_get_task_done_join() {
    // test_queue.BaseQueueTestMixin.test_shutdown_get_task_done_join
    let q = Queue::new(2);
    q.put("Y").unwrap();
    q.put("D").unwrap();
    assert_eq!(q.unfinished_tasks(), q.qsize());
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let got = q.get_timeout(PATIENCE).is_ok();
                    got && q.task_done().is_ok()
                })
            })
            .collect();
        let joiners: Vec<_> = (0..2)
            .map(|_| s.spawn(|| q.join_timeout(PATIENCE)))
            .collect();
        q.shutdown(false);
        for h in workers.into_iter().chain(joiners) {
            assert!(h.join().unwrap());
        }
    });
}

/// How many times the putter-vs-shutdown race is run: each round takes
/// well under a millisecond, and the window it aims at (a putter between
/// its spin rounds, its mutex dropped) is hit within a few hundred.
const SHUTDOWN_RACE_ROUNDS: usize = 2_000;

#[test]
fn a_putter_racing_shutdown_never_gets_in_and_never_hangs() {
    // A putter on a full queue while another thread shuts it down and then
    // makes room: whenever the shutdown lands, the put must fail with its
    // item, and promptly (a putter that parks after the shutdown's wake-up
    // would sleep until its timeout).
    for round in 0..SHUTDOWN_RACE_ROUNDS {
        let q = Queue::new(1);
        q.put(0usize).unwrap();
        std::thread::scope(|s| {
            let putter = s.spawn(|| {
                let start = std::time::Instant::now();
                (q.put_timeout(1, PATIENCE), start.elapsed())
            });
            for _ in 0..round % 64 {
                std::hint::spin_loop();
            }
            if round % 2 == 0 {
                std::thread::yield_now();
            }
            q.shutdown(false);
            assert_eq!(q.get_timeout(PATIENCE), Ok(0), "the item put before stays");
            let (put, took) = putter.join().unwrap();
            assert_eq!(
                put,
                Err(PutError::ShutDown(1)),
                "round {round}: put after shutdown"
            );
            assert!(
                took < PATIENCE / 2,
                "round {round}: the putter slept {took:?}"
            );
        });
        assert_eq!(q.qsize(), 0, "round {round}");
        assert_eq!(
            q.unfinished_tasks(),
            1,
            "round {round}: only the first item counts"
        );
    }
}
