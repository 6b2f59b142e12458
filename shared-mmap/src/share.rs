//! Three ways for N worker processes to get their slice of a dataset: map the
//! shared memfd (no copy), receive it through a pipe (one copy through the
//! kernel), or read it from the file (one copy into a private buffer).
//!
//! Setup is the time from spawning the workers until every one of them has
//! its slice in hand (and, without the process start, the time each worker
//! spent getting its slice). For a mapping, "getting it" is the `mmap()`
//! call, which touches no page; the time then spent touching every page
//! (page-table work, no copy) is measured apart, and is included in the
//! setup with spawn. Total is until every one has reported its sum. Memory is
//! RSS and PSS summed over the parent and the workers while they hold their
//! data: PSS counts the dataset's pages once however many processes map them.

use std::io::Write;
use std::time::{Duration, Instant};

use crate::dataset::Dataset;
use crate::error::{Context, Result};
use crate::memfd::map_sealed_range;
use crate::reply::Reply;
use crate::worker_set::{WorkerExe, WorkerSet};
use processes::proc_info::Memory;

/// How a worker gets its slice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Maps its slice of the inherited, sealed memfd: no byte is copied.
    Mmap,
    /// Receives its slice on stdin from the parent: the bytes cross a pipe.
    Pipe,
    /// `pread`s its slice from the inherited memfd into its own buffer.
    Read,
}

impl Method {
    /// Every method, in the order experiments show them.
    pub const ALL: [Method; 3] = [Method::Mmap, Method::Pipe, Method::Read];

    /// The name on a worker's command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Method::Mmap => "mmap",
            Method::Pipe => "pipe",
            Method::Read => "read",
        }
    }
}

/// Knobs for [`reduce`].
#[derive(Debug, Clone)]
pub struct Options {
    /// Worker processes (at least 1).
    pub workers: usize,
    /// Limit on every wait for the workers.
    pub timeout: Duration,
    /// Fault injection: kill this worker right after spawning it.
    pub kill_worker: Option<usize>,
}

/// What one [`reduce`] run measured.
#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    /// The combined checksum of all slices.
    pub total: u64,
    /// Seconds from spawning until every worker had its data (process start included).
    pub setup: f64,
    /// Seconds each worker spent getting its data after it started, the
    /// largest over the workers: the sharing itself, without process start.
    pub data_setup: f64,
    /// [`Method::Mmap`] only: seconds a worker then spent touching one byte
    /// of every page of its mapping (the largest over the workers). `mmap()`
    /// touches no page, so `data_setup` alone would hide the page-table
    /// work that the first access does; 0 for the copying methods, whose
    /// bytes are touched by the copy.
    pub touch: f64,
    /// Seconds from spawning until every worker had reported its sum.
    pub elapsed: f64,
    /// RSS and PSS (KiB) of the parent plus the workers, measured while they hold their data.
    pub memory: Memory,
}

/// Has `opts.workers` processes reduce `data` by `method`; the caller checks
/// `total` against [`Dataset::direct_checksum`].
///
/// ```no_run
/// use std::time::Duration;
/// use shared_mmap::{Dataset, share::{reduce, Method, Options}, worker_set::WorkerExe};
///
/// let data = Dataset::generate(1 << 20)?;
/// let opts = Options { workers: 2, timeout: Duration::from_secs(10), kill_worker: None };
/// let out = reduce(&data, Method::Mmap, &opts, &WorkerExe::current()?)?;
/// assert_eq!(out.total, data.direct_checksum()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn reduce(data: &Dataset, method: Method, opts: &Options, exe: &WorkerExe) -> Result<Outcome> {
    let slices = data.slices(opts.workers.max(1));
    // The parent holds the whole dataset resident, as a parent that built it would.
    let map = map_sealed_range(data.memfd().file(), 0, data.len(), true)?;
    let passed = data.memfd().inheritable()?;
    let fd = std::os::fd::AsRawFd::as_raw_fd(&passed).to_string();
    let args: Vec<Vec<String>> = slices
        .iter()
        .map(|&(o, l)| {
            ["reduce", method.name(), &fd, &o.to_string(), &l.to_string()]
                .map(String::from)
                .to_vec()
        })
        .collect();
    let start = Instant::now();
    let mut set = WorkerSet::spawn(exe, &args)?;
    drop(passed); // every worker has inherited it
    if let Some(i) = opts.kill_worker {
        set.kill(i.min(set.len() - 1))?;
    }
    std::thread::scope(|s| {
        let mut writers = Vec::new();
        if method == Method::Pipe {
            for (i, &(o, l)) in slices.iter().enumerate() {
                let mut stdin = set.take_stdin(i).expect("stdin not taken yet");
                let bytes = &map[o..o + l];
                // A writer blocked on a dead or stuck worker gets EPIPE once it is killed.
                writers.push(s.spawn(move || stdin.write_all(bytes).map(|()| stdin)));
            }
        }
        let mut run = || -> Result<Outcome> {
            let ready = set.collect("Ready", opts.timeout, |r| match r {
                Reply::Ready { ns, touch_ns } => Some((*ns, *touch_ns)),
                _ => None,
            })?;
            // Keep the pipes open until the end: their EOF tells the workers to exit.
            let _held: Vec<_> = writers
                .drain(..)
                .map(|w| w.join().expect("writer thread"))
                .collect();
            let sums = set.collect("Sum", opts.timeout, |r| match r {
                Reply::Sum(v) => Some(*v),
                _ => None,
            })?;
            let mut memory = memory_of(std::process::id())?;
            for pid in set.pids() {
                memory = memory + memory_of(pid)?;
            }
            let data_ns = ready.iter().map(|r| r.0.0).max().unwrap_or(0);
            let touch_ns = ready.iter().map(|r| r.0.1).max().unwrap_or(0);
            let total = sums.iter().fold(0u64, |a, r| a.wrapping_add(r.0));
            let last = |v: &mut dyn Iterator<Item = Instant>| {
                v.map(|t| t - start).max().unwrap_or_default()
            };
            Ok(Outcome {
                total,
                setup: last(&mut ready.iter().map(|r| r.1)).as_secs_f64(),
                data_setup: data_ns as f64 * 1e-9,
                touch: touch_ns as f64 * 1e-9,
                elapsed: last(&mut sums.iter().map(|r| r.1)).as_secs_f64(),
                memory,
            })
        };
        let out = run();
        if out.is_err() {
            set.kill_all(); // unblocks any writer before the scope joins it
        }
        out
    })
    .and_then(|out| {
        set.finish(opts.timeout)?;
        Ok(out)
    })
}

/// `smaps_rollup` of process `pid`.
fn memory_of(pid: u32) -> Result<Memory> {
    Memory::of(nix::unistd::Pid::from_raw(pid as i32)).ctx("read smaps_rollup")
}

/// The sum of two processes' figures; saturating, so that a garbage figure
/// cannot overflow.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_figures_neither_overflow_nor_panic() {
        // As large as a kB figure in smaps_rollup can be written.
        let text = format!("Rss: {} kB\nPss: {} kB\n", u64::MAX, u64::MAX - 1);
        let m = Memory::parse(&text).unwrap();
        assert_eq!((m + m).rss_kib, u64::MAX);
        let me = memory_of(std::process::id()).unwrap();
        assert!(me.pss_kib > 0 && me.pss_kib <= me.rss_kib);
    }
}
