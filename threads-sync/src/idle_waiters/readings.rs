//! What a growing run reads while it starts waiters: resident memory and
//! the machine's kernel stacks now, and whether the budget is spent.

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
