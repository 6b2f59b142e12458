//! [`Event`]: Python's `threading.Event` — a flag threads wait for; `set`
//! wakes every waiter (even if `clear` follows at once), `clear` re-arms it.

use std::fmt;
use std::time::Duration;

use crate::primitive::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use crate::primitive::sync::{Condvar, Mutex};
use crate::waiting::{BACKOFF_ROUNDS, Deadline, backoff, lock};

#[derive(Debug)]
struct Flag {
    set: bool,
    /// Bumped by every `set`: a waiter that sees it change was signalled,
    /// even if the flag has been cleared again since.
    generation: u64,
    /// Threads parked on `changed`: `set` notifies only if some.
    waiters: usize,
}

/// A one-bit signal between threads (Python: `threading.Event`).
///
/// Use an `Event` for "something happened, go" (start, stop, ready) where
/// waiters need no data with the signal; use a [`Condition`](crate::Condition)
/// when waiters check a richer state under a lock.
///
/// ```
/// use std::time::Duration;
/// use threads_sync::Event;
///
/// let started = Event::new();
/// std::thread::scope(|s| {
///     s.spawn(|| started.set());
///     assert!(started.wait(Some(Duration::from_secs(10)))); // true: it was set
/// });
/// started.clear();
/// assert!(!started.wait(Some(Duration::from_millis(1)))); // false: timed out
/// ```
pub struct Event {
    flag: Mutex<Flag>,
    changed: Condvar,
    /// Mirror of `flag.set` for the lock-free fast paths of `is_set`/`wait`.
    fast: AtomicBool,
    /// Mirror of `flag.generation`, so a waiter can note it on entry and
    /// spin a little before it locks and sleeps without missing a `set`.
    fast_generation: AtomicU64,
}

impl Event {
    /// A new, clear event.
    pub fn new() -> Event {
        Event {
            flag: Mutex::new(Flag {
                set: false,
                generation: 0,
                waiters: 0,
            }),
            changed: Condvar::new(),
            fast: AtomicBool::new(false),
            fast_generation: AtomicU64::new(0),
        }
    }

    /// Whether the flag is set (Python: `is_set()`).
    pub fn is_set(&self) -> bool {
        // Acquire: pairs with `set`, so what the setter wrote before is visible.
        self.fast.load(Ordering::Acquire)
    }

    /// Sets the flag and wakes every waiting thread (Python: `set()`).
    pub fn set(&self) {
        let mut f = lock(&self.flag);
        f.set = true;
        f.generation = f.generation.wrapping_add(1);
        self.fast_generation.store(f.generation, Ordering::Release);
        self.fast.store(true, Ordering::Release);
        let wake = f.waiters > 0;
        drop(f);
        if wake {
            self.changed.notify_all();
        }
    }

    /// Clears the flag; later `wait`s block again (Python: `clear()`).
    pub fn clear(&self) {
        let mut f = lock(&self.flag);
        f.set = false;
        self.fast.store(false, Ordering::Relaxed);
    }

    /// How many threads are blocked in [`wait`](Event::wait) now; a
    /// snapshot, for tests and diagnostics.
    pub fn waiters(&self) -> usize {
        lock(&self.flag).waiters
    }

    /// Blocks until the flag is set or the timeout passes; `true` if it was
    /// set (Python: `wait(timeout)`). A `set` that happens while this thread
    /// waits wakes it with `true` even if `clear` follows immediately.
    #[must_use = "false means the wait timed out"]
    pub fn wait(&self, timeout: Option<Duration>) -> bool {
        if self.is_set() {
            return true;
        }
        // From here this thread counts as waiting: any later `set` bumps
        // the generation, and that wakes it even if `clear` follows.
        let seen = self.fast_generation.load(Ordering::Acquire);
        let deadline = Deadline::from_timeout(timeout);
        if timeout != Some(Duration::ZERO) {
            for round in 0..BACKOFF_ROUNDS {
                if self.fast_generation.load(Ordering::Acquire) != seen {
                    return true;
                }
                backoff(round);
            }
        }
        let mut f = lock(&self.flag);
        if f.set {
            return true;
        }
        // A changed generation means a `set` came, cleared or not.
        while f.generation == seen {
            f = match deadline.wait_counted(&self.changed, f, |f| &mut f.waiters) {
                Ok(g) => g,
                Err(_) => return false,
            };
        }
        true
    }
}

impl Default for Event {
    fn default() -> Event {
        Event::new()
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("set", &self.is_set())
            .finish()
    }
}
