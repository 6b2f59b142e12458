//! The back-off of a blocked caller before it sleeps on a condition
//! variable: a sleep and a wake-up cost microseconds, while the other side
//! usually acts within a few hundred nanoseconds.

use crate::primitive::thread;

/// Rounds of spinning, then yielding, that a blocked caller tries before
/// it sleeps. Under loom one round, so that the models explore the path
/// that drops the mutex, spins and re-takes it (more rounds would only
/// multiply the interleavings without adding a new kind of step).
#[cfg(not(threads_sync_loom))]
pub(crate) const BACKOFF_ROUNDS: u32 = 10;
#[cfg(threads_sync_loom)]
pub(crate) const BACKOFF_ROUNDS: u32 = 1;

/// Round `round` of the backoff: spin 2^round times, then yield the core.
pub(crate) fn backoff(round: u32) {
    if round < 6 {
        for _ in 0..(1u32 << round) {
            std::hint::spin_loop();
        }
    } else {
        thread::yield_now();
    }
}
