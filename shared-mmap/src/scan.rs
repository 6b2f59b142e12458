//! Scanning shared data in parallel: N worker processes over their slices of
//! the mapped dataset, or N threads over the same bytes in a `Vec` in this
//! process. Both start together at a barrier and time only the scan.

use std::io::Write;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::dataset::{Dataset, checksum, split};
use crate::error::{Context, Result};
use crate::reply::Reply;
use crate::worker_set::{WorkerExe, WorkerSet};

/// One parallel scan: the combined checksum of the last pass, and the
/// seconds from the common start until the slowest participant finished.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scan {
    /// Wrapping sum of the participants' checksums.
    pub total: u64,
    /// Seconds for `passes` passes, slowest participant.
    pub secs: f64,
}

/// `threads` threads scan `bytes` `passes` times, each its own slice.
///
/// ```
/// use shared_mmap::scan::in_process;
/// let bytes = vec![1u8; 1 << 16];
/// let s = in_process(&bytes, 2, 1);
/// assert_eq!(s.total, shared_mmap::dataset::checksum(&bytes));
/// ```
pub fn in_process(bytes: &[u8], threads: usize, passes: u32) -> Scan {
    let slices = split(bytes.len(), threads);
    let gate = Gate::default();
    let results: Vec<(u64, f64)> = std::thread::scope(|s| {
        // Opens the gate when dropped: after every thread has started, or
        // while unwinding if one could not start (`ulimit -u`), so that the
        // ones already waiting never wait for ever.
        let opener = Opener(&gate);
        let handles: Vec<_> = slices
            .iter()
            .map(|&(o, l)| {
                let (part, gate) = (&bytes[o..o + l], &gate);
                s.spawn(move || {
                    gate.wait();
                    let start = Instant::now();
                    let mut sum = 0;
                    for _ in 0..passes.max(1) {
                        sum = checksum(std::hint::black_box(part));
                    }
                    (sum, start.elapsed().as_secs_f64())
                })
            })
            .collect();
        drop(opener); // go: every thread starts its timed scan now
        handles
            .into_iter()
            .map(|h| h.join().expect("scan thread"))
            .collect()
    });
    combine(&results)
}

/// `workers` processes map their slices of `data` (pre-faulted), wait for a
/// common go, and scan `passes` times.
pub fn in_workers(
    data: &Dataset,
    workers: usize,
    passes: u32,
    exe: &WorkerExe,
    limit: Duration,
) -> Result<Scan> {
    let passed = data.memfd().inheritable()?;
    let fd = std::os::fd::AsRawFd::as_raw_fd(&passed).to_string();
    let args: Vec<Vec<String>> = data
        .slices(workers)
        .iter()
        .map(|&(o, l)| {
            [
                "scan",
                &fd,
                &o.to_string(),
                &l.to_string(),
                &passes.to_string(),
            ]
            .map(String::from)
            .to_vec()
        })
        .collect();
    let mut set = WorkerSet::spawn(exe, &args)?;
    drop(passed);
    set.collect("Ready", limit, |r| {
        matches!(r, Reply::Ready { .. }).then_some(())
    })?;
    let mut stdins: Vec<_> = (0..set.len()).filter_map(|i| set.take_stdin(i)).collect();
    for s in &mut stdins {
        s.write_all(b"g").and_then(|()| s.flush()).ctx("send go")?;
    }
    let results = set.collect("Scan", limit, |r| match r {
        Reply::Scan { sum, ns } => Some((*sum, *ns as f64 * 1e-9)),
        _ => None,
    })?;
    drop(stdins); // EOF: the workers may exit
    let results: Vec<(u64, f64)> = results.into_iter().map(|r| r.0).collect();
    set.finish(limit)?;
    Ok(combine(&results))
}

fn combine(results: &[(u64, f64)]) -> Scan {
    Scan {
        total: results.iter().fold(0u64, |a, r| a.wrapping_add(r.0)),
        secs: results.iter().map(|r| r.1).fold(0.0, f64::max),
    }
}

/// A start gate: threads wait until it opens, then all go at once.
#[derive(Debug, Default)]
struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    fn wait(&self) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        while !*open {
            open = self.opened.wait(open).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// Opens its [`Gate`] on drop.
struct Opener<'a>(&'a Gate);

impl Drop for Opener<'_> {
    fn drop(&mut self) {
        *self.0.open.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.0.opened.notify_all();
    }
}
