//! The VM's `threading.Lock`: a plain lock any thread may release, with a
//! non-blocking fast path and a timed blocking path.
//!
//! The interpreter first tries to take it while holding the GIL, as
//! CPython's `acquire_timed` does; only if that fails does it release the
//! GIL and block here (`Py_BEGIN_ALLOW_THREADS`).

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// A `threading.Lock`.
///
/// ```
/// use gil_sim::vm::lock::VmLock;
/// use std::time::Duration;
/// let l = VmLock::default();
/// assert!(l.try_acquire());
/// assert!(!l.acquire_timeout(Duration::from_millis(1))); // already held
/// assert!(l.release());
/// assert!(!l.release()); // releasing an unlocked lock is an error
/// ```
#[derive(Debug, Default)]
pub struct VmLock {
    /// (locked, waiters): waiters so that an uncontended release makes no syscall.
    state: Mutex<(bool, u32)>,
    cond: Condvar,
}

impl VmLock {
    fn state(&self) -> MutexGuard<'_, (bool, u32)> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the lock if it is free.
    pub fn try_acquire(&self) -> bool {
        let mut st = self.state();
        !std::mem::replace(&mut st.0, true)
    }

    /// Takes the lock, waiting at most `limit`; false on timeout. A limit
    /// too long to be a deadline waits as long as it takes (no overflow).
    pub fn acquire_timeout(&self, limit: Duration) -> bool {
        let deadline = Instant::now().checked_add(limit);
        let mut st = self.state();
        while st.0 {
            // No deadline: wait in long steps, for ever.
            let left = deadline.map_or(Duration::from_secs(3600), |d| {
                d.saturating_duration_since(Instant::now())
            });
            if left.is_zero() {
                return false;
            }
            st.1 += 1;
            st = self
                .cond
                .wait_timeout(st, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
            st.1 -= 1;
        }
        st.0 = true;
        true
    }

    /// Releases the lock; false if it was not locked (`RuntimeError` in Python).
    pub fn release(&self) -> bool {
        let mut st = self.state();
        if !st.0 {
            return false;
        }
        st.0 = false;
        if st.1 > 0 {
            self.cond.notify_one();
        }
        true
    }
}
