//! The facade that names every synchronisation building block the primitives
//! use: `std` atomics and threads with `parking_lot`'s `Mutex` and `Condvar`
//! normally, `loom` under `--cfg loom`, so that the very same code is
//! model-checked by `tests/loom.rs`. (parking_lot's mutex hands over about
//! twice as fast as std's under contention on a small machine, which is the
//! queues' hot path; its API differs from std's only in the two helpers
//! below.)
//!
//! It also holds the helpers every primitive needs: locking an internal
//! mutex without caring about poisoning (no user code ever runs while one is
//! held and unwinds through it), and waiting on a condition variable until a
//! [`Deadline`], counted in a waiter field or not.

#[cfg(loom)]
use std::sync::PoisonError;
use std::time::{Duration, Instant};

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
#[cfg(loom)]
pub(crate) use loom::sync::{Condvar, Mutex, MutexGuard};
#[cfg(loom)]
pub(crate) use loom::thread;

#[cfg(not(loom))]
pub(crate) use parking_lot::{Condvar, MutexGuard};

/// parking_lot's mutex, marked unwind-safe as std's is: std marks its own
/// through poisoning, and no primitive here leaves the data of an internal
/// mutex half-updated when a panic unwinds (user code runs outside it or
/// under `catch_unwind`), so `&Lock`, `&Queue<T>` and the others stay
/// usable across `catch_unwind` as they were with std.
#[cfg(not(loom))]
#[derive(Debug, Default)]
pub(crate) struct Mutex<T>(parking_lot::Mutex<T>);

#[cfg(not(loom))]
impl<T> Mutex<T> {
    /// A new mutex around `value`.
    pub(crate) fn new(value: T) -> Mutex<T> {
        Mutex(parking_lot::Mutex::new(value))
    }
}

#[cfg(not(loom))]
impl<T> std::panic::UnwindSafe for Mutex<T> {}
#[cfg(not(loom))]
impl<T> std::panic::RefUnwindSafe for Mutex<T> {}
#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
#[cfg(not(loom))]
pub(crate) use std::thread;

/// Locks an internal mutex. The primitives never unwind while holding one
/// (user code runs inside `catch_unwind` or outside the mutex), so a poison
/// flag could only be stale: it is ignored rather than propagated.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    #[cfg(loom)]
    return m.lock().unwrap_or_else(PoisonError::into_inner);
    #[cfg(not(loom))]
    m.0.lock()
}

/// Rounds of spinning, then yielding, that a blocked caller tries before
/// it sleeps on a condition variable: a sleep and a wake-up cost
/// microseconds, while the other side usually acts within a few hundred
/// nanoseconds. Under loom one round, so that the models explore the path
/// that drops the mutex, spins and re-takes it (more rounds would only
/// multiply the interleavings without adding a new kind of step).
#[cfg(not(loom))]
pub(crate) const BACKOFF_ROUNDS: u32 = 10;
#[cfg(loom)]
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
    /// condition after every `Ok` and gives up on `Err`.
    #[cfg(not(loom))]
    pub(crate) fn wait<'a, T>(
        self,
        cv: &Condvar,
        mut guard: MutexGuard<'a, T>,
    ) -> Result<MutexGuard<'a, T>, MutexGuard<'a, T>> {
        match self {
            Deadline::Now => Err(guard),
            Deadline::Never => {
                cv.wait(&mut guard);
                Ok(guard)
            }
            Deadline::At(at) => {
                if Instant::now() >= at {
                    return Err(guard);
                }
                cv.wait_until(&mut guard, at);
                Ok(guard)
            }
        }
    }

    /// As above, with loom's std-shaped `Condvar`.
    #[cfg(loom)]
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

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

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

    #[test]
    fn an_internal_mutex_is_still_usable_after_a_panic_while_held() {
        let m = Mutex::new(1);
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _g = lock(&m);
            panic!("unwind while it is held");
        }));
        assert_eq!(*lock(&m), 1);
    }
}
