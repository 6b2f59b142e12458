//! [`RLock`]: Python's `threading.RLock` — a reentrant lock that remembers
//! its owner thread and a recursion count: N acquires need N releases, and
//! only the owner may release.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use crate::error::ReleaseError;
use crate::primitive::sync::{Condvar, Mutex, MutexGuard};
use crate::primitive::thread;
use crate::waiting::{Deadline, lock};

type ThreadId = thread::ThreadId;

#[derive(Debug)]
struct Owner {
    /// The holding thread; `None` when free.
    thread: Option<ThreadId>,
    /// How many times the owner acquired it; 0 when free.
    count: usize,
    /// Threads parked on `freed`: release notifies only if some.
    waiters: usize,
}

/// A reentrant lock with Python's semantics: the owning thread may acquire
/// it again, each acquire needs its release, and a release by any other
/// thread is an error.
///
/// ```
/// use threads_sync::{RLock, ReleaseError};
///
/// let rlock = RLock::new();
/// fn depth(rlock: &RLock, n: u32) -> u32 {
///     let _held = rlock.lock(); // the same thread takes it again: fine
///     if n == 0 { 0 } else { 1 + depth(rlock, n - 1) }
/// }
/// assert_eq!(depth(&rlock, 5), 5);
///
/// rlock.acquire();
/// rlock.acquire();
/// rlock.release()?;
/// assert!(rlock.is_owned()); // one release to go
/// let other = std::thread::scope(|s| s.spawn(|| rlock.release()).join().unwrap());
/// assert_eq!(other, Err(ReleaseError::NotOwner));
/// rlock.release()?;
/// assert_eq!(rlock.release(), Err(ReleaseError::Unlocked));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct RLock {
    owner: Mutex<Owner>,
    freed: Condvar,
}

fn me() -> ThreadId {
    thread::current().id()
}

impl RLock {
    /// A new, unlocked reentrant lock.
    pub fn new() -> RLock {
        RLock {
            owner: Mutex::new(Owner {
                thread: None,
                count: 0,
                waiters: 0,
            }),
            freed: Condvar::new(),
        }
    }

    /// Blocks until this thread owns the lock; increments the count if it
    /// already does (Python: `acquire()`).
    pub fn acquire(&self) {
        self.acquire_until(Deadline::Never, 1);
    }

    /// Acquires without blocking if free or already ours
    /// (Python: `acquire(blocking=False)`).
    #[must_use = "false means the lock was not acquired"]
    pub fn try_acquire(&self) -> bool {
        self.acquire_until(Deadline::Now, 1)
    }

    /// Waits at most `timeout`; `true` if acquired (Python: `acquire(timeout=t)`).
    #[must_use = "false means the lock was not acquired"]
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.acquire_until(Deadline::after(timeout), 1)
    }

    /// Acquires and sets the count to `count` (or adds it when already ours).
    fn acquire_until(&self, deadline: Deadline, count: usize) -> bool {
        let me = me();
        let mut o = lock(&self.owner);
        if o.thread == Some(me) {
            o.count = o.count.checked_add(count).expect("RLock count overflow");
            return true;
        }
        while o.thread.is_some() {
            o = match deadline.wait_counted(&self.freed, o, |o| &mut o.waiters) {
                Ok(g) => g,
                Err(_) => return false,
            };
        }
        o.thread = Some(me);
        o.count = count;
        true
    }

    /// Releases one level; frees the lock when the count reaches zero
    /// (Python: `release()`).
    ///
    /// # Errors
    /// [`ReleaseError::Unlocked`] if nobody holds it,
    /// [`ReleaseError::NotOwner`] if another thread does.
    pub fn release(&self) -> Result<(), ReleaseError> {
        let mut o = self.owned()?;
        o.count -= 1;
        if o.count == 0 {
            self.free(o);
        }
        Ok(())
    }

    fn owned(&self) -> Result<MutexGuard<'_, Owner>, ReleaseError> {
        let o = lock(&self.owner);
        match o.thread {
            None => Err(ReleaseError::Unlocked),
            Some(t) if t != me() => Err(ReleaseError::NotOwner),
            Some(_) => Ok(o),
        }
    }

    fn free(&self, mut o: MutexGuard<'_, Owner>) {
        o.thread = None;
        o.count = 0;
        let wake = o.waiters > 0;
        drop(o);
        if wake {
            self.freed.notify_one();
        }
    }

    /// Releases every level at once and returns the count, for
    /// [`Condition::wait`](crate::Condition::wait) (CPython: `_release_save`).
    pub(crate) fn release_all(&self) -> Result<usize, ReleaseError> {
        let o = self.owned()?;
        let count = o.count;
        self.free(o);
        Ok(count)
    }

    /// Re-acquires with a saved count (CPython: `_acquire_restore`).
    pub(crate) fn acquire_count(&self, count: usize) {
        self.acquire_until(Deadline::Never, count);
    }

    /// Whether the calling thread owns the lock (CPython: `_is_owned`).
    pub fn is_owned(&self) -> bool {
        lock(&self.owner).thread == Some(me())
    }

    /// How many times the calling thread holds the lock: its recursion
    /// count if it owns the lock, else 0, as CPython 3.13's
    /// `_recursion_count()` (another thread's count is none of its business).
    ///
    /// ```
    /// use threads_sync::RLock;
    ///
    /// let r = RLock::new();
    /// let (_a, _b) = (r.lock(), r.lock());
    /// assert_eq!(r.count(), 2);
    /// let seen = std::thread::scope(|s| s.spawn(|| r.count()).join().unwrap());
    /// assert_eq!(seen, 0); // not the owner
    /// assert!(r.locked()); // though somebody holds it
    /// ```
    pub fn count(&self) -> usize {
        let o = lock(&self.owner);
        if o.thread == Some(me()) { o.count } else { 0 }
    }

    /// Whether any thread holds the lock now (Python 3.14: `locked()`); a
    /// snapshot.
    pub fn locked(&self) -> bool {
        lock(&self.owner).thread.is_some()
    }

    /// Blocks until owned; the guard releases one level on drop.
    pub fn lock(&self) -> RLockGuard<'_> {
        self.acquire();
        RLockGuard {
            rlock: self,
            _not_send: PhantomData,
        }
    }

    /// A guard if the lock is free or already ours.
    pub fn try_lock(&self) -> Option<RLockGuard<'_>> {
        self.try_acquire().then(|| RLockGuard {
            rlock: self,
            _not_send: PhantomData,
        })
    }

    /// A guard if the lock is acquired within `timeout`.
    pub fn lock_timeout(&self, timeout: Duration) -> Option<RLockGuard<'_>> {
        self.acquire_timeout(timeout).then(|| RLockGuard {
            rlock: self,
            _not_send: PhantomData,
        })
    }
}

impl Default for RLock {
    fn default() -> RLock {
        RLock::new()
    }
}

impl fmt::Debug for RLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = lock(&self.owner);
        f.debug_struct("RLock")
            .field("owner", &o.thread)
            .field("count", &o.count)
            .finish()
    }
}

/// One level of an [`RLock`]; released when dropped. It stays on the
/// owning thread (it is not `Send`), since only the owner may release.
#[must_use = "the level is released as soon as the guard is dropped"]
pub struct RLockGuard<'a> {
    rlock: &'a RLock,
    _not_send: PhantomData<*const ()>,
}

impl Drop for RLockGuard<'_> {
    fn drop(&mut self) {
        let _ = self.rlock.release();
    }
}

impl fmt::Debug for RLockGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RLockGuard")
    }
}
