//! What a run returns ([`Outcome`], with each thread's [`ThreadStats`]),
//! and why one can fail ([`VmError`]).

use std::collections::BTreeMap;
use std::time::Duration;

use crate::trace::Trace;

/// Why a run failed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VmError {
    /// A pop from an empty stack.
    #[error("stack underflow")]
    StackUnderflow,
    /// Too deep a call stack or too big a value stack.
    #[error("stack overflow")]
    StackOverflow,
    /// `IO_READ` in a job without a pipe.
    #[error("IO_READ without a pipe")]
    NoPipe,
    /// The pipe failed or ended.
    #[error("I/O error: {0}")]
    Io(String),
    /// `LOCK_ACQUIRE` waited too long (a deadlock).
    #[error("lock not acquired within {0:?}: deadlock?")]
    LockTimeout(Duration),
    /// `LOCK_RELEASE` of an unlocked lock.
    #[error("release of unlocked lock {0}")]
    ReleaseUnlocked(u16),
    /// `TOUCH_OBJECT` of an object the program does not declare.
    #[error("no object {0}")]
    NoObject(i64),
    /// A job that does not fit the program.
    #[error("bad job: {0}")]
    BadJob(String),
    /// Pinning failed.
    #[error("sched_setaffinity: {0}")]
    Affinity(String),
    /// A VM thread panicked.
    #[error("a VM thread panicked")]
    Panicked,
}

/// One VM thread's figures.
#[derive(Debug, Clone, Default)]
pub struct ThreadStats {
    /// The value its function returned.
    pub result: i64,
    /// Instructions executed.
    pub instructions: u64,
    /// Times it let another thread run at a check point.
    pub yields: u64,
    /// Those switches by the opcode at which they happened.
    pub yields_at: BTreeMap<&'static str, u64>,
    /// The first switch: its opcode, and how many instructions the thread
    /// had executed by then (counting a check point's own instruction when
    /// the check comes after it: backward jumps, `RESUME`, `NATIVE`).
    pub first_yield: Option<(&'static str, u64)>,
    /// Check points at which another thread really took the GIL (py2
    /// often retakes it at once), by (function index, instruction index):
    /// where a race's read-modify-write was cut.
    pub hand_offs_at: BTreeMap<(usize, usize), u64>,
    /// Each blocking call's latency (I/O or releasing native work), GIL retake included.
    pub io_latency: Vec<Duration>,
}

/// What a run returns.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The globals at the end, in declaration order.
    pub globals: Vec<i64>,
    /// Per-thread figures, in job order.
    pub threads: Vec<ThreadStats>,
    /// Wall time from the first thread's start to the last one's end.
    pub elapsed: Duration,
    /// GIL acquisitions that found another thread inside (0 under a GIL).
    pub overlaps: u64,
    /// The most threads ever inside at once (1 under a GIL).
    pub max_inside: usize,
    /// The GIL events, when [`RunConfig::trace`](super::RunConfig::trace) asked for them.
    pub trace: Option<Trace>,
    /// Each object's reference count at the end: 0 unless changes were lost.
    pub object_counts: Vec<i64>,
}

impl Outcome {
    /// Instructions executed by all threads.
    pub fn instructions(&self) -> u64 {
        self.threads.iter().map(|t| t.instructions).sum()
    }
}
