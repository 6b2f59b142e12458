//! The facade every primitive is written on, as crossbeam-utils' `primitive`
//! module is: pure re-exports of `std::sync`, `std::sync::atomic` and
//! `std::thread` normally, and of loom's equivalents under
//! `--cfg threads_sync_loom`, so that `tests/loom.rs` model-checks the very
//! code that ships. Nothing here has a body of its own: both sides have
//! std's API, and the helpers the primitives share on top of it (locking
//! without poisoning, deadlines, back-off) are in [`crate::waiting`],
//! written once.

#[cfg(not(threads_sync_loom))]
pub(crate) mod sync {
    pub(crate) use std::sync::{Condvar, Mutex, MutexGuard};

    pub(crate) mod atomic {
        pub(crate) use std::sync::atomic::{
            AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering,
        };
    }
}

#[cfg(threads_sync_loom)]
pub(crate) mod sync {
    pub(crate) use loom::sync::{Condvar, Mutex, MutexGuard};

    pub(crate) mod atomic {
        pub(crate) use loom::sync::atomic::{
            AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering,
        };
    }
}

#[cfg(not(threads_sync_loom))]
pub(crate) use std::thread;

#[cfg(threads_sync_loom)]
pub(crate) use loom::thread;
