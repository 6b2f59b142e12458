//! [`Barrier`]: Python's `threading.Barrier` — `parties` threads meet, an
//! optional action runs once per cycle, then all go on; with a default
//! timeout, `abort`, `reset` and a broken state, ported from CPython's
//! state machine (filling, draining, resetting, broken).

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::time::Duration;

use crate::error::{BrokenBarrier, ZeroParties};
use crate::primitive::sync::{Condvar, Mutex, MutexGuard};
use crate::waiting::{Deadline, lock};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Threads are arriving.
    Filling,
    /// The cycle completed; the waiters are leaving.
    Draining,
    /// `reset` was called while threads waited; they are leaving, broken.
    Resetting,
    /// Aborted, timed out, or the action panicked, until `reset`.
    Broken,
}

#[derive(Debug)]
struct State {
    phase: Phase,
    /// Threads inside `wait` in this cycle.
    count: usize,
    /// Completed cycles: a waiter whose cycle completed passes, even if the
    /// barrier is aborted before it gets to run again.
    cycle: u64,
}

type Action = Box<dyn Fn() + Send + Sync>;

/// A reusable meeting point for a fixed number of threads
/// (Python: `threading.Barrier(parties, action, timeout)`).
///
/// Unlike [`std::sync::Barrier`] it can time out, be aborted and reset, run
/// an action once per cycle, and it reports a broken cycle as an error
/// instead of leaving the others stuck.
///
/// ```
/// use threads_sync::Barrier;
///
/// let barrier = Barrier::new(3)?;
/// let indices: Vec<usize> = std::thread::scope(|s| {
///     let hs: Vec<_> = (0..3).map(|_| s.spawn(|| barrier.wait())).collect();
///     hs.into_iter().map(|h| h.join().unwrap().unwrap()).collect()
/// });
/// let mut sorted = indices.clone();
/// sorted.sort();
/// assert_eq!(sorted, vec![0, 1, 2]); // each arrival index once
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Barrier {
    parties: usize,
    action: Option<Action>,
    timeout: Option<Duration>,
    state: Mutex<State>,
    changed: Condvar,
}

impl Barrier {
    /// A barrier for `parties` threads.
    ///
    /// # Errors
    /// [`ZeroParties`] when `parties` is 0.
    pub fn new(parties: usize) -> Result<Barrier, ZeroParties> {
        if parties == 0 {
            return Err(ZeroParties);
        }
        Ok(Barrier {
            parties,
            action: None,
            timeout: None,
            state: Mutex::new(State {
                phase: Phase::Filling,
                count: 0,
                cycle: 0,
            }),
            changed: Condvar::new(),
        })
    }

    /// Runs `action` once per cycle, in the last thread to arrive, before
    /// any thread leaves. If it panics the barrier breaks (the others get
    /// [`BrokenBarrier`]) and the panic goes on in that thread. The action
    /// runs under the barrier's internal lock: it must not call this barrier.
    pub fn with_action(mut self, action: impl Fn() + Send + Sync + 'static) -> Barrier {
        self.action = Some(Box::new(action));
        self
    }

    /// The timeout [`wait`](Barrier::wait) uses.
    pub fn with_timeout(mut self, timeout: Duration) -> Barrier {
        self.timeout = Some(timeout);
        self
    }

    /// Waits for all parties (with the default timeout, if any) and returns
    /// this thread's arrival index, `0..parties` (Python: `wait()`).
    ///
    /// # Errors
    /// [`BrokenBarrier`] if the barrier is or becomes broken; a timeout
    /// breaks it for everyone.
    pub fn wait(&self) -> Result<usize, BrokenBarrier> {
        self.wait_until(Deadline::from_timeout(self.timeout))
    }

    /// As [`wait`](Barrier::wait) with an explicit timeout.
    ///
    /// # Errors
    /// As [`wait`](Barrier::wait).
    pub fn wait_timeout(&self, timeout: Duration) -> Result<usize, BrokenBarrier> {
        self.wait_until(Deadline::after(timeout))
    }

