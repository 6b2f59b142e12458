//! Worker processes started by re-executing this crate's binary in its hidden
//! `__worker` mode: spawned together, read line by line with deadlines, and
//! always killed and reaped, also on error or panic.
//!
//! Why re-exec rather than `fork`: it is safe from any thread (std's `Command`
//! does the fork+exec dance), so tests can drive it in parallel. Shared data
//! reaches the worker as an inherited memfd descriptor, never through a pipe
//! (except in the deliberate "copy through pipes" comparison).

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::error::{Context, Error, Result};

/// The hidden first argument that turns the binary into a worker.
pub const WORKER_ARG: &str = "__worker";
/// A reply line longer than this is garbage: refused before it grows.
const MAX_LINE: u64 = 512;

/// Where the worker binary is: this crate's `shared-mmap` executable.
#[derive(Debug, Clone)]
pub struct WorkerExe(pub PathBuf);

impl WorkerExe {
    /// The running executable: right when called from the demo binary itself.
    pub fn current() -> Result<WorkerExe> {
        Ok(WorkerExe(std::env::current_exe().ctx("current_exe")?))
    }

    /// A given path (tests pass `env!("CARGO_BIN_EXE_shared-mmap")`).
    pub fn at(path: impl AsRef<Path>) -> WorkerExe {
        WorkerExe(path.as_ref().to_path_buf())
    }
}

/// A spawned group of workers. Dropping it kills and reaps every child that
/// is still there and joins the reader threads.
#[derive(Debug)]
pub struct WorkerSet {
    children: Vec<Child>,
    stdins: Vec<Option<ChildStdin>>,
    /// `(worker, line, arrival)`; `None` when the worker's stdout closed.
    lines: Receiver<(usize, Option<String>, Instant)>,
    readers: Vec<JoinHandle<()>>,
    /// Lines that arrived early (a worker's next reply while others lag).
    pending: Vec<VecDeque<(Option<String>, Instant)>>,
}

impl WorkerSet {
    /// Spawns one worker per argument list: `<exe> __worker <args…>`, with
    /// stdin and stdout piped and stderr inherited.
    pub fn spawn(exe: &WorkerExe, args: &[Vec<String>]) -> Result<WorkerSet> {
        let (tx, lines) = channel();
        let mut set = WorkerSet {
            children: Vec::new(),
            stdins: Vec::new(),
            lines,
            readers: Vec::new(),
            pending: vec![VecDeque::new(); args.len()],
        };
        for (i, a) in args.iter().enumerate() {
            let mut child = Command::new(&exe.0)
                .arg(WORKER_ARG)
                .args(a)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .ctx("spawn worker")?; // `set` drops: earlier workers are killed and reaped.
            let out = child.stdout.take().expect("stdout is piped");
            set.stdins.push(child.stdin.take());
            set.children.push(child);
            let tx = tx.clone();
            set.readers.push(std::thread::spawn(move || {
                let mut r = BufReader::new(out);
                loop {
                    let mut line = String::new();
                    let msg = match r.by_ref().take(MAX_LINE).read_line(&mut line) {
                        Ok(0) | Err(_) => None,
                        Ok(_) => Some(line.trim_end().to_owned()),
                    };
                    let end = msg.is_none();
                    if tx.send((i, msg, Instant::now())).is_err() || end {
                        return;
                    }
                }
            }));
        }
        Ok(set)
    }

    /// How many workers.
    pub fn len(&self) -> usize {
        self.children.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.children.is_empty()
    }

    /// Process ids, in spawn order.
    pub fn pids(&self) -> Vec<u32> {
        self.children.iter().map(Child::id).collect()
    }

    /// Takes worker `i`'s stdin (to feed it or to close it).
    pub fn take_stdin(&mut self, i: usize) -> Option<ChildStdin> {
        self.stdins.get_mut(i).and_then(Option::take)
    }

    /// Kills worker `i` (fault injection in tests and demos).
    pub fn kill(&mut self, i: usize) -> Result<()> {
        self.children[i].kill().ctx("kill worker")
    }

    /// Kills every worker still running (they are reaped on drop or `finish`).
    pub fn kill_all(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
        }
    }

    /// Waits until every worker has sent one line starting with `tag`;
    /// returns the rest of each line and when it arrived, by worker. A worker
    /// that dies or stays silent past `limit` makes this an error.
    pub fn collect(&mut self, tag: &str, limit: Duration) -> Result<Vec<(String, Instant)>> {
        let deadline = Instant::now() + limit;
        let mut got: Vec<Option<(String, Instant)>> = vec![None; self.len()];
        let mut early: Vec<(usize, Option<String>, Instant)> = Vec::new();
        for (i, q) in self.pending.iter_mut().enumerate() {
            if let Some((line, at)) = q.pop_front() {
                early.push((i, line, at));
            }
        }
        let mut early = early.into_iter();
        while got.iter().any(Option::is_none) {
            let next = match early.next() {
                Some(e) => Ok(e),
                None => self
                    .lines
                    .recv_timeout(deadline.saturating_duration_since(Instant::now())),
            };
            match next {
                Ok((i, line, at)) if got[i].is_some() => self.pending[i].push_back((line, at)),
                Ok((i, None, _)) => {
                    return Err(Error::Worker(format!(
                        "worker {i} exited before sending {tag:?}"
                    )));
                }
                Ok((i, Some(line), at)) => match line.strip_prefix(tag) {
                    Some(rest) => got[i] = Some((rest.trim().to_owned(), at)),
                    _ => {
                        return Err(Error::Worker(format!(
                            "worker {i}: expected {tag:?}, got {line:?}"
                        )));
                    }
                },
                Err(RecvTimeoutError::Timeout) => {
                    return Err(Error::Timeout(limit, "worker replies"));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(Error::Worker(format!(
                        "workers gone before sending {tag:?}"
                    )));
                }
            }
        }
        Ok(got.into_iter().map(|g| g.expect("all arrived")).collect())
    }

    /// Closes every stdin (the workers' cue to exit) and waits up to `limit`
    /// for all of them; any non-zero exit is an error.
    pub fn finish(self, limit: Duration) -> Result<()> {
        for (i, status) in self.wait_all(limit)?.into_iter().enumerate() {
            if !status.success() {
                return Err(Error::Worker(format!("worker {i} ended with {status}")));
            }
        }
        Ok(())
    }

    /// Closes every stdin and waits up to `limit` for every worker; returns
    /// how each ended. On timeout the rest are killed and reaped (drop).
    pub fn wait_all(mut self, limit: Duration) -> Result<Vec<ExitStatus>> {
        self.stdins.clear();
        let deadline = Instant::now() + limit;
        let mut out = Vec::with_capacity(self.children.len());
        for child in &mut self.children {
            loop {
                if let Some(status) = child.try_wait().ctx("wait worker")? {
                    out.push(status);
                    break;
                }
                if Instant::now() >= deadline {
                    return Err(Error::Timeout(limit, "workers to exit"));
                }
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        Ok(out)
    }
}

impl Drop for WorkerSet {
    fn drop(&mut self) {
        self.stdins.clear();
        for child in &mut self.children {
            if let Ok(None) = child.try_wait() {
                let _ = child.kill();
            }
            let _ = child.wait();
        }
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
    }
}
