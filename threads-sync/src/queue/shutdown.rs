//! The bookkeeping side of [`BaseQueue`](super::BaseQueue): `task_done`
//! and `join` (Python's unfinished-task count) and 3.13's `shutdown`.

use std::time::Duration;

use super::{BaseQueue, Store};
#[cfg(doc)]
use crate::error::ShutDown;
use crate::error::TooManyTaskDone;
use crate::waiting::{Deadline, lock};

impl<T, S: Store<T>> BaseQueue<T, S> {
    /// Marks one item taken by `get` as processed (Python: `task_done()`).
    ///
    /// # Errors
    /// [`TooManyTaskDone`] if every item put is already done.
    pub fn task_done(&self) -> Result<(), TooManyTaskDone> {
        let mut q = lock(&self.inner);
        if q.unfinished == 0 {
            return Err(TooManyTaskDone);
        }
        q.unfinished -= 1;
        let wake = q.unfinished == 0 && q.joiners > 0;
        drop(q);
        if wake {
            self.all_tasks_done.notify_all();
        }
        Ok(())
    }

    /// Blocks until every item put has been marked done (Python: `join()`).
    pub fn join(&self) {
        self.join_until(Deadline::Never);
    }

    /// As [`join`](BaseQueue::join), giving up after `timeout`; `true` when
    /// all tasks are done (an extension: Python's `join` has no timeout).
    pub fn join_timeout(&self, timeout: Duration) -> bool {
        self.join_until(Deadline::after(timeout))
    }

    fn join_until(&self, deadline: Deadline) -> bool {
        let mut q = lock(&self.inner);
        while q.unfinished > 0 {
            q = match deadline.wait_counted(&self.all_tasks_done, q, |q| &mut q.joiners) {
                Ok(g) => g,
                Err(g) => return g.unfinished == 0,
            };
        }
        true
    }

    /// Shuts the queue down (Python 3.13: `shutdown(immediate)`): `put`
    /// fails from now on and blocked putters wake with [`ShutDown`]; `get`
    /// drains what is left, then fails. With `immediate`, the items left are
    /// dropped, counted as done (waking `join`), and `get` fails at once.
    pub fn shutdown(&self, immediate: bool) {
        let mut q = lock(&self.inner);
        q.shutdown = true;
        let dropped = if immediate {
            let n = q.items.len();
            q.unfinished = q.unfinished.saturating_sub(n);
            let items = std::mem::take(&mut q.items); // no `Ord` call, no panic
            self.publish_len(&q);
            Some(items)
        } else {
            None
        };
        drop(q);
        drop(dropped); // items' destructors run outside the lock
        self.not_empty.notify_all();
        self.not_full.notify_all();
        self.all_tasks_done.notify_all();
    }
}
