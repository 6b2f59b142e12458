//! loom models of the untimed paths of every primitive: loom runs each
//! model under every interleaving (up to `LOOM_MAX_PREEMPTIONS`) of the
//! library's own code, which `src/primitive.rs` builds on `loom::sync` here.
//! The queue's models are in `loom/queue.rs`.
//!
//! ```text
//! RUSTFLAGS="--cfg threads_sync_loom" LOOM_MAX_PREEMPTIONS=2 \
//!     cargo test --release -p threads-sync --no-default-features --test loom --target-dir target/loom
//! ```
#![cfg(threads_sync_loom)]

#[path = "loom/queue.rs"]
mod queue;

use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use threads_sync::{
    Barrier, BoundedSemaphore, Condition, Event, Lock, RLock, ReleaseError, Semaphore,
};

#[test]
fn lock_is_exclusive_and_hands_over() {
    loom::model(|| {
        let lock = Arc::new(Lock::new());
        let n = Arc::new(AtomicUsize::new(0));
        let hs: Vec<_> = (0..2)
            .map(|_| {
                let (lock, n) = (Arc::clone(&lock), Arc::clone(&n));
                thread::spawn(move || {
                    lock.acquire();
                    let v = n.load(Ordering::Relaxed);
                    n.store(v + 1, Ordering::Relaxed);
                    lock.release().unwrap();
                })
            })
            .collect();
        for h in hs {
            h.join().unwrap();
        }
        assert_eq!(n.load(Ordering::Relaxed), 2);
        assert!(!lock.locked());
    });
}

#[test]
fn lock_released_by_another_thread_wakes_the_waiter() {
    loom::model(|| {
        let lock = Arc::new(Lock::new());
        lock.acquire();
        let l2 = Arc::clone(&lock);
        let releaser = thread::spawn(move || l2.release());
        lock.acquire(); // parks until the other thread releases
        assert_eq!(releaser.join().unwrap(), Ok(()));
        assert_eq!(lock.release(), Ok(()));
        assert_eq!(lock.release(), Err(ReleaseError::Unlocked));
    });
}

#[test]
fn rlock_is_reentrant_and_exclusive() {
    loom::model(|| {
        let r = Arc::new(RLock::new());
        let n = Arc::new(AtomicUsize::new(0));
        let (r2, n2) = (Arc::clone(&r), Arc::clone(&n));
        let t = thread::spawn(move || {
            let _a = r2.lock();
            let _b = r2.lock();
            let v = n2.load(Ordering::Relaxed);
            n2.store(v + 1, Ordering::Relaxed);
        });
        {
            let _a = r.lock();
            let v = n.load(Ordering::Relaxed);
            n.store(v + 1, Ordering::Relaxed);
        }
        t.join().unwrap();
        assert_eq!(n.load(Ordering::Relaxed), 2);
        assert!(!r.locked());
    });
}

#[test]
fn condition_notify_is_not_lost() {
    loom::model(|| {
        let c = Arc::new(Condition::with_lock(std::sync::Arc::new(Lock::new())));
        let ready = Arc::new(AtomicUsize::new(0));
        let (c2, r2) = (Arc::clone(&c), Arc::clone(&ready));
        let t = thread::spawn(move || {
            let _g = c2.lock();
            r2.store(1, Ordering::Relaxed);
            c2.notify(1).unwrap();
        });
        {
            let _g = c.lock();
            assert!(
                c.wait_for(|| ready.load(Ordering::Relaxed) == 1, None)
                    .unwrap()
            );
        }
        t.join().unwrap();
    });
}

#[test]
fn condition_over_rlock_restores_the_count() {
    loom::model(|| {
        let r = std::sync::Arc::new(RLock::new());
        let c = Arc::new(Condition::with_lock(std::sync::Arc::clone(&r)));
        let flag = Arc::new(AtomicUsize::new(0));
        let (c2, f2) = (Arc::clone(&c), Arc::clone(&flag));
        let t = thread::spawn(move || {
            let _g = c2.lock();
            f2.store(1, Ordering::Relaxed);
            c2.notify_all().unwrap();
        });
        r.acquire();
        r.acquire();
        assert!(
            c.wait_for(|| flag.load(Ordering::Relaxed) == 1, None)
                .unwrap()
        );
        assert_eq!(r.count(), 2);
        r.release().unwrap();
        r.release().unwrap();
        t.join().unwrap();
    });
}

#[test]
fn semaphore_admits_at_most_its_value() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let inside = Arc::new(AtomicUsize::new(0));
        let hs: Vec<_> = (0..2)
            .map(|_| {
                let (sem, inside) = (Arc::clone(&sem), Arc::clone(&inside));
                thread::spawn(move || {
                    let _p = sem.permit();
                    assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                    inside.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for h in hs {
            h.join().unwrap();
        }
        assert_eq!(sem.value(), 1);
    });
}

#[test]
fn bounded_semaphore_release_wakes_and_refuses_extra() {
    loom::model(|| {
        let sem = Arc::new(BoundedSemaphore::new(1));
        sem.acquire();
        let s2 = Arc::clone(&sem);
        let t = thread::spawn(move || s2.acquire());
        sem.release(1).unwrap();
        t.join().unwrap();
        assert_eq!(sem.value(), 0);
        sem.release(1).unwrap();
        assert!(sem.release(1).is_err());
    });
}

#[test]
fn event_set_then_clear_wakes_the_waiter() {
    loom::model(|| {
        let e = Arc::new(Event::new());
        let e2 = Arc::clone(&e);
        let waiter = thread::spawn(move || e2.wait(None));
        while e.waiters() == 0 {
            thread::yield_now(); // only a thread already waiting is promised a wake-up
        }
        e.set();
        e.clear();
        assert!(waiter.join().unwrap());
    });
}

#[test]
fn barrier_passes_both_and_gives_distinct_indices() {
    loom::model(|| {
        let b = Arc::new(Barrier::new(2).unwrap());
        let b2 = Arc::clone(&b);
        let t = thread::spawn(move || b2.wait().unwrap());
        let mine = b.wait().unwrap();
        let theirs = t.join().unwrap();
        assert_eq!(mine + theirs, 1);
    });
}

#[test]
fn barrier_abort_breaks_a_waiter() {
    loom::model(|| {
        let b = Arc::new(Barrier::new(2).unwrap());
        let b2 = Arc::clone(&b);
        let t = thread::spawn(move || b2.wait());
        b.abort();
        assert!(t.join().unwrap().is_err());
        assert!(b.broken());
    });
}
