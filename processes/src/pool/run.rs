//! One run of the pool (a `map` or `imap_unordered` call): its batches, cut lazily from the input, and its results as they arrive.

use std::collections::{HashMap, VecDeque};

use super::{PoolError, ProcessPool, TaskError};
use crate::job::Job;
use crate::protocol::Batch;

/// One batch the pool knows about: queued or in flight.
#[derive(Debug)]
pub(super) struct BatchState<T> {
    /// The run (`map` call) it belongs to; replies for older runs are dropped.
    pub(super) run: u64,
    /// Index of its first task in the run.
    pub(super) first: usize,
    pub(super) batch: Batch<T>,
    /// Times sent to a worker that died running it, or that answered.
    pub(super) attempts: u32,
}

/// The pool's dispatcher state, kept across runs.
#[derive(Debug)]
pub(crate) struct State<J: Job> {
    next_seq: u64,
    pub(super) run: u64,
    pub(super) batches: HashMap<u64, BatchState<J::Task>>,
    pub(super) queue: VecDeque<u64>,
    pub(super) ready: VecDeque<(usize, Result<J::Output, TaskError>)>,
    /// Moving average of a batch's service time, seconds.
    pub(super) avg_batch: Option<f64>,
    /// The current run's input is used up: only its last batches are left.
    pub(super) input_done: bool,
}

impl<J: Job> State<J> {
    pub(crate) fn new() -> Self {
        State {
            next_seq: 0,
            run: 0,
            batches: HashMap::new(),
            queue: VecDeque::new(),
            ready: VecDeque::new(),
            avg_batch: None,
            input_done: false,
        }
    }
}

/// Results of one run as they arrive: `(task index, result)`; see
/// [`ProcessPool::imap_unordered`].
///
/// Tasks are taken from the input lazily: only enough batches to keep every
/// worker's prefetch full are cut at a time, so a long (or endless) input
/// costs memory in proportion to the work in flight, not to its length.
pub struct Unordered<'p, J: Job> {
    pool: &'p mut ProcessPool<J>,
    source: Box<dyn Iterator<Item = J::Task> + 'p>,
    exhausted: bool,
    /// Tasks taken from the input so far.
    issued: usize,
    /// Results handed out so far.
    delivered: usize,
    failed: bool,
}

impl<J: Job> std::fmt::Debug for Unordered<'_, J> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unordered")
            .field("issued", &self.issued)
            .field("delivered", &self.delivered)
            .field("exhausted", &self.exhausted)
            .finish_non_exhaustive()
    }
}

impl<'p, J: Job> Unordered<'p, J> {
    pub(super) fn new(
        pool: &'p mut ProcessPool<J>,
        source: Box<dyn Iterator<Item = J::Task> + 'p>,
    ) -> Self {
        pool.state.run += 1;
        pool.state.input_done = false;
        Unordered {
            pool,
            source,
            exhausted: false,
            issued: 0,
            delivered: 0,
            failed: false,
        }
    }

    /// Cuts batches from the input until the queue holds what the live
    /// workers can take in one round.
    fn top_up(&mut self) {
        let pool = &mut *self.pool;
        let live = pool.slots.iter().flatten().count().max(1);
        let want = live * (pool.depth() + 1);
        let chunk = pool.cfg.chunksize.max(1);
        let st = &mut pool.state;
        while !self.exhausted && st.queue.len() < want {
            let tasks: Vec<J::Task> = self.source.by_ref().take(chunk).collect();
            if tasks.is_empty() {
                self.exhausted = true;
                st.input_done = true;
                break;
            }
            let seq = st.next_seq;
            st.next_seq += 1;
            let n = tasks.len();
            st.batches.insert(
                seq,
                BatchState {
                    run: st.run,
                    first: self.issued,
                    batch: Batch { seq, tasks },
                    attempts: 0,
                },
            );
            st.queue.push_back(seq);
            self.issued += n;
        }
    }
}

impl<J: Job> Iterator for Unordered<'_, J> {
    type Item = Result<(usize, Result<J::Output, TaskError>), PoolError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(r) = self.pool.state.ready.pop_front() {
                self.delivered += 1;
                return Some(Ok(r));
            }
            if self.failed {
                return None;
            }
            self.top_up();
            if self.exhausted && self.delivered == self.issued {
                return None;
            }
            if let Err(e) = self.pool.step() {
                self.failed = true;
                return Some(Err(e));
            }
        }
    }
}

impl<J: Job> Drop for Unordered<'_, J> {
    fn drop(&mut self) {
        // Cancel what was not sent; in-flight replies are dropped on arrival.
        let st = &mut self.pool.state;
        for seq in st.queue.drain(..) {
            st.batches.remove(&seq);
        }
        st.ready.clear();
    }
}
