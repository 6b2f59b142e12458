//! How a pool is set up: worker count, start method, batching, retries, limits.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// How worker processes are started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartMethod {
    /// Run a program as `<program> __worker <job>`; `None` means this very
    /// binary (`std::env::current_exe`), which must call
    /// [`subprocess_pipes::worker::main_if_worker`] first thing in `main`. Tests pass
    /// the crate's binary (`env!("CARGO_BIN_EXE_processes")`), since the
    /// test harness binary has no worker mode.
    Spawn(Option<PathBuf>),
    /// Fork: the pool forks a fork server while the process is still
    /// single-threaded (see [`crate::fork`]; refused otherwise), and the
    /// server forks every worker, at the start and as replacements. A
    /// worker gets a copy of the parent's memory as it was when the pool
    /// started (CPython's `forkserver`).
    Fork,
    /// Run exactly this command as a worker; it must speak the protocol on
    /// its stdin/stdout (for tests that play a misbehaving worker).
    Command(PathBuf, Vec<OsString>),
}

/// A pool's settings; build with [`crate::pool::ProcessPool::builder`].
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// Worker processes.
    pub workers: usize,
    /// How they start.
    pub start: StartMethod,
    /// Tasks per message (CPython's `chunksize`).
    pub chunksize: usize,
    /// Messages in flight per worker; `None`: adapt, keeping about
    /// [`PoolConfig::queue_target`] of work queued at each worker.
    pub prefetch: Option<usize>,
    /// Queued work per worker the adaptive prefetch aims for.
    pub queue_target: Duration,
    /// Run a batch a second time when its worker died (default: report it failed).
    pub retry_once: bool,
    /// Kill a worker whose batch runs longer than this. Checked whenever
    /// the dispatcher wakes (at least every 50 ms), and also while it waits
    /// for room in a worker's full task pipe: a worker that reads nothing
    /// for this long is killed, and the batch partly written to it fails
    /// with it. (Without a task timeout, the dispatcher waits for
    /// room as long as it takes, but still stops on Ctrl-C.)
    pub task_timeout: Option<Duration>,
    /// How long a new worker may take to say hello: [`crate::pool::ProcessPool::with_config`]
    /// fails past it; a replacement is killed past it and started again
    /// (see [`crate::pool::MAX_START_FAILURES`]).
    pub start_timeout: Duration,
    /// Largest frame accepted from a worker; at most
    /// [`crate::worker::MAX_FRAME`] (the decoder's allocation limit, see
    /// `subprocess_pipes::codec::Bincode`), larger values are lowered to it.
    pub max_frame: usize,
}

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig {
            workers: std::thread::available_parallelism().map_or(1, |n| n.get()),
            start: StartMethod::Spawn(None),
            chunksize: 1,
            prefetch: None,
            queue_target: Duration::from_millis(1),
            retry_once: false,
            task_timeout: None,
            start_timeout: Duration::from_secs(10),
            max_frame: crate::worker::MAX_FRAME,
        }
    }
}

impl PoolConfig {
    /// Checks that the pool can run with these settings: at least one
    /// worker, chunks of at least one task, a fixed prefetch of at least one
    /// message (0 would send nothing and `map` would wait for ever), and a
    /// frame limit above zero. [`crate::pool::ProcessPool::with_config`]
    /// calls it, so the builder and a hand-made config are checked in one
    /// place.
    ///
    /// ```
    /// use processes::pool::PoolConfig;
    /// let cfg = PoolConfig { prefetch: Some(0), ..PoolConfig::default() };
    /// assert!(cfg.validate().unwrap_err().to_string().contains("prefetch"));
    /// assert!(PoolConfig::default().validate().is_ok());
    /// ```
    pub fn validate(&self) -> Result<(), crate::pool::PoolError> {
        let bad = |why: &str| Err(crate::pool::PoolError::InvalidConfig(why.to_string()));
        if self.workers == 0 {
            return bad("workers must be at least 1");
        }
        if self.chunksize == 0 {
            return bad("chunksize must be at least 1");
        }
        if self.prefetch == Some(0) {
            return bad("prefetch must be at least 1 message in flight (None adapts)");
        }
        if self.max_frame == 0 {
            return bad("max_frame must be above 0");
        }
        Ok(())
    }
}

/// The most messages in flight per worker the adaptive prefetch allows.
pub const MAX_PREFETCH: usize = 64;

/// The chunksize CPython's `Pool.map` picks when given none: the tasks split
/// into about four chunks per worker (`divmod(len, 4 * workers)`, rounded
/// up), so a run pays one message round trip per chunk rather than per task
/// while the last chunks still balance the workers. At least 1.
///
/// ```
/// use processes::pool::map_chunksize;
/// assert_eq!(map_chunksize(48, 2), 6); // 48 tasks, 2 workers: 8 chunks of 6
/// assert_eq!(map_chunksize(50, 2), 7); // a remainder rounds up, as in CPython
/// assert_eq!(map_chunksize(3, 4), 1);
/// assert_eq!(map_chunksize(0, 4), 1);
/// ```
pub fn map_chunksize(tasks: usize, workers: usize) -> usize {
    let per = 4 * workers.max(1);
    tasks.div_ceil(per).max(1)
}
