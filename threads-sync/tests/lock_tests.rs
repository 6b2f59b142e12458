//! CPython's `lock_tests.py` for `Lock` and `RLock`, ported: acquire and
//! release, contention, timeouts, release from another thread, reentrancy.
#![cfg(not(threads_sync_loom))]

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use common::{PATIENCE, assert_took, eventually, ms, on_another_thread};
use threads_sync::{Lock, RLock, ReleaseError};

#[test]
fn lock_acquire_release_and_locked() {
    let lock = Lock::new();
    assert!(!lock.locked());
    lock.acquire();
    assert!(lock.locked());
    assert_eq!(lock.release(), Ok(()));
    assert!(!lock.locked());
    assert_eq!(lock.release(), Err(ReleaseError::Unlocked));
}

#[test]
fn lock_try_acquire_and_contended() {
    let lock = Lock::new();
    assert!(lock.try_acquire());
    assert!(!lock.try_acquire());
    let other = on_another_thread(|| lock.try_acquire());
    assert!(!other);
    lock.release().unwrap();
}

#[test]
fn a_failed_try_lock_releases_nothing() {
    let lock = Lock::new();
    let _held = lock.lock();
    assert!(lock.try_lock().is_none());
    assert!(lock.lock_timeout(ms(1)).is_none());
    assert!(
        lock.locked(),
        "a failed try must not release the holder's lock"
    );
}

#[test]
fn lock_acquire_contended_waits_for_release() {
    let lock = Lock::new();
    lock.acquire();
    let got = AtomicBool::new(false);
    std::thread::scope(|s| {
        s.spawn(|| {
            assert!(lock.acquire_timeout(PATIENCE), "never woken");
            got.store(true, Ordering::SeqCst);
            lock.release().unwrap();
        });
        std::thread::sleep(ms(20));
        assert!(!got.load(Ordering::SeqCst));
        lock.release().unwrap();
        eventually("the waiter to get the lock", || got.load(Ordering::SeqCst));
    });
}

#[test]
fn lock_guard_releases_on_drop_and_on_panic() {
    let lock = Lock::new();
    {
        let _g = lock.lock();
        assert!(lock.locked());
    }
    assert!(!lock.locked());
    let r = std::panic::catch_unwind(|| {
        let _g = lock.lock();
        panic!("inside the critical section");
    });
    assert!(r.is_err());
    assert!(
        !lock.locked(),
        "a panic unwinds through the guard and releases"
    );
}

#[test]
fn lock_timeout_returns_false_after_the_timeout() {
    let lock = Lock::new();
    lock.acquire();
    let start = Instant::now();
    assert!(!lock.acquire_timeout(ms(100)));
    assert_took(start.elapsed(), ms(100));
    lock.release().unwrap();
    assert!(lock.acquire_timeout(ms(100)));
}

#[test]
fn lock_released_by_another_thread_test_different_thread() {
    let lock = Lock::new();
    lock.acquire();
    on_another_thread(|| lock.release()).unwrap();
    assert!(lock.try_acquire());
    lock.release().unwrap();
}

#[test]
fn lock_reacquire_after_another_thread_released_it() {
    // lock_tests.LockTests.test_reacquire: acquired here, freed elsewhere.
    let lock = Lock::new();
    lock.acquire();
    let phase = AtomicUsize::new(0);
    std::thread::scope(|s| {
        s.spawn(|| {
            // Timed, so a lost wake-up fails the test instead of hanging it.
            assert!(lock.acquire_timeout(PATIENCE)); // until main releases
            phase.store(1, Ordering::SeqCst);
            assert!(lock.acquire_timeout(PATIENCE)); // again: not reentrant
            phase.store(2, Ordering::SeqCst);
        });
        std::thread::sleep(ms(20));
        assert_eq!(phase.load(Ordering::SeqCst), 0);
        lock.release().unwrap();
        eventually("first acquire", || phase.load(Ordering::SeqCst) == 1);
        std::thread::sleep(ms(20));
        assert_eq!(phase.load(Ordering::SeqCst), 1);
        lock.release().unwrap(); // released by a thread that is not the acquirer
        eventually("second acquire", || phase.load(Ordering::SeqCst) == 2);
    });
    lock.release().unwrap();
}

#[test]
fn lock_state_after_timeout_is_usable() {
    // lock_tests.LockTests.test_state_after_timeout
    let lock = Lock::new();
    lock.acquire();
    std::thread::scope(|s| {
        s.spawn(|| assert!(!lock.acquire_timeout(ms(10))));
    });
    lock.release().unwrap();
    assert!(lock.acquire_timeout(PATIENCE));
    lock.release().unwrap();
}

#[test]
fn lock_hand_over_with_keep_locked() {
    let lock = Lock::new();
    lock.lock().keep_locked();
    assert!(lock.locked());
    on_another_thread(|| lock.release()).unwrap();
    assert!(!lock.locked());
}

#[test]
fn rlock_reacquire_needs_as_many_releases() {
    let r = RLock::new();
    for _ in 0..3 {
        r.acquire();
    }
    assert_eq!(r.count(), 3);
    for _ in 0..3 {
        assert!(r.is_owned());
        r.release().unwrap();
    }
    assert!(!r.is_owned());
    assert_eq!(r.release(), Err(ReleaseError::Unlocked));
}

#[test]
fn rlock_release_by_another_thread_is_an_error() {
    let r = RLock::new();
    r.acquire();
    let e = on_another_thread(|| r.release());
    assert_eq!(e, Err(ReleaseError::NotOwner));
    let other = on_another_thread(|| r.try_acquire());
    assert!(!other);
    r.release().unwrap();
}

#[test]
fn rlock_is_owned_only_by_the_owner() {
    let r = RLock::new();
    assert!(!r.is_owned());
    r.acquire();
    assert!(r.is_owned());
    let theirs = on_another_thread(|| r.is_owned());
    assert!(!theirs);
    r.release().unwrap();
}

#[test]
fn rlock_contended_and_timed() {
    let r = RLock::new();
    r.acquire();
    let tried = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|s| {
        let h = s.spawn(|| {
            let start = Instant::now();
            let got = r.acquire_timeout(ms(50));
            tried.store(true, std::sync::atomic::Ordering::SeqCst);
            assert!(!got, "acquired an RLock another thread holds");
            assert_took(start.elapsed(), ms(50));
            assert_eq!(r.count(), 0, "not the owner");
            assert!(r.acquire_timeout(PATIENCE));
            assert!(r.acquire_timeout(PATIENCE));
            assert_eq!(r.count(), 2);
            r.release().unwrap();
            r.release().unwrap();
        });
        // Released only once the timed attempt is over, however late the
        // thread got to run.
        common::eventually("the timed attempt", || {
            tried.load(std::sync::atomic::Ordering::SeqCst)
        });
        r.release().unwrap();
        h.join().unwrap();
    });
    assert!(r.try_acquire());
    r.release().unwrap();
}

#[test]
fn rlock_guards_nest() {
    let r = RLock::new();
    let a = r.lock();
    let b = r.try_lock().expect("reentrant");
    assert_eq!(r.count(), 2);
    drop(b);
    drop(a);
    assert_eq!(r.count(), 0);
}
