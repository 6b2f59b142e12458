//! A worker's death: reap it, settle the batches it held, and start its replacement.

use std::sync::Arc;
use std::time::Duration;

use subprocess_pipes::channel::ChannelError;

use crate::job::Job;
use crate::pool::pipe_writer::Until;
use crate::pool::slot;
use crate::pool::{Death, PoolError, ProcessPool, TaskError};

impl<J: Job> ProcessPool<J> {
    /// A worker's stream ended: reap it, settle its batches, replace it.
    pub(super) fn bury(
        &mut self,
        idx: usize,
        error: Option<ChannelError>,
    ) -> Result<(), PoolError> {
        let mut s = self.slots[idx].take().expect("live slot");
        if let Some(mut tx) = s.tx.take() {
            tx.get_mut().get_mut().set_until(Until::Now); // hanging up: never wait
        }
        let exit = s.close(self.server.as_mut(), Duration::from_millis(200));
        let death = Death {
            pid: s.child.pid().as_raw(),
            exit,
            channel: error.map(Arc::new),
            timed_out: s.timed_out,
        };
        self.stats.died += 1;
        if !s.ready {
            if self.building {
                return Err(PoolError::WorkerStart(death));
            }
            // A replacement that failed before its hello: it had no tasks.
            // Start another, unless this slot has failed too often in a row.
            self.start_failures[idx] += 1;
            if self.start_failures[idx] >= crate::pool::MAX_START_FAILURES {
                self.stats.gave_up += 1;
                let how = if s.timed_out {
                    format!("said no hello within {:?}", self.cfg.start_timeout)
                } else {
                    format!("{death}")
                };
                return self.none_left(|| {
                    format!(
                        "the last replacement {how}; {} replacements in a row failed before their hello",
                        crate::pool::MAX_START_FAILURES
                    )
                });
            }
            return self.replace(idx, s.generation + 1, &death);
        }
        let st = &mut self.state;
        let mut requeue = Vec::new();
        for (k, seq) in s.inflight.iter().enumerate() {
            let Some(b) = st.batches.get_mut(seq) else {
                continue;
            };
            if b.run != st.run {
                st.batches.remove(seq);
            } else if k > 0 {
                b.attempts -= 1; // queued behind the running batch: never started
                requeue.push(*seq);
            } else if self.cfg.retry_once && b.attempts < 2 {
                self.stats.resent += 1;
                requeue.push(*seq);
            } else {
                let b = st.batches.remove(seq).expect("present");
                for i in 0..b.batch.tasks.len() {
                    st.ready
                        .push_back((b.first + i, Err(TaskError::WorkerDied(death.clone()))));
                }
            }
        }
        for seq in requeue.into_iter().rev() {
            st.queue.push_front(seq);
        }
        self.replace(idx, s.generation + 1, &death)
    }

    /// Starts a replacement in the empty slot `idx`.
    fn replace(&mut self, idx: usize, generation: u64, death: &Death) -> Result<(), PoolError> {
        match slot::start::<J>(&self.cfg.start, self.server.as_mut()) {
            Ok(started) => {
                let s = started.into_slot::<J>(
                    idx,
                    generation,
                    self.cfg.max_frame,
                    self.events_tx.clone(),
                )?;
                self.slots[idx] = Some(s);
                self.stats.started += 1;
                Ok(())
            }
            // Go on with fewer workers, if any.
            Err(e) => self.none_left(|| format!("{death}; no replacement: {e}")),
        }
    }

    /// `Ok` while some slot is live; [`PoolError::NoWorkers`] otherwise.
    fn none_left(&self, why: impl FnOnce() -> String) -> Result<(), PoolError> {
        if self.slots.iter().all(Option::is_none) {
            Err(PoolError::NoWorkers(why()))
        } else {
            Ok(())
        }
    }
}
