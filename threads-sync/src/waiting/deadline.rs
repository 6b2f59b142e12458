//! [`Patience`] and [`Deadline`]: how long a blocking call may wait, and
//! one wait on a condition variable until then, with std's `Condvar` API
//! (which loom's shares).

use std::sync::PoisonError;
use std::time::{Duration, Instant};

use crate::primitive::sync::{Condvar, MutexGuard};

/// How long a call may block, before it has had to: a call that finds
/// what it needs at once never turns this into a [`Deadline`], so it never
/// reads the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Patience {
    /// Block until woken.
    Forever,
    /// Block at most this long, counted from when the call starts to wait.
    For(Duration),
    /// Do not block.
    Not,
}

impl Patience {
    /// The deadline, counted from now.
    pub(crate) fn deadline(self) -> Deadline {
        match self {
            Patience::Forever => Deadline::Never,
            Patience::For(t) => Deadline::after(t),
            Patience::Not => Deadline::Now,
        }
    }
}

/// When a blocking call gives up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Deadline {
    /// Block until woken (Python's `timeout=None`).
    Never,
    /// Give up at this instant.
    At(Instant),
    /// Do not block at all (Python's `block=False`).
    Now,
}

impl Deadline {
    /// `timeout` from now; a timeout too large to represent means never.
    pub(crate) fn after(timeout: Duration) -> Deadline {
        Instant::now()
            .checked_add(timeout)
            .map_or(Deadline::Never, Deadline::At)
    }

    /// `None` blocks forever, `Some(t)` gives up after `t`.
    pub(crate) fn from_timeout(timeout: Option<Duration>) -> Deadline {
        timeout.map_or(Deadline::Never, Deadline::after)
    }

    /// [`wait`](Deadline::wait), counted: the waiter count that
    /// `waiters` picks out of the guarded state is one higher for as long
    /// as this thread sleeps, so that notifiers can skip the wake-up when
    /// nobody does. `Err` (the deadline had passed) hands the guard back
    /// with the count as it was.
    pub(crate) fn wait_counted<'a, T>(
        self,
        cv: &Condvar,
        mut guard: MutexGuard<'a, T>,
        waiters: impl Fn(&mut T) -> &mut usize,
    ) -> Result<MutexGuard<'a, T>, MutexGuard<'a, T>> {
        *waiters(&mut *guard) += 1;
        let woken = self.wait(cv, guard);
        let gave_up = woken.is_err();
        let (Ok(mut guard) | Err(mut guard)) = woken;
        *waiters(&mut *guard) -= 1;
        if gave_up { Err(guard) } else { Ok(guard) }
    }

    /// Waits on `cv` once (a notification, a spurious wake-up or the
    /// deadline ends the wait). `Err` hands the guard back without waiting
    /// when the deadline has already passed: the caller re-checks its
    /// condition after every `Ok` and gives up on `Err`. A poison flag is
    /// ignored, as [`lock`](crate::waiting::lock) ignores it.
    pub(crate) fn wait<'a, T>(
        self,
        cv: &Condvar,
        guard: MutexGuard<'a, T>,
    ) -> Result<MutexGuard<'a, T>, MutexGuard<'a, T>> {
        match self {
            Deadline::Now => Err(guard),
            Deadline::Never => Ok(cv.wait(guard).unwrap_or_else(PoisonError::into_inner)),
            Deadline::At(at) => {
                let now = Instant::now();
                if now >= at {
                    return Err(guard);
                }
                let (guard, _) = cv
                    .wait_timeout(guard, at - now)
                    .unwrap_or_else(PoisonError::into_inner);
                Ok(guard)
            }
        }
    }
}

#[cfg(all(test, not(threads_sync_loom)))]
mod tests {
    use super::*;
    use crate::primitive::sync::Mutex;
    use crate::waiting::unpoisoned::lock;

    #[test]
    fn deadlines_from_timeouts() {
        assert_eq!(Deadline::from_timeout(None), Deadline::Never);
        assert_eq!(
            Deadline::after(Duration::MAX),
            Deadline::Never,
            "no overflow panic"
        );
        assert!(matches!(
            Deadline::after(Duration::from_secs(1)),
            Deadline::At(_)
        ));
    }

    #[test]
    fn an_expired_deadline_hands_the_guard_back_without_waiting() {
        let (m, cv) = (Mutex::new(7), Condvar::new());
        let g = lock(&m);
        let g = Deadline::Now.wait(&cv, g).unwrap_err();
        let past = Deadline::At(Instant::now());
        let g = past.wait(&cv, g).unwrap_err();
        assert_eq!(*g, 7);
    }

    #[test]
    fn a_timed_wait_returns_ok_and_then_expires() {
        let (m, cv) = (Mutex::new(()), Condvar::new());
        let d = Deadline::after(Duration::from_millis(5));
        let mut g = lock(&m);
        let mut rounds = 0;
        loop {
            match d.wait(&cv, g) {
                Ok(back) => g = back,
                Err(_) => break,
            }
            rounds += 1;
            assert!(rounds < 10_000, "never expired");
        }
    }
}
