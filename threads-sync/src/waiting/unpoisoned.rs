//! [`lock`]: takes an internal mutex and ignores its poison flag.
//!
//! No user code ever runs while a primitive holds one of its internal
//! mutexes and unwinds through it (user code runs outside the mutex, or
//! inside it under `catch_unwind`), so a poison flag could only be stale:
//! it is ignored rather than propagated, and a primitive stays usable after
//! a panic, as the crate documentation promises.

use std::sync::PoisonError;

use crate::primitive::sync::{Mutex, MutexGuard};

/// Locks an internal mutex, poisoned or not.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(all(test, not(threads_sync_loom)))]
mod tests {
    use super::*;

    #[test]
    fn an_internal_mutex_is_still_usable_after_a_panic_while_held() {
        let m = Mutex::new(1);
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _g = lock(&m);
            panic!("unwind while it is held");
        }));
        assert_eq!(*lock(&m), 1);
    }
}
