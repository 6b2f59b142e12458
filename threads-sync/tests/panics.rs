//! A panic in user code must neither wedge a primitive nor poison it
//! silently: the panic reaches the caller, and the primitive stays usable.
#![cfg(not(threads_sync_loom))]

mod common;

use std::cmp::Ordering;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};

use common::{PATIENCE, ms};
use threads_sync::{Barrier, BrokenBarrier, PriorityQueue};

static BOOBY_TRAP: AtomicBool = AtomicBool::new(false);

/// An item whose comparison panics while the trap is armed.
#[derive(Debug, PartialEq, Eq)]
struct Touchy(u32);

impl PartialOrd for Touchy {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Touchy {
    fn cmp(&self, other: &Self) -> Ordering {
        assert!(!BOOBY_TRAP.load(AtomicOrdering::SeqCst), "Ord panicked");
        self.0.cmp(&other.0)
    }
}

#[test]
fn a_panicking_ord_keeps_the_priority_queue_usable_and_join_exact() {
    let q = PriorityQueue::new(0);
    q.put(Touchy(1)).unwrap();
    q.put(Touchy(2)).unwrap();
    q.put(Touchy(3)).unwrap();
    BOOBY_TRAP.store(true, AtomicOrdering::SeqCst);
    let put = catch_unwind(AssertUnwindSafe(|| q.put(Touchy(0))));
    let got = catch_unwind(AssertUnwindSafe(|| q.get()));
    BOOBY_TRAP.store(false, AtomicOrdering::SeqCst);
    assert!(put.is_err() && got.is_err(), "the panics reach the caller");
    // The put landed (4 items), the panicking get lost one item and counted
    // it done: 3 left, 3 unfinished, and the queue still works.
    assert_eq!(q.qsize(), 3);
    assert_eq!(q.unfinished_tasks(), 3);
    let mut left = Vec::new();
    while let Ok(t) = q.get_timeout(ms(1)) {
        left.push(t.0);
        q.task_done().unwrap();
    }
    assert_eq!(left.len(), 3);
    assert!(q.join_timeout(PATIENCE), "join is not wedged");
    q.put(Touchy(7)).unwrap();
    assert_eq!(q.get(), Ok(Touchy(7)));
}

#[test]
fn a_panicking_barrier_action_breaks_the_barrier_instead_of_wedging() {
    const PARTIES: usize = 3;
    let b = Barrier::new(PARTIES)
        .unwrap()
        .with_action(|| panic!("action failed"))
        .with_timeout(PATIENCE);
    let results: Vec<_> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..PARTIES)
            .map(|_| s.spawn(|| catch_unwind(AssertUnwindSafe(|| b.wait()))))
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let panicked = results.iter().filter(|r| r.is_err()).count();
    let broken = results
        .iter()
        .filter(|r| matches!(r, Ok(Err(BrokenBarrier))))
        .count();
    assert_eq!((panicked, broken), (1, PARTIES - 1));
    assert!(b.broken());
    b.reset();
    assert!(!b.broken(), "usable again after reset");
    assert_eq!(b.n_waiting(), 0);
}
