//! The waiting side of [`BaseQueue`](super::BaseQueue): `put` and `get`
//! with a [`Deadline`], and the short back-off before a thread sleeps.
//!
//! Every decision (shut down? full? empty?) is taken under the mutex right
//! before the wait it leads to. The back-off drops the mutex between its
//! rounds, so nothing seen before it counts afterwards: a `shutdown` that
//! lands in that gap has already sent its wake-ups, and a thread that then
//! parked without looking again would sleep through it.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use super::{BaseQueue, Inner, Store};
use crate::error::{GetError, PutError};
use crate::sync::{BACKOFF_ROUNDS, Deadline, MutexGuard, backoff, lock};

impl<T, S: Store<T>> BaseQueue<T, S> {
    pub(super) fn put_until(&self, item: T, deadline: Deadline) -> Result<(), PutError<T>> {
        let q = lock(&self.inner);
        let mut q = self.back_off(q, deadline, |q| q.shutdown || !self.is_full(q));
        loop {
            if q.shutdown {
                return Err(PutError::ShutDown(item));
            }
            if !self.is_full(&q) {
                break;
            }
            q.putters += 1;
            let woken = deadline.wait(&self.not_full, q);
            let gave_up = woken.is_err();
            let (Ok(g) | Err(g)) = woken;
            q = g;
            q.putters -= 1;
            if gave_up {
                // `Err`: the deadline had passed, nothing was waited for,
                // so the state is the one just checked: full, not shut down.
                return Err(PutError::Full(item));
            }
        }
        // A panicking `Ord` (PriorityQueue) may unwind out of `push`: count
        // what actually landed, keep the queue consistent, then re-raise.
        let before = q.items.len();
        let pushed = catch_unwind(AssertUnwindSafe(|| q.items.push(item)));
        let added = q.items.len() - before;
        q.unfinished += added;
        let wake = added > 0 && q.getters > 0;
        drop(q);
        if wake {
            self.not_empty.notify_one();
        }
        pushed.unwrap_or_else(|p| resume_unwind(p));
        Ok(())
    }

    pub(super) fn get_until(&self, deadline: Deadline) -> Result<T, GetError> {
        let q = lock(&self.inner);
        let mut q = self.back_off(q, deadline, |q| q.shutdown || !q.items.is_empty());
        loop {
            if !q.items.is_empty() {
                break;
            }
            if q.shutdown {
                return Err(GetError::ShutDown);
            }
            q.getters += 1;
            let woken = deadline.wait(&self.not_empty, q);
            let gave_up = woken.is_err();
            let (Ok(g) | Err(g)) = woken;
            q = g;
            q.getters -= 1;
            if gave_up {
                return Err(GetError::Empty);
            }
        }
        let before = q.items.len();
        let popped = catch_unwind(AssertUnwindSafe(|| q.items.pop()));
        let removed = before - q.items.len();
        let wake_putter = removed > 0 && self.maxsize > 0 && q.putters > 0;
        let mut wake_joiners = false;
        if popped.is_err() && removed > 0 {
            // The item was dropped mid-unwind: nobody can mark it done.
            q.unfinished = q.unfinished.saturating_sub(removed);
            wake_joiners = q.unfinished == 0 && q.joiners > 0;
        }
        drop(q);
        if wake_putter {
            self.not_full.notify_one();
        }
        if wake_joiners {
            self.all_tasks_done.notify_all();
        }
        match popped {
            Ok(Some(item)) => Ok(item),
            Ok(None) => unreachable!("a non-empty store yields an item"),
            Err(p) => resume_unwind(p),
        }
    }

    /// Whether a `put` must wait now.
    fn is_full(&self, q: &Inner<S>) -> bool {
        self.maxsize > 0 && q.items.len() >= self.maxsize
    }

    /// Before sleeping, lets the other side act for a moment: spin, then
    /// yield, re-checking `ready` each round (not for non-blocking calls).
    /// The mutex is dropped between rounds: the caller must re-check all
    /// its conditions on the guard this returns.
    fn back_off<'a>(
        &'a self,
        mut q: MutexGuard<'a, Inner<S>>,
        deadline: Deadline,
        ready: impl Fn(&Inner<S>) -> bool,
    ) -> MutexGuard<'a, Inner<S>> {
        if deadline == Deadline::Now {
            return q;
        }
        for round in 0..BACKOFF_ROUNDS {
            if ready(&q) {
                break;
            }
            drop(q);
            backoff(round);
            q = lock(&self.inner);
        }
        q
    }
}
