//! [`Condition`]: Python's `threading.Condition` over a [`Lock`] or an
//! [`RLock`] — `wait` with a timeout, `wait_for` with one deadline for the
//! whole call, `notify(n)` that wakes at most `n`, `notify_all`.
//!
//! Built as CPython builds it: each waiter parks on a fresh, pre-acquired
//! [`Lock`] in a FIFO list, and `notify` releases the first `n` of them.

use std::collections::VecDeque;
use std::fmt;
use std::marker::PhantomData;
// std's Arc, not the facade's: `with_lock` takes the same type under loom.
use std::sync::Arc;
use std::time::{Duration, Instant};

mod lock_kind;

use crate::error::{NotOwned, ReleaseError};
use crate::lock::Lock;
use crate::primitive::sync::Mutex;
use crate::rlock::RLock;
use crate::waiting::{Deadline, lock};

pub use lock_kind::ConditionLock;

/// A condition variable with Python's semantics, over a shared lock
/// (an [`RLock`] by default, as in CPython).
///
/// `wait` releases the lock — all levels of a recursively held `RLock` —
/// sleeps, and re-acquires it as it was. Calls without holding the lock are
/// errors ([`NotOwned`]) instead of undefined behaviour.
///
/// ```
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use std::time::Duration;
/// use threads_sync::Condition;
///
/// let cond = Condition::new();
/// let ready = AtomicBool::new(false); // guarded by `cond`'s lock
/// std::thread::scope(|s| {
///     s.spawn(|| {
///         let _held = cond.lock();
///         ready.store(true, Ordering::Relaxed);
///         cond.notify(1).unwrap();
///     });
///     let _held = cond.lock();
///     let ok = cond
///         .wait_for(|| ready.load(Ordering::Relaxed), Some(Duration::from_secs(10)))
///         .unwrap();
///     assert!(ok);
/// });
/// ```
pub struct Condition<L: ConditionLock = RLock> {
    lock: Arc<L>,
    /// Parked waiters, oldest first; each sleeps on its own held `Lock`.
    waiters: Mutex<VecDeque<Arc<Lock>>>,
}

impl Condition<RLock> {
    /// A condition over a new [`RLock`] (Python: `Condition()`).
    pub fn new() -> Condition<RLock> {
        Condition::with_lock(Arc::new(RLock::new()))
    }
}

impl Default for Condition<RLock> {
    fn default() -> Self {
        Condition::new()
    }
}

impl<L: ConditionLock> Condition<L> {
    /// A condition over an existing, possibly shared lock
    /// (Python: `Condition(lock)`).
    pub fn with_lock(lock: Arc<L>) -> Condition<L> {
        Condition {
            lock,
            waiters: Mutex::new(VecDeque::new()),
        }
    }

    /// The underlying lock.
    pub fn lock_ref(&self) -> &Arc<L> {
        &self.lock
    }

    /// Acquires the underlying lock (Python: `cond.acquire()`).
    pub fn acquire(&self) {
        self.lock.acquire();
    }

    /// Releases the underlying lock (Python: `cond.release()`).
    ///
    /// # Errors
    /// When the caller may not release it.
    pub fn release(&self) -> Result<(), ReleaseError> {
        self.lock.release()
    }

    /// Acquires the underlying lock; the guard releases it on drop
    /// (Python: `with cond:`).
    pub fn lock(&self) -> ConditionGuard<'_, L> {
        self.lock.acquire();
        ConditionGuard {
            lock: &*self.lock,
            _not_send: PhantomData,
        }
    }

    /// Releases the lock, waits for a notification or the timeout, and
    /// re-acquires the lock. `Ok(false)` means it timed out
    /// (Python: `wait(timeout)`). A waiter that times out just as it is
    /// notified counts as notified, so no notification is lost.
    ///
    /// # Errors
    /// [`NotOwned`] if the caller does not hold the lock.
    pub fn wait(&self, timeout: Option<Duration>) -> Result<bool, NotOwned> {
        if !self.lock.is_owned() {
            return Err(NotOwned);
        }
        let me = Arc::new(Lock::new());
        me.acquire();
        lock(&self.waiters).push_back(Arc::clone(&me));
        let saved = match self.lock.release_save() {
            Ok(saved) => saved,
            Err(e) => {
                self.forget(&me);
                return Err(e);
            }
        };
        let notified = match timeout {
            None => {
                me.acquire();
                true
            }
            Some(t) => me.acquire_timeout(t) || !self.forget(&me),
        };
        self.lock.acquire_restore(saved);
        Ok(notified)
    }

    /// Removes a waiter that gave up; `false` if a notifier took it first.
    fn forget(&self, me: &Arc<Lock>) -> bool {
        let mut waiters = lock(&self.waiters);
        match waiters.iter().position(|w| Arc::ptr_eq(w, me)) {
            Some(i) => {
                waiters.remove(i);
                true
            }
            None => false,
        }
    }

    /// Waits until `predicate()` holds or the timeout passes; one deadline
    /// covers the whole call. Returns the predicate's last value
    /// (Python: `wait_for(predicate, timeout)`).
    ///
    /// # Errors
    /// [`NotOwned`] if the caller does not hold the lock.
    pub fn wait_for(
        &self,
        mut predicate: impl FnMut() -> bool,
        timeout: Option<Duration>,
    ) -> Result<bool, NotOwned> {
        let deadline = Deadline::from_timeout(timeout);
        loop {
            if predicate() {
                return Ok(true);
            }
            let left = match deadline {
                // No timeout, or one too far away to represent.
                Deadline::Never => None,
                Deadline::Now => return Ok(false),
                Deadline::At(at) => {
                    let left = at.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Ok(false);
                    }
                    Some(left)
                }
            };
            self.wait(left)?;
        }
    }

    /// Wakes at most `n` waiters, oldest first (Python: `notify(n)`).
    ///
    /// # Errors
    /// [`NotOwned`] if the caller does not hold the lock.
    pub fn notify(&self, n: usize) -> Result<(), NotOwned> {
        if !self.lock.is_owned() {
            return Err(NotOwned);
        }
        let woken: Vec<Arc<Lock>> = {
            let mut waiters = lock(&self.waiters);
            let k = n.min(waiters.len());
            waiters.drain(..k).collect()
        };
        for w in woken {
            let _ = w.release();
        }
        Ok(())
    }

    /// Wakes every waiter (Python: `notify_all()`).
    ///
    /// # Errors
    /// [`NotOwned`] if the caller does not hold the lock.
    pub fn notify_all(&self) -> Result<(), NotOwned> {
        self.notify(usize::MAX)
    }
}

impl<L: ConditionLock> fmt::Debug for Condition<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condition")
            .field("waiters", &lock(&self.waiters).len())
            .finish_non_exhaustive()
    }
}

/// Holds a [`Condition`]'s lock; releases it when dropped.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct ConditionGuard<'a, L: ConditionLock> {
    lock: &'a L,
    /// Stays on the acquiring thread, as an `RLock` must be released there.
    _not_send: PhantomData<*const ()>,
}

impl<L: ConditionLock> Drop for ConditionGuard<'_, L> {
    fn drop(&mut self) {
        let _ = self.lock.release();
    }
}

impl<L: ConditionLock> fmt::Debug for ConditionGuard<'_, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ConditionGuard")
    }
}
