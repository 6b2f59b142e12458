//! CPython's `lock_tests.py` barrier tests, ported: lockstep passes, arrival
//! indices, the action, abort, reset, abort-then-reset, timeouts.
#![cfg(not(threads_sync_loom))]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{eventually, ms};
use threads_sync::{Barrier, BrokenBarrier, ZeroParties};

const N: usize = 5;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

fn barrier() -> Barrier {
    Barrier::new(N).unwrap().with_timeout(DEFAULT_TIMEOUT)
}

/// Runs `f` on `N` threads and returns their results.
fn run_threads<T: Send>(f: impl Fn() -> T + Sync) -> Vec<T> {
    std::thread::scope(|s| {
        let hs: Vec<_> = (0..N).map(|_| s.spawn(&f)).collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

#[test]
fn zero_parties_is_an_error() {
    assert_eq!(Barrier::new(0).err(), Some(ZeroParties));
}

#[test]
fn barrier_is_passed_in_lockstep_ten_times() {
    let b = barrier();
    let (before, after) = (AtomicUsize::new(0), AtomicUsize::new(0));
    run_threads(|| {
        for i in 0..10 {
            before.fetch_add(1, Ordering::SeqCst);
            assert_eq!(after.load(Ordering::SeqCst), i * N);
            b.wait().unwrap();
            after.fetch_add(1, Ordering::SeqCst);
            assert_eq!(before.load(Ordering::SeqCst), (i + 1) * N);
            b.wait().unwrap();
        }
    });
    assert_eq!(b.n_waiting(), 0);
    assert!(!b.broken());
}

#[test]
fn wait_returns_each_arrival_index_once() {
    let b = barrier();
    let mut idx = run_threads(|| b.wait().unwrap());
    idx.sort();
    assert_eq!(idx, (0..N).collect::<Vec<_>>());
}

#[test]
fn the_action_runs_once_before_anyone_leaves() {
    let runs = std::sync::Arc::new(AtomicUsize::new(0));
    let r = std::sync::Arc::clone(&runs);
    let b = Barrier::new(N).unwrap().with_action(move || {
        r.fetch_add(1, Ordering::SeqCst);
    });
    run_threads(|| {
        b.wait().unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    });
}

#[test]
fn abort_breaks_the_barrier() {
    let b = barrier();
    let broken = AtomicUsize::new(0);
    run_threads(|| {
        let i = b.wait().unwrap();
        if i == N / 2 {
            b.abort();
        } else if b.wait() == Err(BrokenBarrier) {
            broken.fetch_add(1, Ordering::SeqCst);
        }
    });
    assert_eq!(broken.load(Ordering::SeqCst), N - 1);
    assert!(b.broken());
    assert_eq!(b.wait(), Err(BrokenBarrier));
}

#[test]
fn reset_frees_the_waiting_threads() {
    let b = barrier();
    let (broken, passed) = (AtomicUsize::new(0), AtomicUsize::new(0));
    run_threads(|| {
        let i = b.wait().unwrap();
        if i == N / 2 {
            eventually("the others to wait", || b.n_waiting() == N - 1);
            b.reset();
        } else {
            assert_eq!(b.wait(), Err(BrokenBarrier));
            broken.fetch_add(1, Ordering::SeqCst);
        }
        b.wait().unwrap(); // usable again
        passed.fetch_add(1, Ordering::SeqCst);
    });
    assert_eq!(broken.load(Ordering::SeqCst), N - 1);
    assert_eq!(passed.load(Ordering::SeqCst), N);
}

#[test]
fn abort_then_reset_makes_it_usable_again() {
    let b = barrier();
    let b2 = Barrier::new(N).unwrap().with_timeout(DEFAULT_TIMEOUT);
    let passed = AtomicUsize::new(0);
    run_threads(|| {
        let i = b.wait().unwrap();
        if i == N / 2 {
            b.abort();
        } else {
            assert_eq!(b.wait(), Err(BrokenBarrier));
        }
        if b2.wait().unwrap() == N / 2 {
            b.reset();
        }
        b2.wait().unwrap();
        b.wait().unwrap();
        passed.fetch_add(1, Ordering::SeqCst);
    });
    assert_eq!(passed.load(Ordering::SeqCst), N);
}

#[test]
fn a_timeout_breaks_the_barrier_for_everyone() {
    let (start, b) = (barrier(), barrier());
    run_threads(|| {
        let i = start.wait().unwrap();
        if i == N / 2 {
            // One thread is late: it arrives only once the others' timeout
            // has broken the barrier, however slowly they got there.
            eventually("the timeout to break the barrier", || b.broken());
        }
        assert_eq!(b.wait_timeout(ms(100)), Err(BrokenBarrier));
    });
}

#[test]
fn the_default_timeout_applies() {
    let start = barrier();
    let b = Barrier::new(N).unwrap().with_timeout(ms(100));
    run_threads(|| {
        let i = start.wait().unwrap();
        if i == N / 2 {
            eventually("the default timeout to break the barrier", || b.broken());
        }
        assert_eq!(b.wait(), Err(BrokenBarrier));
    });
}

#[test]
fn a_single_party_never_waits() {
    let b = Barrier::new(1).unwrap();
    assert_eq!(b.wait(), Ok(0));
    assert_eq!(b.wait(), Ok(0));
}
