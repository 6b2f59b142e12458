//! `ProcessPool`: N worker processes running one [`Job`], like CPython's
//! `multiprocessing.Pool`, with tasks and results as serde types on the
//! framed channel of `subprocess-pipes`.
//!
//! ```no_run
//! use processes::job::Job;
//! use processes::pool::ProcessPool;
//!
//! /// Counts the primes in `lo..hi` (the job's [`Job::NAME`] is how a worker finds it).
//! struct Primes;
//! impl Job for Primes {
//!     const NAME: &'static str = "primes";
//!     type Task = (u64, u64);
//!     type Output = u64;
//!     fn run((lo, hi): (u64, u64)) -> Result<u64, String> {
//!         let prime = |n: u64| n >= 2 && (2..).take_while(|d| d * d <= n).all(|d| n % d != 0);
//!         Ok((lo..hi).filter(|&n| prime(n)).count() as u64)
//!     }
//! }
//!
//! // (`main` starts with the worker hook, with `Primes` in the binary's
//! // registry: see [`crate::worker`].)
//! let mut pool = ProcessPool::<Primes>::builder().workers(2).build()?;
//! let counts = pool.map((0..8).map(|i| (i * 10_000, (i + 1) * 10_000)))?;
//! let total: u64 = counts.into_iter().map(|r| r.unwrap_or(0)).sum();
//! assert_eq!(total, 7837); // the primes below 80,000
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! How it works: the caller's thread is the dispatcher. It cuts the tasks
//! into batches of `chunksize`, keeps a few batches in flight at every
//! worker (so a worker never waits for the next task), and waits on one
//! crossbeam channel fed by a reader thread per worker. A reader reports
//! each reply and, when its worker's pipe ends, the worker's death; the
//! dispatcher then reaps the process, fails (or retries once) the batch it
//! was running, puts the batches queued behind it back in line, and starts
//! a replacement. Every task ends with exactly one result: a value or a
//! [`TaskError`].
//!
//! Guarantees and limits:
//! - A task's result is delivered once. A batch that was queued behind a
//!   dying worker's running batch is sent again to another worker; a task
//!   whose worker died after running it but before its reply left may run
//!   twice (its result still arrives once).
//! - A replacement that dies before its hello, or does not say it within
//!   the start timeout, counts as one more death of its slot, and the slot
//!   is started again, up to [`MAX_START_FAILURES`] times in a row; then the
//!   slot stays empty and the pool goes on with the workers it has
//!   ([`PoolStats::gave_up`]), or ends with [`PoolError::NoWorkers`] when
//!   none is left. (While the pool is being built, a worker that fails
//!   before its hello is an error of [`ProcessPool::with_config`].)
//! - Dropping the pool (also while unwinding from a panic, or after an
//!   error) closes every worker's task pipe, gives it a moment to exit, then
//!   kills it, and reaps it. Ctrl-C: see [`crate::signals`].

mod config;
mod dispatch;
mod error;
mod forkserver;
mod pipe_writer;
mod run;
mod slot;

use std::time::Duration;

use crossbeam::channel::{Receiver, Sender};

pub use config::{MAX_PREFETCH, PoolConfig, StartMethod, map_chunksize};
pub use error::{Death, PoolError, TaskError};
pub use run::Unordered;

use crate::job::Job;
use slot::{Event, Slot};

/// What happened to a pool's workers so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStats {
    /// Workers started (including replacements).
    pub started: usize,
    /// Workers that died while the pool ran.
    pub died: usize,
    /// Batches sent again after their worker died.
    pub resent: usize,
    /// Slots left empty after [`MAX_START_FAILURES`] replacements in a row
    /// failed before saying hello.
    pub gave_up: usize,
}

/// Replacements of one slot that may fail in a row (die before their hello,
/// or miss the start timeout) before the pool stops refilling that slot.
pub const MAX_START_FAILURES: u32 = 3;

/// A pool of worker processes for job `J`. See the [module docs](self).
#[derive(Debug)]
pub struct ProcessPool<J: Job> {
    cfg: PoolConfig,
    slots: Vec<Option<Slot<J::Task>>>,
    events_tx: Sender<Event<J::Output>>,
    events: Receiver<Event<J::Output>>,
    state: run::State<J>,
    stats: PoolStats,
    /// Replacements of each slot that failed before their hello, in a row.
    start_failures: Vec<u32>,
    /// `with_config` is still waiting for the first hellos.
    building: bool,
    /// The fork server of a `fork` pool (dropped after the workers).
    server: Option<forkserver::ForkServer>,
}

/// Builds a [`ProcessPool`]; every setting has a default (see [`PoolConfig`]).
#[derive(Debug, Clone)]
pub struct PoolBuilder<J> {
    cfg: PoolConfig,
    _job: std::marker::PhantomData<fn() -> J>,
}

