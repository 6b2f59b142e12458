//! The waiting side of [`BaseQueue`](super::BaseQueue): `put` and `get`
//! with a [`Patience`], and the short back-off before a thread sleeps.
//!
//! Every decision (shut down? full? empty?) is taken under the mutex right
//! before the wait it leads to. The back-off drops the mutex while it
//! spins, so nothing seen before it counts afterwards: a `shutdown` that
//! lands in that gap has already sent its wake-ups, and a thread that then
//! parked without looking again would sleep through it.
//!
//! The fast path (room, or an item, right away) takes the mutex once and
//! reads no clock; only a call that has to wait turns its patience into a
//! deadline.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use super::{BaseQueue, Inner, Store};
use crate::error::{GetError, PutError};
use crate::primitive::sync::MutexGuard;
use crate::primitive::sync::atomic::Ordering;
use crate::waiting::{BACKOFF_ROUNDS, Deadline, Patience, backoff, lock};

impl<T, S: Store<T>> BaseQueue<T, S> {
    pub(super) fn put_until(&self, item: T, patience: Patience) -> Result<(), PutError<T>> {
        let mut q = lock(&self.inner);
        if q.shutdown || self.is_full(&q) {
            let deadline = patience.deadline();
            q = self.back_off(q, deadline, |len| self.maxsize == 0 || len < self.maxsize);
            loop {
                if q.shutdown {
                    return Err(PutError::ShutDown(item));
                }
                if !self.is_full(&q) {
                    break;
                }
                q = match deadline.wait_counted(&self.not_full, q, |q| &mut q.putters) {
                    Ok(g) => g,
                    // `Err`: the deadline had passed, nothing was waited
                    // for, so the state is the one just checked: full.
                    Err(_) => return Err(PutError::Full(item)),
                };
            }
        }
        // A panicking `Ord` (PriorityQueue) may unwind out of `push`: count
        // what actually landed, keep the queue consistent, then re-raise.
        let before = q.items.len();
        let pushed = catch_unwind(AssertUnwindSafe(|| q.items.push(item)));
        let added = q.items.len() - before;
        self.publish_len(&q);
        q.unfinished += added;
        let wake = added > 0 && q.getters > 0;
        drop(q);
        if wake {
            self.not_empty.notify_one();
        }
        pushed.unwrap_or_else(|p| resume_unwind(p));
        Ok(())
    }

    pub(super) fn get_until(&self, patience: Patience) -> Result<T, GetError> {
        let mut q = lock(&self.inner);
        if q.items.is_empty() {
            let deadline = patience.deadline();
            q = self.back_off(q, deadline, |len| len > 0);
            loop {
                if !q.items.is_empty() {
                    break;
                }
                if q.shutdown {
                    return Err(GetError::ShutDown);
                }
                q = match deadline.wait_counted(&self.not_empty, q, |q| &mut q.getters) {
                    Ok(g) => g,
                    Err(_) => return Err(GetError::Empty),
                };
            }
        }
        let before = q.items.len();
        let popped = catch_unwind(AssertUnwindSafe(|| q.items.pop()));
        let removed = before - q.items.len();
        self.publish_len(&q);
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

    /// Before sleeping, lets the other side act for a moment: drops the
    /// mutex and spins, then yields, watching the item count without the
    /// mutex until `ready(len)` (not for non-blocking calls, nor once shut
    /// down). The caller must re-check all its conditions on the guard this
    /// returns: anything may have happened while it was dropped.
    fn back_off<'a>(
        &'a self,
        q: MutexGuard<'a, Inner<S>>,
        deadline: Deadline,
        ready: impl Fn(usize) -> bool,
    ) -> MutexGuard<'a, Inner<S>> {
        if deadline == Deadline::Now || q.shutdown || BACKOFF_ROUNDS == 0 {
            return q;
        }
        drop(q);
        for round in 0..BACKOFF_ROUNDS {
            backoff(round);
            if ready(self.len_hint.load(Ordering::Relaxed)) {
                break;
            }
        }
        lock(&self.inner)
    }
}
