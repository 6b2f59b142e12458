//! [`Queue`], [`LifoQueue`] and [`PriorityQueue`]: Python's `queue` module —
//! a bounded or unbounded multi-producer multi-consumer queue with blocking,
//! non-blocking and timed `put`/`get`, `task_done`/`join`, and 3.13's
//! `shutdown`. One mutex around the items and three condition variables
//! (`not_empty`, `not_full`, `all_tasks_done`), as in CPython, notified only
//! when somebody waits on them.

mod store;

use std::fmt;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::time::Duration;

pub use store::{Fifo, Lifo, Priority, Store};

use crate::error::{GetError, PutError, ShutDown, TooManyTaskDone};
use crate::sync::{BACKOFF_ROUNDS, Condvar, Deadline, Mutex, MutexGuard, backoff, lock};

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
        self.put_until(item, Deadline::Never)
            .map_err(|e| ShutDown(e.into_inner()))
    }

    /// Puts `item` if there is room now (Python: `put_nowait(item)`).
    ///
    /// # Errors
    /// [`PutError::Full`] or [`PutError::ShutDown`], with the item.
    pub fn put_nowait(&self, item: T) -> Result<(), PutError<T>> {
        self.put_until(item, Deadline::Now)
    }

    /// Puts `item`, waiting at most `timeout` for room
    /// (Python: `put(item, timeout=t)`).
    ///
    /// # Errors
    /// [`PutError::Full`] or [`PutError::ShutDown`], with the item.
    pub fn put_timeout(&self, item: T, timeout: Duration) -> Result<(), PutError<T>> {
        self.put_until(item, Deadline::after(timeout))
    }

    fn put_until(&self, item: T, deadline: Deadline) -> Result<(), PutError<T>> {
        let mut q = lock(&self.inner);
        if q.shutdown {
            return Err(PutError::ShutDown(item));
        }
        q = self.back_off(q, deadline, |q| {
            q.shutdown || self.maxsize == 0 || q.items.len() < self.maxsize
        });
        while self.maxsize > 0 && q.items.len() >= self.maxsize {
            q.putters += 1;
            let woken = deadline.wait(&self.not_full, q);
            let gave_up = woken.is_err();
            let (Ok(g) | Err(g)) = woken;
            q = g;
            q.putters -= 1;
            if q.shutdown {
                return Err(PutError::ShutDown(item));
            }
            if gave_up {
                return Err(PutError::Full(item));
            }
        }
        // A panicking `Ord` (PriorityQueue) may unwind out of `push`: count
        // what actually landed, keep the queue consistent, then re-raise.
        let before = q.items.len();
        let pushed = catch_unwind(AssertUnwindSafe(|| q.items.push(item)));
        let added = q.items.len() - before;
        q.unfinished += added;
        let wake = added > 0 && q.getters > 0;
        drop(q);
        if wake {
            self.not_empty.notify_one();
        }
        pushed.unwrap_or_else(|p| resume_unwind(p));
        Ok(())
    }

    /// Takes the next item, waiting for one if the queue is empty
    /// (Python: `get()`).
    ///
    /// # Errors
    /// [`ShutDown`] once the queue is shut down and empty.
    pub fn get(&self) -> Result<T, ShutDown> {
        self.get_until(Deadline::Never).map_err(|_| ShutDown(()))
    }

    /// Takes the next item if there is one now (Python: `get_nowait()`).
    ///
    /// # Errors
    /// [`GetError::Empty`], or [`GetError::ShutDown`] once shut down and empty.
    pub fn get_nowait(&self) -> Result<T, GetError> {
        self.get_until(Deadline::Now)
    }

    /// Takes the next item, waiting at most `timeout` (Python: `get(timeout=t)`).
    ///
    /// # Errors
    /// [`GetError::Empty`], or [`GetError::ShutDown`] once shut down and empty.
    pub fn get_timeout(&self, timeout: Duration) -> Result<T, GetError> {
        self.get_until(Deadline::after(timeout))
    }

    fn get_until(&self, deadline: Deadline) -> Result<T, GetError> {
        let mut q = lock(&self.inner);
        q = self.back_off(q, deadline, |q| q.shutdown || !q.items.is_empty());
        while q.items.is_empty() {
            if q.shutdown {
                return Err(GetError::ShutDown);
            }
            q.getters += 1;
            let woken = deadline.wait(&self.not_empty, q);
            let gave_up = woken.is_err();
            let (Ok(g) | Err(g)) = woken;
            q = g;
            q.getters -= 1;
            if gave_up {
                return Err(GetError::Empty);
            }
        }
        let before = q.items.len();
        let popped = catch_unwind(AssertUnwindSafe(|| q.items.pop()));
        let removed = before - q.items.len();
        let wake_putter = removed > 0 && self.maxsize > 0 && q.putters > 0;
        let mut wake_joiners = false;
        if popped.is_err() && removed > 0 {
            // The item was dropped mid-unwind: nobody can mark it done.
            q.unfinished = q.unfinished.saturating_sub(removed);
            wake_joiners = q.unfinished == 0 && q.joiners > 0;
        }
        drop(q);
        if wake_putter {
            self.not_full.notify_one();
        }
        if wake_joiners {
            self.all_tasks_done.notify_all();
        }
        match popped {
            Ok(Some(item)) => Ok(item),
            Ok(None) => unreachable!("a non-empty store yields an item"),
            Err(p) => resume_unwind(p),
        }
    }

    /// Before sleeping, lets the other side act for a moment: spin, then
    /// yield, re-checking `ready` each round (not for non-blocking calls).
    fn back_off<'a>(
        &'a self,
        mut q: MutexGuard<'a, Inner<S>>,
        deadline: Deadline,
        ready: impl Fn(&Inner<S>) -> bool,
    ) -> MutexGuard<'a, Inner<S>> {
        if deadline == Deadline::Now {
            return q;
        }
        for round in 0..BACKOFF_ROUNDS {
            if ready(&q) {
                break;
            }
            drop(q);
            backoff(round);
            q = lock(&self.inner);
        }
        q
    }

    /// Marks one item taken by `get` as processed (Python: `task_done()`).
    ///
    /// # Errors
    /// [`TooManyTaskDone`] if every item put is already done.
    pub fn task_done(&self) -> Result<(), TooManyTaskDone> {
        let mut q = lock(&self.inner);
        if q.unfinished == 0 {
            return Err(TooManyTaskDone);
        }
        q.unfinished -= 1;
        let wake = q.unfinished == 0 && q.joiners > 0;
        drop(q);
        if wake {
            self.all_tasks_done.notify_all();
        }
        Ok(())
    }

    /// Blocks until every item put has been marked done (Python: `join()`).
    pub fn join(&self) {
        self.join_until(Deadline::Never);
    }

    /// As [`join`](BaseQueue::join), giving up after `timeout`; `true` when
    /// all tasks are done (an extension: Python's `join` has no timeout).
    pub fn join_timeout(&self, timeout: Duration) -> bool {
        self.join_until(Deadline::after(timeout))
    }

    fn join_until(&self, deadline: Deadline) -> bool {
        let mut q = lock(&self.inner);
        while q.unfinished > 0 {
            q.joiners += 1;
            let woken = deadline.wait(&self.all_tasks_done, q);
            let gave_up = woken.is_err();
            let (Ok(g) | Err(g)) = woken;
            q = g;
            q.joiners -= 1;
            if gave_up {
                return q.unfinished == 0;
            }
        }
        true
    }

    /// Shuts the queue down (Python 3.13: `shutdown(immediate)`): `put`
    /// fails from now on and blocked putters wake with [`ShutDown`]; `get`
    /// drains what is left, then fails. With `immediate`, the items left are
    /// dropped, counted as done (waking `join`), and `get` fails at once.
    pub fn shutdown(&self, immediate: bool) {
        let mut q = lock(&self.inner);
        q.shutdown = true;
        let dropped = if immediate {
            let n = q.items.len();
            q.unfinished = q.unfinished.saturating_sub(n);
            Some(std::mem::take(&mut q.items)) // no `Ord` call, no panic
        } else {
            None
        };
        drop(q);
        drop(dropped); // items' destructors run outside the lock
        self.not_empty.notify_all();
        self.not_full.notify_all();
        self.all_tasks_done.notify_all();
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
            .finish()
    }
}