impl<J: Job> PoolBuilder<J> {
    /// Number of worker processes (at least 1).
    pub fn workers(mut self, n: usize) -> Self {
        self.cfg.workers = n.max(1);
        self
    }
    /// How workers start.
    pub fn start_method(mut self, m: StartMethod) -> Self {
        self.cfg.start = m;
        self
    }
    /// Tasks per message (at least 1).
    pub fn chunksize(mut self, n: usize) -> Self {
        self.cfg.chunksize = n.max(1);
        self
    }
    /// Fixed number of messages in flight per worker (default: adaptive).
    pub fn prefetch(mut self, n: usize) -> Self {
        self.cfg.prefetch = Some(n.max(1));
        self
    }
    /// Send a dead worker's running batch once more instead of failing it.
    pub fn retry_once(mut self, yes: bool) -> Self {
        self.cfg.retry_once = yes;
        self
    }
    /// Kill a worker whose batch runs longer than `d`.
    pub fn task_timeout(mut self, d: Duration) -> Self {
        self.cfg.task_timeout = Some(d);
        self
    }
    /// Largest frame accepted from a worker, at most
    /// [`crate::worker::MAX_FRAME`] (64 MiB): the decoder's own limit on
    /// what one message may allocate is that size, so a larger frame could
    /// not be decoded anyway. Larger values are lowered to it.
    pub fn max_frame(mut self, n: usize) -> Self {
        self.cfg.max_frame = n;
        self
    }
    /// Starts the workers and waits until each has said hello.
    pub fn build(self) -> Result<ProcessPool<J>, PoolError> {
        ProcessPool::with_config(self.cfg)
    }
}

impl<J: Job> ProcessPool<J> {
    /// A builder with the defaults.
    pub fn builder() -> PoolBuilder<J> {
        PoolBuilder {
            cfg: PoolConfig::default(),
            _job: std::marker::PhantomData,
        }
    }

    /// Starts a pool with `cfg`; an invalid one is
    /// [`PoolError::InvalidConfig`] (see [`PoolConfig::validate`]).
    pub fn with_config(mut cfg: PoolConfig) -> Result<Self, PoolError> {
        cfg.validate()?;
        // See `PoolBuilder::max_frame`: never above what the codec decodes.
        cfg.max_frame = cfg.max_frame.min(crate::worker::MAX_FRAME);
        let (events_tx, events) = crossbeam::channel::unbounded();
        let mut pool = ProcessPool {
            slots: Vec::new(),
            events_tx,
            events,
            state: run::State::new(),
            stats: PoolStats::default(),
            start_failures: vec![0; cfg.workers],
            building: true,
            server: None,
            cfg,
        };
        // A fork pool forks its server first, while this process is still
        // single-threaded; the server forks the workers, now and later.
        if pool.cfg.start == StartMethod::Fork {
            pool.server = Some(forkserver::ForkServer::start::<J>()?);
        }
        let mut started = Vec::new();
        for _ in 0..pool.cfg.workers {
            started.push(slot::start::<J>(&pool.cfg.start, pool.server.as_mut())?);
        }
        for (i, s) in started.into_iter().enumerate() {
            let slot = s.into_slot::<J>(i, 0, pool.cfg.max_frame, pool.events_tx.clone())?;
            pool.slots.push(Some(slot));
            pool.stats.started += 1;
        }
        pool.await_ready()?;
        pool.building = false;
        Ok(pool)
    }

    /// The settings.
    pub fn config(&self) -> &PoolConfig {
        &self.cfg
    }

    /// Counters: workers started and died, batches resent.
    pub fn stats(&self) -> PoolStats {
        self.stats
    }

    /// The pids of the live workers.
    pub fn pids(&self) -> Vec<i32> {
        self.slots
            .iter()
            .flatten()
            .map(|s| s.child.pid().as_raw())
            .collect()
    }

    /// Runs every task; results in task order.
    pub fn map(
        &mut self,
        tasks: impl IntoIterator<Item = J::Task>,
    ) -> Result<Vec<Result<J::Output, TaskError>>, PoolError> {
        let mut out: Vec<Option<Result<J::Output, TaskError>>> = Vec::new();
        for item in self.imap_unordered(tasks) {
            let (i, r) = item?;
            if out.len() <= i {
                out.resize_with(i + 1, || None);
            }
            out[i] = Some(r);
        }
        Ok(out
            .into_iter()
            .map(|r| r.expect("the dispatcher delivers every index exactly once"))
            .collect())
    }

    /// Runs every task, yielding `(index, result)` as results arrive.
    ///
    /// Dropping the iterator early cancels the tasks not yet sent; replies
    /// to batches already in flight are discarded when they arrive.
    pub fn imap_unordered<'p>(
        &'p mut self,
        tasks: impl IntoIterator<Item = J::Task, IntoIter: 'p>,
    ) -> Unordered<'p, J> {
        Unordered::new(self, Box::new(tasks.into_iter()))
    }

    /// Waits until every slot without a hello has said it.
    fn await_ready(&mut self) -> Result<(), PoolError> {
        // A timeout too long to be a deadline means none (no overflow).
        let deadline = subprocess_pipes::deadline::after(self.cfg.start_timeout);
        while self.slots.iter().flatten().any(|s| !s.ready) {
            let left = subprocess_pipes::deadline::remaining(deadline).unwrap_or(Duration::MAX);
            match self.events.recv_timeout(left) {
                Ok(ev) => self.on_event(ev)?,
                Err(_) => return Err(PoolError::StartTimeout(self.cfg.start_timeout)),
            }
        }
        Ok(())
    }
}

impl<J: Job> Drop for ProcessPool<J> {
    fn drop(&mut self) {
        // Hang up on every worker first, so they all exit in parallel.
        for s in self.slots.iter_mut().flatten() {
            if let Some(mut tx) = s.tx.take() {
                // Never wait for room here: a worker that does not read is killed below.
                tx.get_mut().get_mut().set_until(pipe_writer::Until::Now);
                let _ = tx.get_mut().push();
            }
        }
        for s in self.slots.iter_mut().flatten() {
            s.close(self.server.as_mut(), Duration::from_millis(500));
        }
    }
}
