//! How big and how long the runs of `tasks-vs-threads` are, on both sides:
//! the time limit of a run and the batches of a growing run.

use std::time::Duration;

use crate::idle_waiters::Kind;

/// The longest a run of waiters may take before it is given up.
pub(super) const LIMIT: Duration = Duration::from_secs(60);

/// Batches of the growing run: small enough not to overshoot the budget by
/// much, large enough that reading memory costs little.
pub(super) fn batch(kind: Kind) -> usize {
    match kind {
        Kind::Threads => 250,
        Kind::Tasks => 5_000,
    }
}
