//! CPython's `lock_tests.py` tests of `Event` and `Condition`, ported:
//! set wakes all, timeouts, set-then-clear still wakes, notify(n) counts,
//! wait_for with one deadline, ownership errors, RLock levels restored.
#![cfg(not(threads_sync_loom))]

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use common::{PATIENCE, assert_took, eventually, ms, on_another_thread};
use threads_sync::{Condition, Event, Lock, NotOwned, RLock};

const WAITERS: usize = 5;

#[test]
fn event_is_set_and_clear() {
    let e = Event::new();
    assert!(!e.is_set());
    e.set();
    assert!(e.is_set());
    e.set();
    assert!(e.is_set());
    e.clear();
    assert!(!e.is_set());
}

#[test]
fn event_set_wakes_every_waiter() {
    let e = Event::new();
    let woken = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..WAITERS {
            s.spawn(|| {
                assert!(e.wait(Some(PATIENCE)));
                woken.fetch_add(1, Ordering::SeqCst);
            });
        }
        std::thread::sleep(ms(20));
        assert_eq!(woken.load(Ordering::SeqCst), 0);
        e.set();
    });
    assert_eq!(woken.load(Ordering::SeqCst), WAITERS);
    assert!(e.wait(None), "a set event lets later waiters through");
}

#[test]
fn event_wait_times_out_with_false() {
    let e = Event::new();
    let start = Instant::now();
    assert!(!e.wait(Some(ms(100))));
    assert_took(start.elapsed(), ms(100));
}

#[test]
fn event_set_then_clear_still_wakes_waiters() {
    // lock_tests.EventTests.test_set_and_clear (bpo-13502)
    let e = Event::new();
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..WAITERS {
            s.spawn(|| {
                let woken = e.wait(Some(PATIENCE));
                results.lock().unwrap().push(woken);
            });
        }
        // Only threads already waiting are promised the wake-up.
        eventually("every thread waiting", || e.waiters() == WAITERS);
        e.set();
        e.clear();
    });
    assert_eq!(results.into_inner().unwrap(), vec![true; WAITERS]);
}

#[test]
fn condition_calls_without_the_lock_are_errors() {
    let c = Condition::new();
    assert_eq!(c.wait(Some(ms(1))), Err(NotOwned));
    assert_eq!(c.notify(1), Err(NotOwned));
    assert_eq!(c.notify_all(), Err(NotOwned));
    let _g = c.lock();
    assert_eq!(c.notify(1), Ok(()));
    let theirs = on_another_thread(|| c.notify(1));
    assert_eq!(theirs, Err(NotOwned), "an RLock is owned by one thread");
}

fn check_notify<L: threads_sync::ConditionLock>(c: &Condition<L>) {
    // lock_tests.ConditionTests._check_notify: notify(1), notify(3), notify_all.
    let woken = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..WAITERS {
            s.spawn(|| {
                let notified = {
                    let _g = c.lock();
                    c.wait(Some(PATIENCE)).unwrap()
                };
                assert!(notified);
                woken.fetch_add(1, Ordering::SeqCst);
            });
        }
        let waiting = || {
            let _g = c.lock();
            // all parked: nobody can be between acquire and wait now
            format!("{c:?}").contains(&format!("waiters: {WAITERS}"))
        };
        eventually("all waiters parked", waiting);
        let now = || woken.load(Ordering::SeqCst);
        // Guards, so a failing assertion cannot leave the lock held.
        {
            let _g = c.lock();
            c.notify(1).unwrap();
        }
        eventually("one woken", || now() >= 1);
        std::thread::sleep(ms(20));
        assert_eq!(now(), 1, "notify(1) wakes exactly one");
        {
            let _g = c.lock();
            c.notify(3).unwrap();
        }
        eventually("three more woken", || now() >= 4);
        std::thread::sleep(ms(20));
        assert_eq!(now(), 4, "notify(3) wakes exactly three");
        {
            let _g = c.lock();
            c.notify_all().unwrap();
        }
    });
    assert_eq!(woken.load(Ordering::SeqCst), WAITERS);
}

#[test]
fn condition_notify_wakes_at_most_n_over_rlock() {
    check_notify(&Condition::new());
}

#[test]
fn condition_notify_wakes_at_most_n_over_lock() {
    check_notify(&Condition::with_lock(Arc::new(Lock::new())));
}

#[test]
fn condition_wait_times_out() {
    let c = Condition::new();
    let _g = c.lock();
    let start = Instant::now();
    assert_eq!(c.wait(Some(ms(100))), Ok(false));
    assert_took(start.elapsed(), ms(100));
    assert!(
        c.lock_ref().is_owned(),
        "the lock is re-acquired after a timeout"
    );
}

#[test]
fn condition_wait_for_sees_the_state() {
    // lock_tests.ConditionTests.test_waitfor
    let c = Condition::new();
    let state = AtomicUsize::new(0);
    std::thread::scope(|s| {
        s.spawn(|| {
            let _g = c.lock();
            let ok = c.wait_for(|| state.load(Ordering::SeqCst) == 4, Some(PATIENCE));
            assert_eq!(ok, Ok(true));
        });
        for _ in 0..4 {
            std::thread::sleep(ms(10));
            let _g = c.lock();
            state.fetch_add(1, Ordering::SeqCst);
            c.notify(1).unwrap();
        }
    });
}

#[test]
fn condition_wait_for_has_one_deadline() {
    // lock_tests.ConditionTests.test_waitfor_timeout: notifications that do
    // not satisfy the predicate must not restart the timeout. They keep
    // coming every 5 ms until the waiter returns (for at most PATIENCE): a
    // restarting deadline would never expire before they stop, and the
    // wait would take ~10 s instead of ~100 ms.
    let c = Condition::new();
    let returned = AtomicBool::new(false);
    std::thread::scope(|s| {
        let waiter = s.spawn(|| {
            let _g = c.lock();
            let start = Instant::now();
            let ok = c.wait_for(|| false, Some(ms(100)));
            returned.store(true, Ordering::SeqCst);
            (ok, start.elapsed())
        });
        let start = Instant::now();
        while !returned.load(Ordering::SeqCst) && start.elapsed() < PATIENCE {
            std::thread::sleep(ms(5));
            let _g = c.lock();
            c.notify(1).unwrap();
        }
        let (ok, took) = waiter.join().unwrap();
        assert_eq!(ok, Ok(false));
        assert_took(took, ms(100));
        assert!(took < PATIENCE / 2, "the deadline restarted: {took:?}");
    });
}

#[test]
fn condition_wait_releases_every_rlock_level_and_restores_them() {
    let lock = Arc::new(RLock::new());
    let c = Condition::with_lock(Arc::clone(&lock));
    lock.acquire();
    lock.acquire();
    lock.acquire();
    std::thread::scope(|s| {
        s.spawn(|| {
            // Only possible if the waiter released all three levels.
            assert!(lock.acquire_timeout(PATIENCE));
            c.notify(1).unwrap();
            lock.release().unwrap();
        });
        assert_eq!(c.wait(Some(PATIENCE)), Ok(true));
    });
    assert_eq!(lock.count(), 3);
    for _ in 0..3 {
        lock.release().unwrap();
    }
}
