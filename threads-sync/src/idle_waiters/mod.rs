//! Idle waiters by the thousand, as OS threads or as tokio tasks: what
//! `tasks-vs-threads` measures. Each waiter parks on one shared signal
//! (with a timeout, as every wait in a demo has) until it is released.

mod held;
mod readings;
mod tasks;
mod threads;

use std::time::{Duration, Instant};

pub use held::{Held, Stop};

/// What the waiters are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `std::thread` with the default stack, parked on an [`Event`](crate::Event).
    Threads,
    /// Tasks on a one-thread tokio runtime, awaiting a `tokio::sync::Notify`.
    Tasks,
}

/// Starts waiters of `kind` in batches of `batch` until `cap` are parked,
/// memory grew past `budget` bytes, the OS refuses one, or `limit` passed;
/// reads memory with all of them parked, then releases and joins them all.
pub fn hold(
    kind: Kind,
    cap: usize,
    budget: u64,
    batch: usize,
    limit: Duration,
) -> anyhow::Result<Held> {
    let growth = Growth {
        cap,
        budget,
        batch: batch.max(1),
        deadline: Instant::now() + limit,
    };
    match kind {
        Kind::Threads => threads::run(growth),
        Kind::Tasks => tasks::run(growth),
    }
}

/// What ends a growing run: waiters started `batch` at a time until `cap`
/// are parked, resident memory grew by `budget` bytes, or `deadline` passed.
#[derive(Debug, Clone, Copy)]
struct Growth {
    cap: usize,
    budget: u64,
    batch: usize,
    deadline: Instant,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_waiter_parks_and_is_released() {
        for kind in [Kind::Threads, Kind::Tasks] {
            let h = hold(kind, 50, u64::MAX, 20, Duration::from_secs(20)).unwrap();
            assert_eq!((h.parked, &h.stop), (50, &Stop::Cap), "{kind:?}");
        }
    }

    #[test]
    fn a_budget_stops_the_growth() {
        let h = hold(Kind::Tasks, 1 << 20, 1, 100, Duration::from_secs(20)).unwrap();
        assert_eq!(h.stop, Stop::Budget);
        assert!(h.parked < 1 << 20);
    }
}
