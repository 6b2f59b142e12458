//! Deadlines from timeouts, without overflow: `Instant::now() + timeout`
//! panics when the sum lies past what an `Instant` can hold, and a caller
//! may pass any `Duration` (`Duration::MAX` reads as "wait as long as it
//! takes"). [`after`] returns `None` then: no deadline, wait without one.
//!
//! ```
//! use std::time::Duration;
//! use subprocess_pipes::deadline;
//!
//! assert!(deadline::after(Duration::from_secs(1)).is_some());
//! assert_eq!(deadline::after(Duration::MAX), None); // no deadline, no panic
//! assert_eq!(deadline::remaining(None), None);
//! ```

use std::time::{Duration, Instant};

/// The instant `timeout` from now, or `None` when it cannot be represented
/// (the timeout is so long that it means "no deadline").
pub fn after(timeout: Duration) -> Option<Instant> {
    Instant::now().checked_add(timeout)
}

/// Time left until `deadline` (zero once it has passed); `None` for no
/// deadline.
pub fn remaining(deadline: Option<Instant>) -> Option<Duration> {
    deadline.map(|d| d.saturating_duration_since(Instant::now()))
}

/// True once `deadline` has passed; never for no deadline.
pub fn passed(deadline: Option<Instant>) -> bool {
    deadline.is_some_and(|d| Instant::now() >= d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any timeout a caller can pass gives a deadline or none, and
        /// never panics; a representable one is at least `timeout` away.
        #[test]
        fn any_timeout_gives_a_deadline_or_none(secs in any::<u64>(), nanos in 0u32..1_000_000_000) {
            let timeout = Duration::new(secs, nanos);
            let before = Instant::now();
            match after(timeout) {
                Some(d) => prop_assert!(d >= before + timeout),
                None => prop_assert!(before.checked_add(timeout).is_none()),
            }
            let _ = remaining(after(timeout));
            let _ = passed(after(timeout));
        }
    }

    #[test]
    fn the_largest_timeouts_mean_no_deadline() {
        assert_eq!(after(Duration::MAX), None);
        assert!(!passed(None));
        assert!(passed(Some(Instant::now())));
        assert_eq!(remaining(Some(Instant::now())), Some(Duration::ZERO));
    }
}
