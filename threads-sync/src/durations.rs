//! The durations the experiments wait: the generous timeout every blocking
//! wait in a demo gets so nothing can hang, and a short way to write
//! milliseconds.

use std::time::Duration;

/// The longest any demo thread blocks on one wait before the experiment
/// reports an error instead of hanging.
pub const WATCHDOG: Duration = Duration::from_secs(20);

/// `n` milliseconds.
pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}
