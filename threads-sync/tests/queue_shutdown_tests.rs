//! CPython's `test_queue.py`, ported: 3.13's shutdown. Puts are refused
//! with their item, gets drain or fail, blocked getters, putters and
//! joiners wake, and a putter racing the shutdown never gets in.
#![cfg(not(threads_sync_loom))]

mod common;

use common::{PATIENCE, eventually, ms};
use threads_sync::{GetError, PutError, Queue, ShutDown};

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
