//! [`Queue`], [`LifoQueue`] and [`PriorityQueue`]: Python's `queue` module —
//! a bounded or unbounded multi-producer multi-consumer queue with blocking,
//! non-blocking and timed `put`/`get`, `task_done`/`join`, and 3.13's
//! `shutdown`. One mutex around the items and three condition variables
//! (`not_empty`, `not_full`, `all_tasks_done`), as in CPython, notified only
//! when somebody waits on them.

mod blocking;
mod shutdown;
mod store;

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

pub use store::{Fifo, Lifo, Priority, Store};

use crate::error::{GetError, PutError, ShutDown};
use crate::primitive::sync::atomic::{AtomicUsize, Ordering};
use crate::primitive::sync::{Condvar, Mutex, MutexGuard};
use crate::waiting::{Patience, lock};

/// First in, first out (Python: `queue.Queue(maxsize)`).
pub type Queue<T> = BaseQueue<T, Fifo<T>>;
/// Last in, first out (Python: `queue.LifoQueue(maxsize)`).
pub type LifoQueue<T> = BaseQueue<T, Lifo<T>>;
/// Lowest item first (Python: `queue.PriorityQueue(maxsize)`).
pub type PriorityQueue<T> = BaseQueue<T, Priority<T>>;

#[derive(Debug)]
struct Inner<S> {
    items: S,
    /// Items put and not yet marked done (Python: `unfinished_tasks`).
    unfinished: usize,
    shutdown: bool,
    /// Threads parked on each condition variable.
    getters: usize,
    putters: usize,
    joiners: usize,
}

/// The queue behind [`Queue`], [`LifoQueue`] and [`PriorityQueue`], generic
/// over the order `S` items leave in. Use it through those three names.
///
/// ```
/// use threads_sync::{GetError, PriorityQueue, PutError, Queue};
///
/// let q = Queue::new(2); // maxsize 2; 0 means unbounded
/// q.put("a")?;
/// q.put_nowait("b")?;
/// assert!(matches!(q.put_nowait("c"), Err(PutError::Full("c")))); // item back
/// assert_eq!(q.get()?, "a");
/// q.task_done()?; // one per get, for join()
///
/// let p = PriorityQueue::new(0);
/// for x in [3, 1, 2] {
///     p.put(x)?;
/// }
/// assert_eq!(p.get_nowait(), Ok(1)); // lowest first, like heapq
///
/// q.shutdown(false); // no more puts; gets drain what is left
/// assert_eq!(q.get()?, "b");
/// assert_eq!(q.get_nowait(), Err(GetError::ShutDown));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct BaseQueue<T, S: Store<T>> {
    /// 0: unbounded.
    maxsize: usize,
    inner: Mutex<Inner<S>>,
    /// Mirror of `inner.items.len()`, written under the mutex, read without
    /// it by threads that spin before they sleep: only a hint of when to
    /// look again, never a basis for a decision.
    len_hint: AtomicUsize,
    not_empty: Condvar,
    not_full: Condvar,
    all_tasks_done: Condvar,
    _item: PhantomData<fn(T) -> T>,
}

impl<T, S: Store<T>> BaseQueue<T, S> {
    /// A queue holding at most `maxsize` items; 0 means unbounded.
    pub fn new(maxsize: usize) -> Self {
        BaseQueue {
            maxsize,
            inner: Mutex::new(Inner {
                items: S::default(),
                unfinished: 0,
                shutdown: false,
                getters: 0,
                putters: 0,
                joiners: 0,
            }),
            len_hint: AtomicUsize::new(0),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            all_tasks_done: Condvar::new(),
            _item: PhantomData,
        }
    }

    /// Puts `item`, waiting for room if the queue is full (Python: `put(item)`).
    ///
    /// # Errors
    /// [`ShutDown`] with the item, if the queue is (or gets) shut down.
    pub fn put(&self, item: T) -> Result<(), ShutDown<T>> {
        self.put_until(item, Patience::Forever)
            .map_err(|e| ShutDown(e.into_inner()))
    }