    fn wait_until(&self, deadline: Deadline) -> Result<usize, BrokenBarrier> {
        let mut s = lock(&self.state);
        // Block while the previous cycle drains or resets.
        while matches!(s.phase, Phase::Draining | Phase::Resetting) {
            s = Deadline::Never.wait(&self.changed, s).unwrap_or_else(|g| g);
        }
        if s.phase == Phase::Broken {
            return Err(BrokenBarrier);
        }
        let index = s.count;
        let cycle = s.cycle;
        s.count += 1;
        let (mut s, outcome) = if index + 1 == self.parties {
            self.release(s)
        } else {
            self.wait_release(s, cycle, deadline)
        };
        // Leave: the last one out re-opens the barrier for the next cycle.
        s.count -= 1;
        if s.count == 0 && matches!(s.phase, Phase::Draining | Phase::Resetting) {
            s.phase = Phase::Filling;
            self.changed.notify_all();
        }
        drop(s);
        match outcome {
            Outcome::Passed => Ok(index),
            Outcome::Broken => Err(BrokenBarrier),
            Outcome::Panicked(p) => resume_unwind(p),
        }
    }

    fn release<'a>(&self, mut s: MutexGuard<'a, State>) -> (MutexGuard<'a, State>, Outcome) {
        if let Some(action) = &self.action
            && let Err(p) = catch_unwind(AssertUnwindSafe(action))
        {
            self.break_locked(&mut s);
            return (s, Outcome::Panicked(p));
        }
        s.phase = Phase::Draining;
        s.cycle = s.cycle.wrapping_add(1);
        self.changed.notify_all();
        (s, Outcome::Passed)
    }

    fn wait_release<'a>(
        &self,
        mut s: MutexGuard<'a, State>,
        cycle: u64,
        deadline: Deadline,
    ) -> (MutexGuard<'a, State>, Outcome) {
        loop {
            if s.cycle != cycle {
                return (s, Outcome::Passed);
            }
            if s.phase != Phase::Filling {
                return (s, Outcome::Broken); // aborted or reset
            }
            s = match deadline.wait(&self.changed, s) {
                Ok(g) => g,
                Err(mut g) => {
                    self.break_locked(&mut g);
                    return (g, Outcome::Broken);
                }
            };
        }
    }

    fn break_locked(&self, s: &mut State) {
        s.phase = Phase::Broken;
        self.changed.notify_all();
    }

    /// Returns the barrier to its initial state; threads waiting now get
    /// [`BrokenBarrier`] (Python: `reset()`).
    pub fn reset(&self) {
        let mut s = lock(&self.state);
        if s.count > 0 {
            if matches!(s.phase, Phase::Filling | Phase::Broken) {
                s.phase = Phase::Resetting;
            }
        } else {
            s.phase = Phase::Filling;
        }
        self.changed.notify_all();
    }

    /// Breaks the barrier: current and future waiters get [`BrokenBarrier`]
    /// until [`reset`](Barrier::reset) (Python: `abort()`).
    pub fn abort(&self) {
        let mut s = lock(&self.state);
        self.break_locked(&mut s);
    }

    /// The number of threads it waits for.
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// Threads waiting in the current cycle (Python: `n_waiting`); a snapshot.
    pub fn n_waiting(&self) -> usize {
        let s = lock(&self.state);
        if s.phase == Phase::Filling {
            s.count
        } else {
            0
        }
    }

    /// Whether the barrier is broken (Python: `broken`).
    pub fn broken(&self) -> bool {
        lock(&self.state).phase == Phase::Broken
    }
}

enum Outcome {
    Passed,
    Broken,
    Panicked(Box<dyn std::any::Any + Send>),
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier")
            .field("parties", &self.parties)
            .field("n_waiting", &self.n_waiting())
            .field("broken", &self.broken())
            .finish_non_exhaustive()
    }
}
