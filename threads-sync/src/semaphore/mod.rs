//! [`Semaphore`] and [`BoundedSemaphore`]: Python's counters of free
//! resources — `acquire` takes one (blocking, non-blocking or timed),
//! `release(n)` returns `n`; the bounded one refuses to rise above its
//! initial value.

use std::fmt;
use std::time::Duration;

mod bounded;

pub use bounded::{BoundedPermit, BoundedSemaphore};

use crate::primitive::sync::{Condvar, Mutex, MutexGuard};
use crate::waiting::{BACKOFF_ROUNDS, Deadline, backoff, lock};

#[derive(Debug)]
struct Count {
    /// Free permits.
    value: usize,
    /// Threads parked on `available`: release notifies at most this many.
    waiters: usize,
}

/// A counting semaphore (Python: `threading.Semaphore(value)`).
///
/// ```
/// use threads_sync::Semaphore;
///
/// let pool = Semaphore::new(2); // two resources
/// let a = pool.permit(); // released on drop
/// let b = pool.permit();
/// assert!(pool.try_permit().is_none()); // both in use
/// drop(a);
/// assert!(pool.try_acquire()); // Python style ...
/// pool.release(1); // ... release, from any thread
/// drop(b);
/// assert_eq!(pool.value(), 2);
/// ```
pub struct Semaphore {
    count: Mutex<Count>,
    available: Condvar,
}

impl Semaphore {
    /// A semaphore with `value` free permits.
    pub fn new(value: usize) -> Semaphore {
        Semaphore {
            count: Mutex::new(Count { value, waiters: 0 }),
            available: Condvar::new(),
        }
    }

    /// Blocks until a permit is free and takes it (Python: `acquire()`).
    pub fn acquire(&self) {
        self.acquire_until(Deadline::Never);
    }

    /// Takes a permit if one is free now (Python: `acquire(blocking=False)`).
    #[must_use = "false means no permit was taken"]
    pub fn try_acquire(&self) -> bool {
        self.acquire_until(Deadline::Now)
    }

    /// Waits at most `timeout` for a permit; `true` if taken
    /// (Python: `acquire(timeout=t)`).
    #[must_use = "false means no permit was taken"]
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.acquire_until(Deadline::after(timeout))
    }

    fn acquire_until(&self, deadline: Deadline) -> bool {
        let mut c = lock(&self.count);
        if deadline != Deadline::Now {
            // A release usually comes within microseconds: spin before sleeping.
            for round in 0..BACKOFF_ROUNDS {
                if c.value > 0 {
                    break;
                }
                drop(c);
                backoff(round);
                c = lock(&self.count);
            }
        }
        while c.value == 0 {
            c = match deadline.wait_counted(&self.available, c, |c| &mut c.waiters) {
                Ok(g) => g,
                Err(_) => return false,
            };
        }
        c.value -= 1;
        true
    }

    /// Returns `n` permits and wakes at most `n` waiters
    /// (Python: `release(n)`). `n = 0` does nothing (CPython raises
    /// `ValueError`); the count saturates at `usize::MAX`.
    pub fn release(&self, n: usize) {
        self.add(lock(&self.count), n);
    }

    /// Adds `n` permits under the held mutex (saturating), then drops it and
    /// wakes at most `n` parked waiters.
    fn add(&self, mut c: MutexGuard<'_, Count>, n: usize) {
        c.value = c.value.saturating_add(n);
        let wake = n.min(c.waiters);
        drop(c);
        for _ in 0..wake {
            self.available.notify_one();
        }
    }

    /// The number of free permits now (CPython: `_value`); a snapshot.
    pub fn value(&self) -> usize {
        lock(&self.count).value
    }

    /// How many threads are parked in `acquire` now; a snapshot, for tests
    /// and diagnostics (threads still spinning before they sleep are not
    /// counted).
    pub fn waiters(&self) -> usize {
        lock(&self.count).waiters
    }

    /// Blocks for a permit; the guard returns it on drop (Python: `with sem:`).
    pub fn permit(&self) -> Permit<'_> {
        self.acquire();
        Permit { sem: self }
    }

    /// A permit if one is free now.
    pub fn try_permit(&self) -> Option<Permit<'_>> {
        self.try_acquire().then(|| Permit { sem: self })
    }

    /// A permit if one frees up within `timeout`.
    pub fn permit_timeout(&self, timeout: Duration) -> Option<Permit<'_>> {
        self.acquire_timeout(timeout).then(|| Permit { sem: self })
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("value", &self.value())
            .finish()
    }
}

/// One permit of a [`Semaphore`]; returned when dropped.
#[must_use = "the permit is returned as soon as it is dropped"]
pub struct Permit<'a> {
    sem: &'a Semaphore,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.sem.release(1);
    }
}

impl fmt::Debug for Permit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Permit")
    }
}
