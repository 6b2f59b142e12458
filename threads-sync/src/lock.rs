//! [`Lock`]: Python's `threading.Lock` — a non-reentrant lock that any
//! thread may release, with blocking, non-blocking and timed acquire, built
//! as one atomic state word with a parking fallback (no syscall when
//! uncontended, a short spin before sleeping).

use std::fmt;
use std::time::Duration;

use crate::error::ReleaseError;
use crate::primitive::sync::atomic::{AtomicU32, Ordering};
use crate::primitive::sync::{Condvar, Mutex};
use crate::waiting::{Deadline, lock};

/// Free.
const UNLOCKED: u32 = 0;
/// Held, and nobody is parked: release needs no wake-up.
const LOCKED: u32 = 1;
/// Held, and somebody may be parked: release must wake one.
const CONTENDED: u32 = 2;

/// How often a blocked acquire re-tries before it parks. Under loom once,
/// so that the models explore the spin-then-CAS path as well as parking.
#[cfg(not(threads_sync_loom))]
const SPINS: u32 = 100;
#[cfg(threads_sync_loom)]
const SPINS: u32 = 1;

/// A non-reentrant lock with Python's semantics: it guards no data of its
/// own, any thread may release it, acquiring can time out, and releasing an
/// unlocked lock is an error.
///
/// Prefer [`std::sync::Mutex`] when the lock protects one value you own:
/// the compiler then checks that nobody touches the value unlocked. Use
/// `Lock` where Python code relies on what `Mutex` cannot do: a timeout, a
/// release from another thread, or a lock that is handed over.
///
/// ```
/// use std::time::Duration;
/// use threads_sync::Lock;
///
/// let lock = Lock::new();
/// {
///     let _held = lock.lock(); // released when the guard drops
///     assert!(!lock.try_acquire()); // not reentrant
///     assert!(!lock.acquire_timeout(Duration::from_millis(1)));
/// }
/// lock.acquire(); // Python style: acquire ...
/// lock.release()?; // ... and release, from any thread
/// assert!(lock.release().is_err()); // not held any more
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Lock {
    /// `UNLOCKED`, `LOCKED` or `CONTENDED`.
    state: AtomicU32,
    /// Parked acquirers sleep on `unparked` holding this mutex; a release
    /// that saw `CONTENDED` takes it before notifying, so it cannot slip in
    /// between a parker's last look at `state` and its sleep.
    park: Mutex<()>,
    unparked: Condvar,
}

impl Lock {
    /// A new, unlocked lock.
    pub fn new() -> Lock {
        Lock {
            state: AtomicU32::new(UNLOCKED),
            park: Mutex::new(()),
            unparked: Condvar::new(),
        }
    }

    /// Blocks until the lock is acquired (Python: `acquire()`).
    pub fn acquire(&self) {
        if !self.try_acquire() {
            self.acquire_slow(Deadline::Never);
        }
    }

    /// Acquires the lock if it is free, without blocking
    /// (Python: `acquire(blocking=False)`).
    #[must_use = "false means the lock was not acquired"]
    pub fn try_acquire(&self) -> bool {
        // Acquire: pairs with the Release in `release`, so everything the
        // previous holder wrote is visible to the new one.
        self.state
            .compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// Waits at most `timeout` for the lock; `true` if acquired
    /// (Python: `acquire(timeout=t)`).
    #[must_use = "false means the lock was not acquired"]
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.try_acquire() || self.acquire_slow(Deadline::after(timeout))
    }

    fn acquire_slow(&self, deadline: Deadline) -> bool {
        for _ in 0..SPINS {
            match self.state.load(Ordering::Relaxed) {
                UNLOCKED if self.try_acquire() => return true,
                CONTENDED => break, // others already sleep: join them
                _ => std::hint::spin_loop(),
            }
        }
        loop {
            // Mark the lock contended; if it was free, we now hold it
            // (conservatively marked contended: one spare wake-up at most).
            if self.state.swap(CONTENDED, Ordering::Acquire) == UNLOCKED {
                return true;
            }
            let mut parked = lock(&self.park);
            while self.state.load(Ordering::Relaxed) == CONTENDED {
                parked = match deadline.wait(&self.unparked, parked) {
                    Ok(g) => g,
                    Err(_) => return false,
                };
            }
        }
    }

    /// Releases the lock, from any thread (Python: `release()`).
    ///
    /// # Errors
    /// [`ReleaseError::Unlocked`] if the lock was not held.
    pub fn release(&self) -> Result<(), ReleaseError> {
        // Release: pairs with the Acquire in `try_acquire`/`acquire_slow`.
        match self.state.swap(UNLOCKED, Ordering::Release) {
            UNLOCKED => Err(ReleaseError::Unlocked),
            LOCKED => Ok(()),
            _ => {
                // Taking `park` orders us after any parker's last look at
                // `state`: it is either asleep on `unparked` or will see
                // UNLOCKED.
                drop(lock(&self.park));
                self.unparked.notify_one();
                Ok(())
            }
        }
    }

    /// Whether someone holds the lock (Python: `locked()`); a snapshot.
    pub fn locked(&self) -> bool {
        self.state.load(Ordering::Relaxed) != UNLOCKED
    }

    /// Blocks until acquired; the guard releases on drop (Python: `with lock:`).
    pub fn lock(&self) -> LockGuard<'_> {
        self.acquire();
        LockGuard { lock: self }
    }

    /// A guard if the lock is free now.
    pub fn try_lock(&self) -> Option<LockGuard<'_>> {
        self.try_acquire().then(|| LockGuard { lock: self })
    }

    /// A guard if the lock is acquired within `timeout`.
    pub fn lock_timeout(&self, timeout: Duration) -> Option<LockGuard<'_>> {
        self.acquire_timeout(timeout)
            .then(|| LockGuard { lock: self })
    }
}

impl Default for Lock {
    fn default() -> Lock {
        Lock::new()
    }
}

impl fmt::Debug for Lock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lock")
            .field("locked", &self.locked())
            .finish()
    }
}

/// Holds a [`Lock`]; releases it when dropped.
///
/// Like Python's `with lock:`, the guard releases whatever holds the lock
/// at that moment: do not combine a guard with an explicit
/// [`Lock::release`] of the same acquisition.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct LockGuard<'a> {
    lock: &'a Lock,
}

impl LockGuard<'_> {
    /// Keeps the lock held without a guard: some thread must later call
    /// [`Lock::release`] (a hand-over, as Python allows).
    pub fn keep_locked(self) {
        std::mem::forget(self);
    }
}

impl Drop for LockGuard<'_> {
    fn drop(&mut self) {
        // Only fails if someone released this acquisition explicitly.
        let _ = self.lock.release();
    }
}

impl fmt::Debug for LockGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LockGuard")
    }
}