    /// Puts `item` if there is room now (Python: `put_nowait(item)`).
    ///
    /// # Errors
    /// [`PutError::Full`] or [`PutError::ShutDown`], with the item.
    pub fn put_nowait(&self, item: T) -> Result<(), PutError<T>> {
        self.put_until(item, Patience::Not)
    }

    /// Puts `item`, waiting at most `timeout` for room
    /// (Python: `put(item, timeout=t)`).
    ///
    /// # Errors
    /// [`PutError::Full`] or [`PutError::ShutDown`], with the item.
    pub fn put_timeout(&self, item: T, timeout: Duration) -> Result<(), PutError<T>> {
        self.put_until(item, Patience::For(timeout))
    }

    /// Takes the next item, waiting for one if the queue is empty
    /// (Python: `get()`).
    ///
    /// # Errors
    /// [`ShutDown`] once the queue is shut down and empty.
    pub fn get(&self) -> Result<T, ShutDown> {
        self.get_until(Patience::Forever).map_err(|_| ShutDown(()))
    }

    /// Takes the next item if there is one now (Python: `get_nowait()`).
    ///
    /// # Errors
    /// [`GetError::Empty`], or [`GetError::ShutDown`] once shut down and empty.
    pub fn get_nowait(&self) -> Result<T, GetError> {
        self.get_until(Patience::Not)
    }

    /// Takes the next item, waiting at most `timeout` (Python: `get(timeout=t)`).
    ///
    /// # Errors
    /// [`GetError::Empty`], or [`GetError::ShutDown`] once shut down and empty.
    pub fn get_timeout(&self, timeout: Duration) -> Result<T, GetError> {
        self.get_until(Patience::For(timeout))
    }

    /// Whether [`shutdown`](BaseQueue::shutdown) was called.
    pub fn is_shutdown(&self) -> bool {
        lock(&self.inner).shutdown
    }

    /// The number of items now (Python: `qsize()`); a snapshot.
    pub fn qsize(&self) -> usize {
        self.locked().items.len()
    }

    /// Whether it is empty now (Python: `empty()`); a snapshot.
    pub fn empty(&self) -> bool {
        self.qsize() == 0
    }

    /// Whether it is full now (Python: `full()`); never for maxsize 0.
    pub fn full(&self) -> bool {
        self.maxsize > 0 && self.qsize() >= self.maxsize
    }

    /// The bound given to `new`; 0 means unbounded (Python: `maxsize`).
    pub fn maxsize(&self) -> usize {
        self.maxsize
    }

    /// Items put and not yet marked done (Python: `unfinished_tasks`).
    pub fn unfinished_tasks(&self) -> usize {
        self.locked().unfinished
    }

    /// How many threads are parked in `get` now, waiting for an item; a
    /// snapshot, for tests and diagnostics (threads still spinning before
    /// they sleep are not counted).
    pub fn waiting_getters(&self) -> usize {
        self.locked().getters
    }

    /// How many threads are parked in `put` now, waiting for room; a
    /// snapshot, for tests and diagnostics.
    pub fn waiting_putters(&self) -> usize {
        self.locked().putters
    }

    /// How many threads are parked in `join` now; a snapshot.
    pub fn waiting_joiners(&self) -> usize {
        self.locked().joiners
    }

    /// Publishes the item count for spinning threads (under the mutex).
    fn publish_len(&self, q: &Inner<S>) {
        self.len_hint.store(q.items.len(), Ordering::Relaxed);
    }

    fn locked(&self) -> MutexGuard<'_, Inner<S>> {
        lock(&self.inner)
    }
}

impl<T, S: Store<T>> fmt::Debug for BaseQueue<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = self.locked();
        f.debug_struct("Queue")
            .field("maxsize", &self.maxsize)
            .field("qsize", &q.items.len())
            .field("unfinished_tasks", &q.unfinished)
            .field("shutdown", &q.shutdown)
            .field("waiting_getters", &q.getters)
            .field("waiting_putters", &q.putters)
            .finish()
    }
}
