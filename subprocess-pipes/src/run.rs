//! `run`: the `subprocess.run` analogue: start a program, feed it, capture its output, wait (with a timeout), check its status.
//!
//! | Python                              | here                                                         |
//! |-------------------------------------|--------------------------------------------------------------|
//! | `subprocess.run(["ls", "-l"])`      | `Run::new("ls").arg("-l").run()`                             |
//! | `capture_output=True`               | the default (`.capture(false)` inherits)                     |
//! | `check=True` → `CalledProcessError` | `.check(true)` → [`RunError::Failed`]                        |
//! | `timeout=5` → `TimeoutExpired`      | `.timeout(..)` → [`RunError::TimedOut`] ([`TimeoutExpired`]) |
//! | `input=b"..."`                      | `.input(..)`                                                 |
//! | `cwd=`, `env=`                      | `.cwd(..)`, `.env(..)`, `.env_clear()`                       |
//! | `shell=True`                        | `Run::shell("ls | wc -l")` (`sh -c`)                         |
//!
//! An argv is never passed through a shell unless [`Run::shell`] asks for
//! it, so arguments need no quoting and cannot inject commands. On a
//! timeout the child (and its process group) is killed *and reaped*.
//!
//! ```no_run
//! use std::time::Duration;
//! use subprocess_pipes::run::{Run, RunError};
//!
//! let done = Run::new("ls").arg("-l").timeout(Duration::from_secs(5)).run()?;
//! println!("{}", done.stdout_lossy());
//!
//! match Run::new("ls").arg("/no/such/dir").check(true).run() {
//!     Err(RunError::Failed { status, stderr_tail, .. }) => eprintln!("{status}: {stderr_tail}"),
//!     other => panic!("{other:?}"),
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::popen::{CommunicateError, Popen, TimeoutExpired};

/// Lines of stderr kept in a [`RunError::Failed`].
pub const STDERR_TAIL_LINES: usize = 10;

/// A command to run. See the module docs.
#[derive(Debug, Clone)]
pub struct Run {
    program: OsString,
    args: Vec<OsString>,
    cwd: Option<PathBuf>,
    env: Vec<(OsString, Option<OsString>)>,
    env_clear: bool,
    input: Option<Vec<u8>>,
    capture: bool,
    check: bool,
    timeout: Option<Duration>,
}

/// A command that ran to its end.
#[derive(Debug, Clone)]
pub struct Completed {
    /// The command line.
    pub argv: String,
    /// How it exited.
    pub status: ExitStatus,
    /// Its stdout (empty unless captured).
    pub stdout: Vec<u8>,
    /// Its stderr (empty unless captured).
    pub stderr: Vec<u8>,
    /// Wall time from start to exit.
    pub elapsed: Duration,
}

impl Completed {
    /// stdout as text (invalid UTF-8 replaced).
    pub fn stdout_lossy(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

/// Why [`Run::run`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The program could not be started (not found, not executable, bad cwd).
    #[error("{error}")]
    Spawn {
        /// The command line.
        argv: String,
        /// The operating system's error, already naming the command (as
        /// `Popen::spawn` reports it): shown as this error's message, not
        /// chained as its source, so the command appears once.
        error: std::io::Error,
    },
    /// `check` was set and the program exited unsuccessfully.
    #[error("`{argv}` failed ({status}); stderr ends with:\n{stderr_tail}")]
    Failed {
        /// The command line.
        argv: String,
        /// Its exit status (code or signal).
        status: ExitStatus,
        /// The last lines of its stderr.
        stderr_tail: String,
        /// Its whole stdout.
        stdout: Vec<u8>,
    },
    /// It ran past the timeout; it was killed and reaped. The output it
    /// produced until then is kept.
    #[error(transparent)]
    TimedOut(TimeoutExpired),
    /// Talking to the child failed.
    #[error(transparent)]
    Io(CommunicateError),
}

impl Run {
    /// Runs `program` (looked up on `PATH`), capturing its output.
    pub fn new(program: impl AsRef<OsStr>) -> Run {
        Run {
            program: program.as_ref().to_owned(),
            args: Vec::new(),
            cwd: None,
            env: Vec::new(),
            env_clear: false,
            input: None,
            capture: true,
            check: false,
            timeout: None,
        }
    }

    /// Runs `command` through `sh -c`: pipes and globs work, and so does
    /// injection; use it only with text you wrote.
    pub fn shell(command: &str) -> Run {
        Run::new("sh").arg("-c").arg(command)
    }

    /// Adds one argument (passed as is: no shell, no quoting needed).
    pub fn arg(mut self, a: impl AsRef<OsStr>) -> Run {
        self.args.push(a.as_ref().to_owned());
        self
    }

    /// Adds arguments.
    pub fn args<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(mut self, args: I) -> Run {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Runs in directory `dir`.
    pub fn cwd(mut self, dir: impl Into<PathBuf>) -> Run {
        self.cwd = Some(dir.into());
        self
    }

    /// Sets an environment variable for the child.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Run {
        self.env
            .push((key.as_ref().to_owned(), Some(value.as_ref().to_owned())));
        self
    }

    /// Removes an environment variable for the child.
    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Run {
        self.env.push((key.as_ref().to_owned(), None));
        self
    }

    /// Starts the child with an empty environment (then `env` adds to it).
    pub fn env_clear(mut self) -> Run {
        self.env_clear = true;
        self
    }

    /// Bytes written to the child's stdin (else stdin is `/dev/null`).
    pub fn input(mut self, bytes: impl Into<Vec<u8>>) -> Run {
        self.input = Some(bytes.into());
        self
    }

    /// Capture stdout and stderr (the default), or let them through to ours.
    pub fn capture(mut self, yes: bool) -> Run {
        self.capture = yes;
        self
    }

    /// Turn an unsuccessful exit into [`RunError::Failed`].
    pub fn check(mut self, yes: bool) -> Run {
        self.check = yes;
        self
    }

    /// Kill (and reap) the child if it runs longer than `limit`.
    pub fn timeout(mut self, limit: Duration) -> Run {
        self.timeout = Some(limit);
        self
    }

    /// Runs the command to its end. See the module docs.
    pub fn run(&self) -> Result<Completed, RunError> {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args);
        if let Some(dir) = &self.cwd {
            cmd.current_dir(dir);
        }
        if self.env_clear {
            cmd.env_clear();
        }
        for (k, v) in &self.env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        let piped = || {
            if self.capture {
                Stdio::piped()
            } else {
                Stdio::inherit()
            }
        };
        cmd.stdin(if self.input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(piped())
        .stderr(piped());
        let started = Instant::now();
        let mut child = Popen::spawn(cmd).map_err(|error| RunError::Spawn {
            argv: self.argv(),
            error,
        })?;
        let out = match child.communicate(self.input.as_deref(), self.timeout) {
            Ok(out) => out,
            Err(CommunicateError::TimedOut(t)) => return Err(RunError::TimedOut(t)),
            Err(e) => return Err(RunError::Io(e)),
        };
        if self.check && !out.status.success() {
            return Err(RunError::Failed {
                argv: child.argv().to_string(),
                status: out.status,
                stderr_tail: tail(&out.stderr, STDERR_TAIL_LINES),
                stdout: out.stdout,
            });
        }
        Ok(Completed {
            argv: child.argv().to_string(),
            status: out.status,
            stdout: out.stdout,
            stderr: out.stderr,
            elapsed: started.elapsed(),
        })
    }

    fn argv(&self) -> String {
        std::iter::once(&self.program)
            .chain(&self.args)
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The last `n` lines of `bytes`, as text.
pub fn tail(bytes: &[u8], n: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
