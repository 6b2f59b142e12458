//! The dispatcher: the caller's thread, waiting on the reader threads' events and handling each one.
//!
//! [`ProcessPool::step`] is one turn of it: top the workers up
//! ([`prefetch`]), take the events that arrived (a reply is delivered, a
//! death is settled by [`death`]), then check the timeouts.

mod death;
mod prefetch;

use std::time::{Duration, Instant};

use crossbeam::channel::RecvTimeoutError;

use super::run::BatchState;
use super::slot::Event;
use super::{PoolError, ProcessPool, TaskError};
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
