//! The errors of the primitives: one precise type per failure that CPython
//! reports with an exception (`RuntimeError`, `ValueError`,
//! `BrokenBarrierError`, `queue.Full`, `queue.Empty`, `queue.ShutDown`).

use std::fmt;

/// Releasing a lock that the caller may not release
/// (CPython: `RuntimeError: release unlocked lock`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReleaseError {
    /// The lock was not held by anyone.
    #[error("release of an unlocked lock")]
    Unlocked,
    /// An [`RLock`](crate::RLock) held by another thread.
    #[error("release of an RLock owned by another thread")]
    NotOwner,
}

/// Waiting on or notifying a [`Condition`](crate::Condition) whose lock the
/// caller does not hold (CPython: `RuntimeError: cannot wait on un-acquired lock`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the condition's lock is not held by the caller")]
pub struct NotOwned;

/// Releasing a [`BoundedSemaphore`](crate::BoundedSemaphore) above its
/// initial value (CPython: `ValueError: Semaphore released too many times`).
/// The value is left unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("semaphore released too many times: value {value} + {n} > bound {bound}")]
pub struct TooManyReleases {
    /// The value before the refused release.
    pub value: usize,
    /// How many releases were asked for.
    pub n: usize,
    /// The initial value, which the semaphore may not exceed.
    pub bound: usize,
}

/// A [`Barrier`](crate::Barrier) that is (or became) broken: aborted, reset
/// while this thread waited, timed out, or its action panicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the barrier is broken")]
pub struct BrokenBarrier;

/// A barrier needs at least one party (CPython: `ValueError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a barrier needs at least one party")]
pub struct ZeroParties;

/// More `task_done()` calls than items put
/// (CPython: `ValueError: task_done() called too many times`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("task_done() called too many times")]
pub struct TooManyTaskDone;

/// The queue was shut down (CPython 3.13: `queue.ShutDown`). A refused
/// `put` hands its item back in the field; a refused `get` carries `()`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ShutDown<T = ()>(pub T);

impl<T> fmt::Debug for ShutDown<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ShutDown(..)")
    }
}

impl<T> fmt::Display for ShutDown<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue is shut down")
    }
}

impl<T> std::error::Error for ShutDown<T> {}

/// Why a non-blocking or timed `put` did not enqueue; the item comes back.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PutError<T> {
    /// The queue stayed full (CPython: `queue.Full`).
    Full(T),
    /// The queue is shut down (CPython: `queue.ShutDown`).
    ShutDown(T),
}

impl<T> PutError<T> {
    /// The item that was not enqueued.
    pub fn into_inner(self) -> T {
        match self {
            PutError::Full(t) | PutError::ShutDown(t) => t,
        }
    }
}

impl<T> fmt::Debug for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PutError::Full(_) => f.write_str("Full(..)"),
            PutError::ShutDown(_) => f.write_str("ShutDown(..)"),
        }
    }
}

impl<T> fmt::Display for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PutError::Full(_) => f.write_str("the queue is full"),
            PutError::ShutDown(_) => f.write_str("the queue is shut down"),
        }
    }
}

impl<T> std::error::Error for PutError<T> {}

/// Why a non-blocking or timed `get` returned no item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GetError {
    /// The queue stayed empty (CPython: `queue.Empty`).
    #[error("the queue is empty")]
    Empty,
    /// The queue is shut down and empty (CPython: `queue.ShutDown`).
    #[error("the queue is shut down")]
    ShutDown,
}
