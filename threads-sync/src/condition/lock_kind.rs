//! [`ConditionLock`]: the two locks a [`Condition`](super::Condition) can
//! be built on, [`Lock`] and [`RLock`], and the release-all / restore pair
//! its `wait` needs (CPython: `_release_save` / `_acquire_restore`).

use crate::error::{NotOwned, ReleaseError};
use crate::lock::Lock;
use crate::rlock::RLock;

/// A lock a [`Condition`](super::Condition) can be built on: [`Lock`] or [`RLock`].
pub trait ConditionLock: Send + Sync + sealed::Sealed {
    /// Blocks until acquired.
    fn acquire(&self);
    /// Releases one level.
    ///
    /// # Errors
    /// When the caller may not release it.
    fn release(&self) -> Result<(), ReleaseError>;
    /// Whether the caller holds it: for an [`RLock`] the calling thread owns
    /// it; a [`Lock`] has no owner, so held by anyone counts (as in CPython).
    fn is_owned(&self) -> bool;
    /// Releases it completely and returns what `restore` needs.
    #[doc(hidden)]
    fn release_save(&self) -> Result<usize, NotOwned>;
    /// Re-acquires it as `release_save` found it.
    #[doc(hidden)]
    fn acquire_restore(&self, saved: usize);
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Lock {}
    impl Sealed for super::RLock {}
}

impl ConditionLock for Lock {
    fn acquire(&self) {
        Lock::acquire(self);
    }
    fn release(&self) -> Result<(), ReleaseError> {
        Lock::release(self)
    }
    fn is_owned(&self) -> bool {
        self.locked()
    }
    fn release_save(&self) -> Result<usize, NotOwned> {
        Lock::release(self).map(|()| 1).map_err(|_| NotOwned)
    }
    fn acquire_restore(&self, _saved: usize) {
        Lock::acquire(self);
    }
}

impl ConditionLock for RLock {
    fn acquire(&self) {
        RLock::acquire(self);
    }
    fn release(&self) -> Result<(), ReleaseError> {
        RLock::release(self)
    }
    fn is_owned(&self) -> bool {
        RLock::is_owned(self)
    }
    fn release_save(&self) -> Result<usize, NotOwned> {
        self.release_all().map_err(|_| NotOwned)
    }
    fn acquire_restore(&self, saved: usize) {
        self.acquire_count(saved);
    }
}
