//! Prefetch: how many batches each worker gets ahead of time, and sending them.

use std::time::Instant;

use subprocess_pipes::channel::ChannelError;

use crate::job::Job;
use crate::pool::pipe_writer::Until;
use crate::pool::{PoolError, ProcessPool, TaskError};

impl<J: Job> ProcessPool<J> {
    /// Messages in flight per worker.
    ///
    /// Adaptive (no fixed `prefetch`): about `queue_target` of work queued
    /// at each worker, at least 2 batches so a worker never waits for the
    /// round trip of its next one. At the end of a run of long batches (at
    /// least `queue_target` each), 1: a batch queued behind a running one
    /// would wait there while another worker may already be idle, and
    /// would stretch the run by up to a batch; the round trip it saves is
    /// small next to such a batch.
    pub(in crate::pool) fn depth(&self) -> usize {
        let target = self.cfg.queue_target.as_secs_f64();
        self.cfg
            .prefetch
            .unwrap_or_else(|| match self.state.avg_batch {
                None => 2,
                Some(avg) if self.state.input_done && avg >= target => 1,
                Some(avg) => {
                    ((target / avg.max(1e-9)).ceil() as usize).clamp(2, crate::pool::MAX_PREFETCH)
                }
            })
    }

    /// Tops up every ready worker to `depth` batches, then pushes the bytes out.
    ///
    /// Writes wait for room in a full pipe only while the worker keeps
    /// reading: up to the task timeout without progress (or until Ctrl-C);
    /// see [`crate::pool::pipe_writer`]. A worker that read nothing for that long
    /// is killed like one past the task timeout.
    pub(super) fn fill(&mut self) -> Result<(), PoolError> {
        let depth = self.depth();
        let now = Instant::now();
        let limit = self.cfg.task_timeout;
        for s in self.slots.iter_mut().flatten() {
            if !s.ready || s.broken {
                continue;
            }
            let tx = s.tx.as_mut().expect("a live slot has a sender");
            let until = limit.map_or(Until::Ever, Until::Stuck);
            tx.get_mut().get_mut().set_until(until);
            while s.inflight.len() < depth {
                let Some(seq) = self.state.queue.pop_front() else {
                    break;
                };
                let b = self.state.batches.get_mut(&seq).expect("queued batch");
                match tx.send(&b.batch) {
                    Ok(()) => {
                        b.attempts += 1;
                        if s.inflight.is_empty() {
                            s.busy_since = Some(now);
                        }
                        s.inflight.push_back(seq);
                    }
                    Err(e @ (ChannelError::FrameTooLarge { .. } | ChannelError::Encode(_))) => {
                        // The batch cannot be sent at all: its tasks fail, the worker is fine.
                        let b = self.state.batches.remove(&seq).expect("queued batch");
                        let msg = format!("cannot send the task: {e}");
                        for i in 0..b.batch.tasks.len() {
                            let err = TaskError::Unsendable(msg.clone());
                            self.state.ready.push_back((b.first + i, Err(err)));
                        }
                    }
                    Err(_) if tx.get_mut().get_mut().stalled() => {
                        // Partly written to a worker that stopped reading: it
                        // counts as sent to that worker, whose death settles it.
                        b.attempts += 1;
                        if s.inflight.is_empty() {
                            s.busy_since = Some(now);
                        }
                        s.inflight.push_back(seq);
                        s.broken = true;
                        break;
                    }
                    Err(_) => {
                        // The worker is gone; its reader will report how.
                        self.state.queue.push_front(seq);
                        s.broken = true;
                        break;
                    }
                }
            }
            if !s.broken && tx.get_mut().push().is_err() {
                s.broken = true;
            }
            if tx.get_mut().get_mut().stalled() && !s.timed_out {
                // It read nothing for the task timeout: it is hung.
                s.kill_timed_out();
            }
        }
        Ok(())
    }
}
