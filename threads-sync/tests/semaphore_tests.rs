//! CPython's `lock_tests.py` semaphore tests, ported: counting, contended
//! acquire in phases, non-blocking and timed acquire, bounded releases.
#![cfg(not(threads_sync_loom))]

mod common;

use std::sync::Mutex;
use std::time::Instant;

use common::{assert_took, eventually, ms};
use threads_sync::{BoundedSemaphore, Semaphore, TooManyReleases};

#[test]
fn acquire_and_release() {
    let sem = Semaphore::new(2);
    sem.acquire();
    sem.acquire();
    sem.release(1);
    sem.release(1);
    assert_eq!(sem.value(), 2);
}

#[test]
fn acquire_contended_in_phases() {
    // lock_tests.BaseSemaphoreTests.test_acquire_contended
    let sem = Semaphore::new(7);
    sem.acquire();
    let results = Mutex::new(Vec::new());
    let phase = Mutex::new(0);
    std::thread::scope(|s| {
        for _ in 0..10 {
            s.spawn(|| {
                sem.acquire();
                results.lock().unwrap().push(*phase.lock().unwrap());
                sem.acquire();
                results.lock().unwrap().push(*phase.lock().unwrap());
            });
        }
        let count = || results.lock().unwrap().len();
        eventually("6 acquisitions", || count() >= 6);
        std::thread::sleep(ms(20));
        assert_eq!(count(), 6);
        *phase.lock().unwrap() = 1;
        sem.release(7);
        eventually("13 acquisitions", || count() >= 13);
        *phase.lock().unwrap() = 2;
        for _ in 0..6 {
            sem.release(1);
        }
        eventually("19 acquisitions", || count() >= 19);
        assert!(!sem.try_acquire(), "still locked");
        let mut r = results.lock().unwrap().clone();
        r.sort();
        assert_eq!(r, [vec![0; 6], vec![1; 7], vec![2; 6]].concat());
        sem.release(1); // let the last thread finish
    });
}

#[test]
fn try_acquire() {
    let sem = Semaphore::new(2);
    assert!(sem.try_acquire());
    assert!(sem.try_acquire());
    assert!(!sem.try_acquire());
    sem.release(1);
    assert!(sem.try_acquire());
}

#[test]
fn try_acquire_contended() {
    let sem = Semaphore::new(4);
    sem.acquire();
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..5 {
            s.spawn(|| {
                let a = sem.try_acquire();
                let b = sem.try_acquire();
                results.lock().unwrap().extend([a, b]);
            });
        }
    });
    let mut r = results.into_inner().unwrap();
    r.sort();
    assert_eq!(r, [vec![false; 7], vec![true; 3]].concat());
}

#[test]
fn acquire_timeout() {
    let sem = Semaphore::new(2);
    assert!(sem.acquire_timeout(ms(5)));
    assert!(sem.acquire_timeout(ms(5)));
    assert!(!sem.acquire_timeout(ms(5)));
    sem.release(1);
    assert!(sem.acquire_timeout(ms(5)));
    let start = Instant::now();
    assert!(!sem.acquire_timeout(ms(100)));
    assert_took(start.elapsed(), ms(100));
}

#[test]
fn release_n_wakes_n_waiters() {
    let sem = Semaphore::new(0);
    std::thread::scope(|s| {
        let hs: Vec<_> = (0..3)
            .map(|_| s.spawn(|| sem.acquire_timeout(common::PATIENCE)))
            .collect();
        // All three parked, so the releases below must wake sleepers.
        common::eventually("three waiters", || sem.waiters() == 3);
        sem.release(2);
        // Two woke and took a permit; the third still waits.
        common::eventually("two to leave", || sem.waiters() == 1 && sem.value() == 0);
        sem.release(1);
        for h in hs {
            assert!(h.join().unwrap());
        }
    });
    assert_eq!(sem.value(), 0);
}

#[test]
fn permits_nest_like_with_blocks() {
    // lock_tests.BaseSemaphoreTests.test_with
    let sem = Semaphore::new(2);
    {
        let _a = sem.permit();
        assert!(sem.try_acquire());
        sem.release(1);
        let _b = sem.permit();
        assert!(!sem.try_acquire());
        assert!(sem.try_permit().is_none());
    }
    assert_eq!(sem.value(), 2);
}

#[test]
fn bounded_permit_timeout_waits_then_gives_up_or_gets_one() {
    let sem = BoundedSemaphore::new(1);
    let held = sem.permit();
    let start = Instant::now();
    assert!(sem.permit_timeout(ms(50)).is_none());
    assert_took(start.elapsed(), ms(50));
    std::thread::scope(|s| {
        let h = s.spawn(|| sem.permit_timeout(common::PATIENCE).is_some());
        common::eventually("the waiter to park", || sem.waiters() == 1);
        drop(held);
        assert!(h.join().unwrap());
    });
    assert_eq!(sem.value(), 1, "the permit went back on drop");
}

#[test]
fn unbounded_release_raises_the_value() {
    let sem = Semaphore::new(1);
    sem.release(1);
    sem.acquire();
    sem.acquire();
    assert_eq!(sem.value(), 0);
}

#[test]
fn bounded_release_past_the_initial_value_is_an_error() {
    let sem = BoundedSemaphore::new(1);
    let e = sem.release(1).unwrap_err();
    assert_eq!(
        e,
        TooManyReleases {
            value: 1,
            n: 1,
            bound: 1
        }
    );
    sem.acquire();
    sem.release(1).unwrap();
    assert!(sem.release(1).is_err());
    assert_eq!(sem.value(), 1, "a refused release changes nothing");
    let three = BoundedSemaphore::new(3);
    three.acquire();
    three.acquire();
    assert!(three.release(3).is_err());
    three.release(2).unwrap();
}
