//! The parent's side of the worker processes ([`crate::worker_modes`] is
//! the workers' side): this crate's binary re-executed in its hidden
//! `__worker` mode, spawned together, their typed replies read with
//! deadlines, and always killed and reaped, also on error or panic.
//!
//! Why re-exec rather than `fork`: it is safe from any thread (std's `Command`
//! does the fork+exec dance), so tests can drive it in parallel. Shared data
//! reaches the worker as an inherited memfd descriptor, never through a pipe
//! (except in the deliberate "copy through pipes" comparison). Replies come
//! back as frames ([`crate::reply`]); waiting on them is `poll` with a
//! deadline, so no reader threads are needed. The lifecycle is
//! `subprocess-pipes`' own: the command of its worker hook
//! ([`subprocess_pipes::worker::command`]), a process group of its own per
//! worker, and its kill-and-reap guard ([`ChildGuard`]), which lists the
//! worker for the Ctrl-C policy ([`subprocess_pipes::interrupt`]).

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, ChildStdout};
use std::time::{Duration, Instant};

use subprocess_pipes::deadline;

use subprocess_pipes::channel::{ChannelError, Receiver};
use subprocess_pipes::child::{ChildGuard, ExitCause};

use crate::error::{Context, Error, Result};

/// How long to wait for a worker whose pipe closed to be reaped, so that
/// the error can say how it ended.
const EXIT_GRACE: Duration = Duration::from_millis(500);
use crate::reply::{MAX_REPLY, Reply};

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
/// is still there (each [`ChildGuard`] does).
#[derive(Debug)]
pub struct WorkerSet {
    children: Vec<ChildGuard>,
    stdins: Vec<Option<ChildStdin>>,
    replies: Vec<Receiver<Reply, ChildStdout>>,
}

impl WorkerSet {
    /// Spawns one worker per argument list (a mode, then its arguments):
    /// `<exe> __worker <mode> <args…>`, with stdin and stdout piped and
    /// stderr inherited, each leading a process group of its own.
    ///
    /// ```no_run
    /// use std::time::Duration;
    /// use shared_mmap::{reply::Reply, worker_set::{WorkerExe, WorkerSet}};
    ///
    /// let mut set = WorkerSet::spawn(&WorkerExe::current()?, &[vec!["sigbus-memfd".into()]])?;
    /// let got = set.collect("a truncate reply", Duration::from_secs(5), |r| match r {
    ///     Reply::Truncate { errno, .. } => Some(*errno),
    ///     _ => None,
    /// })?;
    /// assert_eq!(got[0].0, Some(libc::EPERM));
    /// set.finish(Duration::from_secs(5))?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn spawn(exe: &WorkerExe, args: &[Vec<String>]) -> Result<WorkerSet> {
        let mut set = WorkerSet {
            children: Vec::new(),
            stdins: Vec::new(),
            replies: Vec::new(),
        };
        for a in args {
            let (mode, rest) = a
                .split_first()
                .ok_or_else(|| Error::Invalid("a worker needs a mode".into()))?;
            let mut cmd = subprocess_pipes::worker::command(&exe.0, mode);
            // Its own group: the terminal's Ctrl-C reaches the demo only,
            // whose policy then kills every listed worker.
            cmd.args(rest).process_group(0);
            let mut child = cmd.spawn().ctx("spawn worker")?; // `set` drops: earlier workers are killed and reaped.
            let out = child.stdout.take().expect("stdout is piped");
            set.replies
                .push(Receiver::new(out).with_max_frame(MAX_REPLY));
            set.stdins.push(child.stdin.take());
            set.children
                .push(ChildGuard::from_child(child).into_group_leader());
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
        self.children
            .iter()
            .map(|c| c.pid().as_raw() as u32)
            .collect()
    }

    /// Takes worker `i`'s stdin (to feed it or to close it).
    pub fn take_stdin(&mut self, i: usize) -> Option<ChildStdin> {
        self.stdins.get_mut(i).and_then(Option::take)
    }

    /// Kills and reaps worker `i` (fault injection in tests and demos); a
    /// worker that does not exist is [`Error::Invalid`].
    pub fn kill(&mut self, i: usize) -> Result<()> {
        let n = self.children.len();
        let child = self
            .children
            .get_mut(i)
            .ok_or_else(|| Error::Invalid(format!("no worker {i}: the set has {n}")))?;
        child.kill().ctx("kill worker").map(drop)
    }

    /// Kills and reaps every worker still running.
    pub fn kill_all(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
        }
    }

    /// Takes the next reply of every worker, which `pick` must accept (it
    /// names `what` it expects); returns the picked values and when each
    /// was read. A worker that dies, stays silent past `limit`, or sends
    /// something else makes this an error.
    pub fn collect<T>(
        &mut self,
        what: &'static str,
        limit: Duration,
        pick: impl Fn(&Reply) -> Option<T>,
    ) -> Result<Vec<(T, Instant)>> {
        let deadline = deadline::after(limit);
        let mut got = Vec::with_capacity(self.replies.len());
        for (i, rx) in self.replies.iter_mut().enumerate() {
            let left = deadline::remaining(deadline).unwrap_or(Duration::MAX);
            match rx.recv_timeout(left) {
                Ok(Some(reply)) => match pick(&reply) {
                    Some(t) => got.push((t, Instant::now())),
                    None => {
                        return Err(Error::Worker(format!(
                            "worker {i}: expected {what}, got {reply:?}"
                        )));
                    }
                },
                Ok(None) => {
                    // Its pipe closed: say how it ended (a signal, a status).
                    let how = match self.children.get_mut(i).map(|c| c.wait_timeout(EXIT_GRACE)) {
                        Some(Ok(Some(cause))) => cause.to_string(),
                        _ => "closed its pipe".to_string(),
                    };
                    return Err(Error::Worker(format!(
                        "worker {i} {how} before sending {what}"
                    )));
                }
                Err(ChannelError::TimedOut { .. }) => return Err(Error::Timeout(limit, what)),
                Err(e) => return Err(Error::Worker(format!("worker {i}: {e}"))),
            }
        }
        Ok(got)
    }

    /// Closes every stdin (the workers' cue to exit) and waits up to `limit`
    /// for all of them; any non-zero exit is an error.
    pub fn finish(self, limit: Duration) -> Result<()> {
        for (i, status) in self.wait_all(limit)?.into_iter().enumerate() {
            if status != ExitCause::Exited(0) {
                return Err(Error::Worker(format!("worker {i} ended with {status}")));
            }
        }
        Ok(())
    }

    /// Closes every stdin and waits up to `limit` for every worker; returns
    /// how each ended. On timeout the rest are killed and reaped (drop).
    pub fn wait_all(mut self, limit: Duration) -> Result<Vec<ExitCause>> {
        self.stdins.clear();
        let deadline = deadline::after(limit);
        let mut out = Vec::with_capacity(self.children.len());
        for child in &mut self.children {
            let left = deadline::remaining(deadline).unwrap_or(Duration::MAX);
            match child.wait_timeout(left).ctx("wait worker")? {
                Some(cause) => out.push(cause),
                None => return Err(Error::Timeout(limit, "workers to exit")),
            }
        }
        Ok(out)
    }
}
