//! [`BoundedSemaphore`]: a [`Semaphore`] whose value may never rise above
//! its initial one (Python: `threading.BoundedSemaphore`).

use std::fmt;
use std::time::Duration;

use super::Semaphore;
use crate::error::TooManyReleases;
use crate::waiting::lock;

/// A semaphore that may never rise above its initial value: a release
/// without a matching acquire is an error, which catches resource leaks
/// and double releases (Python: `threading.BoundedSemaphore(value)`).
///
/// ```
/// use threads_sync::BoundedSemaphore;
///
/// let sem = BoundedSemaphore::new(1);
/// assert!(sem.release(1).is_err()); // nobody took it
/// sem.acquire();
/// sem.release(1)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct BoundedSemaphore {
    sem: Semaphore,
    bound: usize,
}

impl BoundedSemaphore {
    /// A bounded semaphore with `value` permits, which is also its bound.
    pub fn new(value: usize) -> BoundedSemaphore {
        BoundedSemaphore {
            sem: Semaphore::new(value),
            bound: value,
        }
    }

    /// See [`Semaphore::acquire`].
    pub fn acquire(&self) {
        self.sem.acquire();
    }

    /// See [`Semaphore::try_acquire`].
    #[must_use = "false means no permit was taken"]
    pub fn try_acquire(&self) -> bool {
        self.sem.try_acquire()
    }

    /// See [`Semaphore::acquire_timeout`].
    #[must_use = "false means no permit was taken"]
    pub fn acquire_timeout(&self, timeout: Duration) -> bool {
        self.sem.acquire_timeout(timeout)
    }

    /// Returns `n` permits, unless that would exceed the initial value.
    ///
    /// # Errors
    /// [`TooManyReleases`], leaving the value unchanged.
    pub fn release(&self, n: usize) -> Result<(), TooManyReleases> {
        let c = lock(&self.sem.count);
        if c.value.checked_add(n).is_none_or(|v| v > self.bound) {
            return Err(TooManyReleases {
                value: c.value,
                n,
                bound: self.bound,
            });
        }
        self.sem.add(c, n); // checked above: cannot saturate
        Ok(())
    }

    /// The number of free permits now; a snapshot.
    pub fn value(&self) -> usize {
        self.sem.value()
    }

    /// The initial value, which the value may not exceed.
    pub fn bound(&self) -> usize {
        self.bound
    }

    /// A permit whose drop releases it (ignoring [`TooManyReleases`], which
    /// only an unmatched explicit release elsewhere can cause).
    pub fn permit(&self) -> BoundedPermit<'_> {
        self.acquire();
        BoundedPermit { sem: self }
    }

    /// A permit if one is free now.
    pub fn try_permit(&self) -> Option<BoundedPermit<'_>> {
        self.try_acquire().then(|| BoundedPermit { sem: self })
    }

    /// A permit if one frees up within `timeout`.
    pub fn permit_timeout(&self, timeout: Duration) -> Option<BoundedPermit<'_>> {
        self.acquire_timeout(timeout)
            .then(|| BoundedPermit { sem: self })
    }

    /// See [`Semaphore::waiters`].
    pub fn waiters(&self) -> usize {
        self.sem.waiters()
    }
}

impl fmt::Debug for BoundedSemaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundedSemaphore")
            .field("value", &self.value())
            .field("bound", &self.bound)
            .finish()
    }
}

/// One permit of a [`BoundedSemaphore`]; returned when dropped.
#[must_use = "the permit is returned as soon as it is dropped"]
pub struct BoundedPermit<'a> {
    sem: &'a BoundedSemaphore,
}

impl Drop for BoundedPermit<'_> {
    fn drop(&mut self) {
        let _ = self.sem.release(1);
    }
}

impl fmt::Debug for BoundedPermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BoundedPermit")
    }
}
