//! The dispatcher: prefetch, events from the reader threads, and what happens when a worker dies.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam::channel::RecvTimeoutError;
use subprocess_pipes::channel::ChannelError;

use super::pipe_writer::Until;
use super::run::BatchState;
use super::slot::{self, Event};
use super::{Death, PoolError, ProcessPool, TaskError};
use crate::job::Job;
use crate::protocol::Reply;

/// How often a waiting dispatcher wakes up to check Ctrl-C and task timeouts.
const TICK: Duration = Duration::from_millis(50);

impl<J: Job> ProcessPool<J> {
    /// Sends what the workers can take, then handles the next event(s).
    pub(super) fn step(&mut self) -> Result<(), PoolError> {
        self.fill()?;
        if self.slots.iter().all(Option::is_none) {
            return Err(PoolError::NoWorkers("every worker died".into()));
        }
        match self.events.recv_timeout(TICK) {
            Ok(ev) => {
                self.on_event(ev)?;
                // Take whatever else has arrived before sending again.
                while let Ok(ev) = self.events.try_recv() {
                    self.on_event(ev)?;
                }
                self.on_tick()
            }
            Err(RecvTimeoutError::Timeout) => self.on_tick(),
            Err(RecvTimeoutError::Disconnected) => unreachable!("the pool holds a sender"),
        }
    }

    /// Messages in flight per worker.
    ///
    /// Adaptive (no fixed `prefetch`): about `queue_target` of work queued
    /// at each worker, at least 2 batches so a worker never waits for the
    /// round trip of its next one. At the end of a run of long batches (at
    /// least `queue_target` each), 1: a batch queued behind a running one
    /// would wait there while another worker may already be idle, and
    /// would stretch the run by up to a batch; the round trip it saves is
    /// small next to such a batch.
    pub(super) fn depth(&self) -> usize {
        let target = self.cfg.queue_target.as_secs_f64();
        self.cfg
            .prefetch
            .unwrap_or_else(|| match self.state.avg_batch {
                None => 2,
                Some(avg) if self.state.input_done && avg >= target => 1,
                Some(avg) => {
                    ((target / avg.max(1e-9)).ceil() as usize).clamp(2, super::MAX_PREFETCH)
                }
            })
    }

    /// Tops up every ready worker to `depth` batches, then pushes the bytes out.
    ///
    /// Writes wait for room in a full pipe only while the worker keeps
    /// reading: up to the task timeout without progress (or until Ctrl-C);
    /// see [`super::pipe_writer`]. A worker that read nothing for that long
    /// is killed like one past the task timeout.
    fn fill(&mut self) -> Result<(), PoolError> {
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

    /// Handles one event from a reader thread.
    pub(super) fn on_event(&mut self, ev: Event<J::Output>) -> Result<(), PoolError> {
        let (idx, generation) = match &ev {
            Event::Reply {
                slot, generation, ..
            }
            | Event::Gone {
                slot, generation, ..
            } => (*slot, *generation),
        };
        let Some(s) = self.slots[idx]
            .as_mut()
            .filter(|s| s.generation == generation)
        else {
            return Ok(()); // from a worker already replaced
        };
        match ev {
            Event::Reply {
                reply: Reply::Hello { job, .. },
                ..
            } => {
                if job != J::NAME {
                    return Err(PoolError::WrongJob {
                        want: J::NAME,
                        got: job,
                    });
                }
                s.ready = true;
                self.start_failures[idx] = 0;
            }
            Event::Reply {
                reply: Reply::Done { seq, results },
                ..
            } => {
                if s.inflight.front() != Some(&seq) {
                    // Out of order: not our protocol. Kill it; its death follows.
                    s.kill();
                    return Ok(());
                }
                s.inflight.pop_front();
                let now = Instant::now();
                if let Some(t0) = s.busy_since {
                    let took = now.duration_since(t0).as_secs_f64();
                    let avg = self.state.avg_batch.map_or(took, |a| 0.8 * a + 0.2 * took);
                    self.state.avg_batch = Some(avg);
                }
                s.busy_since = (!s.inflight.is_empty()).then_some(now);
                let b = self.state.batches.remove(&seq).expect("in-flight batch");
                if b.run == self.state.run {
                    self.deliver(b, results);
                }
            }
            Event::Gone { error, .. } => self.bury(idx, error)?,
        }
        Ok(())
    }

    fn deliver(&mut self, b: BatchState<J::Task>, results: Vec<Result<J::Output, String>>) {
        let n = b.batch.tasks.len();
        let got = results.len();
        let mut results = results.into_iter();
        for i in 0..n {
            let r = match results.next() {
                Some(r) => r.map_err(TaskError::Failed),
                None => Err(TaskError::Failed(format!(
                    "worker sent {got} results for {n} tasks"
                ))),
            };
            self.state.ready.push_back((b.first + i, r));
        }
    }

    /// A worker's stream ended: reap it, settle its batches, replace it.
    fn bury(&mut self, idx: usize, error: Option<ChannelError>) -> Result<(), PoolError> {
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
            if self.start_failures[idx] >= super::MAX_START_FAILURES {
                self.stats.gave_up += 1;
                let how = if s.timed_out {
                    format!("said no hello within {:?}", self.cfg.start_timeout)
                } else {
                    format!("{death}")
                };
                return self.none_left(|| {
                    format!(
                        "the last replacement {how}; {} replacements in a row failed before their hello",
                        super::MAX_START_FAILURES
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

    /// A batch past the task timeout? A replacement slow to start? (After every wake-up.)
    fn on_tick(&mut self) -> Result<(), PoolError> {
        // A replacement that does not say hello in time is killed; its
        // death (before the hello) is handled like any other.
        let start_limit = self.cfg.start_timeout;
        for s in self.slots.iter_mut().flatten() {
            if !s.ready && !s.timed_out && s.started_at.elapsed() > start_limit {
                s.kill_timed_out();
            }
        }
        if let Some(limit) = self.cfg.task_timeout {
            for s in self.slots.iter_mut().flatten() {
                if !s.timed_out && s.busy_since.is_some_and(|t| t.elapsed() > limit) {
                    s.kill_timed_out();
                }
            }
        }
        Ok(())
    }
}
