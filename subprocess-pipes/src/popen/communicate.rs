//! `communicate`: feed stdin and drain stdout and stderr at the same time, so a chatty child can never deadlock us.
//!
//! Why threads: a child blocks as soon as a pipe it writes to is full (64 KiB
//! on Linux). If the parent first writes all of stdin and only then reads
//! stdout, the child stops reading stdin once its stdout is full and both
//! wait for ever (the `pipe-deadlock` experiment shows it). The pipes must be
//! serviced *concurrently*. CPython's `communicate` uses a `selectors` loop
//! on POSIX and threads on Windows; like ripgrep (`crates/cli/src/process.rs`,
//! which drains stderr on its own thread for the same reason), this uses one
//! thread per pipe: short, portable, obviously correct, and the cost (two or
//! three thread spawns) is nothing next to starting a process.

use std::io::{self, Read, Write};
use std::process::ExitStatus;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::Popen;

/// How long to wait for the pipe threads after the child was killed (a
/// grandchild that escaped the process group could hold a pipe open).
const GRACE: Duration = Duration::from_millis(500);

/// What a finished child left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// How it exited.
    pub status: ExitStatus,
    /// Everything it wrote to stdout (empty if stdout was not piped).
    pub stdout: Vec<u8>,
    /// Everything it wrote to stderr (empty if stderr was not piped).
    pub stderr: Vec<u8>,
}

/// A child that ran past its timeout, was killed and reaped, with the
/// output it produced until then: CPython's `TimeoutExpired`, raised by
/// `Popen.communicate` and `subprocess.run` alike, and so here too
/// ([`CommunicateError::TimedOut`], [`RunError::TimedOut`](crate::run::RunError::TimedOut)).
#[derive(Debug, thiserror::Error)]
#[error("`{argv}` ran past {timeout:?}; killed and reaped")]
pub struct TimeoutExpired {
    /// The command line.
    pub argv: String,
    /// The limit.
    pub timeout: Duration,
    /// stdout up to the kill.
    pub stdout: Vec<u8>,
    /// stderr up to the kill.
    pub stderr: Vec<u8>,
}

/// Why `communicate` did not return an [`Output`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CommunicateError {
    /// The child ran past the timeout; it was killed and reaped. The output
    /// it produced until then is kept.
    #[error(transparent)]
    TimedOut(TimeoutExpired),
    /// Reading, writing or waiting failed.
    #[error("`{argv}`: {context}: {source}")]
    Io {
        /// The command line.
        argv: String,
        /// What failed.
        context: &'static str,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
}

enum Done {
    Stdout(io::Result<Vec<u8>>),
    Stderr(io::Result<Vec<u8>>),
}

impl Popen {
    /// Writes `input` to the child's stdin (then closes it), reads stdout and
    /// stderr to the end, all concurrently, and waits for the child; with a
    /// `timeout`, a child still running then is killed and reaped and the
    /// partial output comes back in [`CommunicateError::TimedOut`].
    ///
    /// Pipes that were not set to `Stdio::piped()` are skipped. A child that
    /// exits without reading all its input is not an error (its `EPIPE` is
    /// ignored, as in CPython).
    pub fn communicate(
        &mut self,
        input: Option<&[u8]>,
        timeout: Option<Duration>,
    ) -> Result<Output, CommunicateError> {
        // A timeout too long to be a deadline means none.
        let deadline = timeout.and_then(crate::deadline::after);
        let (tx, rx) = mpsc::channel();
        let mut pending = 0;
        // Each pipe on its own thread; a thread that cannot start (no
        // threads left: `ulimit -u`) is an error, not a panic. What was
        // started ends when the child's pipes close (Popen's drop ends it).
        let start = |name: &str| std::thread::Builder::new().name(name.into());
        if let Some(out) = self.take_stdout() {
            pending += 1;
            let tx = tx.clone();
            start("stdout reader")
                .spawn(move || tx.send(Done::Stdout(read_all(out))))
                .map_err(|e| self.io("starting the stdout reader thread", e))?;
        }
        if let Some(err) = self.take_stderr() {
            pending += 1;
            let tx = tx.clone();
            start("stderr reader")
                .spawn(move || tx.send(Done::Stderr(read_all(err))))
                .map_err(|e| self.io("starting the stderr reader thread", e))?;
        }
        drop(tx);
        let feeder = match self.take_stdin() {
            None => None,
            Some(mut stdin) => {
                let input = input.unwrap_or_default().to_vec();
                let writer = start("stdin writer").spawn(move || match stdin.write_all(&input) {
                    Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e),
                    _ => Ok(()), // dropping stdin here closes it: the child sees EOF
                });
                Some(writer.map_err(|e| self.io("starting the stdin writer thread", e))?)
            }
        };

        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let mut first_error = None;
        let mut collect = |done: Done| {
            let (slot, res) = match done {
                Done::Stdout(r) => (&mut stdout, r),
                Done::Stderr(r) => (&mut stderr, r),
            };
            match res {
                Ok(bytes) => *slot = bytes,
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        };
        // 1. Drain both pipes to EOF (the child exited or closed them).
        let mut timed_out = false;
        while pending > 0 {
            let got = match deadline {
                None => rx.recv().ok(),
                Some(d) => match rx.recv_timeout(d.saturating_duration_since(Instant::now())) {
                    Ok(done) => Some(done),
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        timed_out = true;
                        break;
                    }
                    Err(mpsc::RecvTimeoutError::Disconnected) => None,
                },
            };
            let Some(done) = got else { break };
            collect(done);
            pending -= 1;
        }
        // 2. Wait for the exit itself.
        let status = if timed_out {
            None
        } else {
            match deadline {
                None => Some(self.wait().map_err(|e| self.io("waiting", e))?),
                Some(d) => self.wait_deadline(d).map_err(|e| self.io("waiting", e))?,
            }
        };
        let Some(status) = status else {
            // 3. Too late: kill the group, reap, and keep what arrived.
            self.kill_and_reap().map_err(|e| self.io("killing", e))?;
            let until = Instant::now() + GRACE;
            while pending > 0 {
                match rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
                    Ok(done) => collect(done),
                    Err(_) => break,
                }
                pending -= 1;
            }
            return Err(CommunicateError::TimedOut(TimeoutExpired {
                argv: self.argv.clone(),
                timeout: timeout.unwrap_or_default(),
                stdout,
                stderr,
            }));
        };
        if let Some(feeder) = feeder {
            // The child exited, so its stdin is closed and the write ends
            // (unless something it started still holds stdin: then give up
            // on the feeder after a grace period rather than hang).
            let until = Instant::now() + GRACE;
            while !feeder.is_finished() && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(1));
            }
            if feeder.is_finished()
                && let Ok(Err(e)) = feeder.join()
            {
                return Err(self.io("writing stdin", e));
            }
        }
        if let Some(e) = first_error {
            return Err(self.io("reading output", e));
        }
        Ok(Output {
            status,
            stdout,
            stderr,
        })
    }

    fn io(&self, context: &'static str, source: io::Error) -> CommunicateError {
        CommunicateError::Io {
            argv: self.argv.clone(),
            context,
            source,
        }
    }
}

fn read_all(mut r: impl Read) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.read_to_end(&mut buf)?;
    Ok(buf)
}
