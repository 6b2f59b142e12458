//! loom models of `Queue`: a hand-over with `join`, and `shutdown` racing
//! a blocked getter or a putter on a full queue.

use loom::sync::Arc;
use loom::thread;
use threads_sync::Queue;

#[test]
fn queue_hands_items_over_in_order_with_join() {
    loom::model(|| {
        let q = Arc::new(Queue::new(1));
        let q2 = Arc::clone(&q);
        let consumer = thread::spawn(move || {
            let a = q2.get().unwrap();
            q2.task_done().unwrap();
            let b = q2.get().unwrap();
            q2.task_done().unwrap();
            (a, b)
        });
        q.put(1).unwrap();
        q.put(2).unwrap(); // may block on maxsize 1
        q.join();
        assert_eq!(consumer.join().unwrap(), (1, 2));
    });
}

#[test]
fn queue_shutdown_wakes_a_blocked_getter() {
    loom::model(|| {
        let q: Arc<Queue<u8>> = Arc::new(Queue::new(0));
        let q2 = Arc::clone(&q);
        let getter = thread::spawn(move || q2.get());
        q.shutdown(false);
        assert!(getter.join().unwrap().is_err());
    });
}

/// A full queue (maxsize 1, holding 0), a putter of 1 blocked or about to
/// block on it, and `shutdown` racing that put.
fn full_queue_shut_down_under_a_putter() -> (Arc<Queue<u8>>, PutResult) {
    let q = Arc::new(Queue::new(1));
    q.put(0u8).unwrap();
    let q2 = Arc::clone(&q);
    let putter = thread::spawn(move || q2.put(1));
    q.shutdown(false);
    (q, putter)
}

type PutResult = thread::JoinHandle<Result<(), threads_sync::ShutDown<u8>>>;

#[test]
fn queue_putter_on_a_full_queue_racing_shutdown_fails_and_wakes() {
    // Wherever the shutdown lands (before the put, during its back-off with
    // the mutex dropped, or while it sleeps), the put fails with its item;
    // a put that parked after the shutdown's wake-up would deadlock here.
    loom::model(|| {
        let (q, putter) = full_queue_shut_down_under_a_putter();
        assert_eq!(putter.join().unwrap(), Err(threads_sync::ShutDown(1)));
        assert_eq!(q.unfinished_tasks(), 1);
    });
}

#[test]
fn queue_putter_racing_shutdown_then_a_get_never_gets_in() {
    // As above, and then a get makes room: the put still fails, and the
    // shut-down queue never takes a new item.
    loom::model(|| {
        let (q, putter) = full_queue_shut_down_under_a_putter();
        assert_eq!(q.get(), Ok(0));
        assert_eq!(putter.join().unwrap(), Err(threads_sync::ShutDown(1)));
        assert_eq!(q.qsize(), 0);
    });
}
