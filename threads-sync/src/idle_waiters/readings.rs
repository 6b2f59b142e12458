//! What a growing run reads while it starts waiters: resident memory and
//! the machine's kernel stacks now, whether the budget is spent, and what
//! the parked waiters hold.

use super::held::{Held, Stop};
use crate::memory_usage::{kernel_stack_bytes, rss_bytes};

/// Memory now: (resident, kernel stacks).
pub(super) fn memory() -> (u64, u64) {
    (rss_bytes().unwrap_or(0), kernel_stack_bytes().unwrap_or(0))
}

/// Whether resident memory grew by `budget` bytes or more since it was
/// `before`.
pub(super) fn grown(before: u64, budget: u64) -> bool {
    rss_bytes().unwrap_or(0).saturating_sub(before) >= budget
}

/// What `parked` waiters hold now, against the memory read `before` the
/// first one started (both from [`memory`]).
pub(super) fn held_since(before: (u64, u64), parked: usize, start_secs: f64, stop: Stop) -> Held {
    let now = memory();
    Held {
        parked,
        start_secs,
        rss_delta: now.0.saturating_sub(before.0),
        kernel_delta: now.1.saturating_sub(before.1),
        stop,
    }
}
