//! `Popen`: a child with piped stdio, a timed wait, `communicate`, and a guard that kills and reaps it on drop.
//!
//! [`Popen`] owns the child's pipes and a [`ChildGuard`], the one
//! kill-and-reap guard of the workspace. Whatever happens (an error, a
//! panic, an early return), dropping it kills the child's process group and
//! waits for it, so no zombie and no orphan is left behind. The child is
//! started in a process group of its own (`process_group(0)`) and ended
//! with it, also when it exits on its own: whatever it started goes too
//! (`sh -c 'sleep 100 &'` leaves no `sleep` holding our pipes open). The terminal's Ctrl-C then no longer
//! reaches the children: see [`crate::interrupt`] for how the demo binary
//! (and any program that asks) still ends them.
//!
//! ```no_run
//! use std::process::{Command, Stdio};
//! use std::time::Duration;
//! use subprocess_pipes::popen::Popen;
//!
//! let mut cmd = Command::new("tr");
//! cmd.arg("a-z").arg("A-Z").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
//! let mut child = Popen::spawn(cmd)?;
//! let out = child.communicate(Some(b"hello"), Some(Duration::from_secs(5)))?;
//! assert_eq!(out.stdout, b"HELLO");
//! assert!(out.status.success());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::ffi::OsStr;
use std::io;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{ChildStderr, ChildStdin, ChildStdout, Command, ExitStatus};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};

use crate::channel::Channel;
use crate::child::{ChildGuard, ExitCause};

mod communicate;
pub use communicate::{CommunicateError, Output, TimeoutExpired};

/// A running child that is killed and reaped when dropped. See the module docs.
#[derive(Debug)]
pub struct Popen {
    stdin: Option<ChildStdin>,
    stdout: Option<ChildStdout>,
    stderr: Option<ChildStderr>,
    /// Kills the group and reaps the child on drop; lists it for Ctrl-C meanwhile.
    guard: ChildGuard,
    /// The command line, for error messages.
    argv: String,
}

impl Popen {
    /// Starts `cmd` in its own process group. Set its stdio first
    /// (`Stdio::piped()` for the pipes you want to use).
    pub fn spawn(mut cmd: Command) -> io::Result<Popen> {
        let argv = describe(&cmd);
        cmd.process_group(0);
        let mut child = cmd
            .spawn()
            .map_err(|e| io::Error::new(e.kind(), format!("starting `{argv}`: {e}")))?;
        Ok(Popen {
            stdin: child.stdin.take(),
            stdout: child.stdout.take(),
            stderr: child.stderr.take(),
            guard: ChildGuard::from_child(child).into_group_leader(),
            argv,
        })
    }

    /// The child's process id.
    pub fn id(&self) -> u32 {
        self.guard.pid().as_raw() as u32
    }

    /// The command line, as shown in errors.
    pub fn argv(&self) -> &str {
        &self.argv
    }

    /// Takes the child's stdin pipe (if it was piped); dropping it sends EOF.
    pub fn take_stdin(&mut self) -> Option<ChildStdin> {
        self.stdin.take()
    }

    /// Takes the child's stdout pipe (if it was piped).
    pub fn take_stdout(&mut self) -> Option<ChildStdout> {
        self.stdout.take()
    }

    /// Takes the child's stderr pipe (if it was piped).
    pub fn take_stderr(&mut self) -> Option<ChildStderr> {
        self.stderr.take()
    }

    /// A typed channel over the child's stdout (to receive `Rx`) and stdin
    /// (to send `Tx`), taking both pipes; `None` unless both were piped.
    /// Dropping the channel's sender closes the child's stdin: a worker
    /// looping on `recv` then sees a clean end and exits.
    ///
    /// ```no_run
    /// use std::process::{Command, Stdio};
    /// use std::time::Duration;
    /// use subprocess_pipes::popen::Popen;
    ///
    /// // `cat` sends every frame back as it came: an echo child for frames.
    /// let mut cat = Command::new("cat");
    /// cat.stdin(Stdio::piped()).stdout(Stdio::piped());
    /// let mut child = Popen::spawn(cat)?;
    /// let mut ch = child.channel::<(u32, String), (u32, String)>().expect("piped");
    /// ch.send(&(1, "ping".to_string()))?;
    /// assert_eq!(ch.recv_timeout(Duration::from_secs(5))?, Some((1, "ping".to_string())));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn channel<Tx, Rx>(&mut self) -> Option<Channel<Tx, Rx, ChildStdout, ChildStdin>> {
        match (self.stdout.take(), self.stdin.take()) {
            (Some(out), Some(inp)) => Some(Channel::new(out, inp)),
            (out, inp) => {
                (self.stdout, self.stdin) = (out, inp);
                None
            }
        }
    }

    /// The exit status if the child has exited (and reaps it), without blocking.
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        Ok(self.guard.try_wait()?.map(status_of))
    }

    /// Waits for the child to exit, at most until `deadline`; `Ok(None)` if it
    /// is still running then. Polls `waitpid(WNOHANG)` with a sleep that
    /// grows from 100 µs to 10 ms, so a quick child is noticed quickly.
    pub fn wait_deadline(&mut self, deadline: Instant) -> io::Result<Option<ExitStatus>> {
        let mut nap = Duration::from_micros(100);
        loop {
            if let Some(status) = self.try_wait()? {
                return Ok(Some(status));
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(None);
            }
            std::thread::sleep(nap.min(deadline - now));
            nap = (nap * 2).min(Duration::from_millis(10));
        }
    }

    /// As [`Popen::wait_deadline`] with a timeout from now; a timeout too
    /// long to be a deadline ([`crate::deadline::after`]) waits without one.
    pub fn wait_timeout(&mut self, timeout: Duration) -> io::Result<Option<ExitStatus>> {
        match crate::deadline::after(timeout) {
            Some(deadline) => self.wait_deadline(deadline),
            None => self.wait().map(Some),
        }
    }

    /// Waits for the child to exit, without a limit.
    pub fn wait(&mut self) -> io::Result<ExitStatus> {
        Ok(status_of(self.guard.wait()?))
    }

    /// How the child ended, once it has been reaped (by a wait or a kill).
    pub fn exit_cause(&self) -> Option<ExitCause> {
        self.guard.exit_cause()
    }

    /// Sends `SIGKILL` to the child's process group and reaps the child.
    /// Harmless if it already exited.
    pub fn kill_and_reap(&mut self) -> io::Result<ExitStatus> {
        if let Some(status) = self.try_wait()? {
            return Ok(status);
        }
        Ok(status_of(self.guard.kill()?))
    }

    /// Sends `sig` to the child's process group (the child and what it started).
    pub fn signal(&self, sig: Signal) -> io::Result<()> {
        if self.guard.exit_cause().is_some() {
            return Ok(()); // reaped: its pid may already belong to someone else
        }
        match killpg(self.guard.pid(), sig) {
            Ok(()) | Err(nix::errno::Errno::ESRCH) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// The `ExitStatus` std would have reported for `cause` (a core dump's flag
/// aside): `Exited(c)` is `c << 8`, `Signaled(s)` is the signal's number.
fn status_of(cause: ExitCause) -> ExitStatus {
    ExitStatus::from_raw(match cause {
        ExitCause::Exited(code) => (code & 0xff) << 8,
        ExitCause::Signaled(sig) => sig as i32,
    })
}

/// `prog arg1 arg2`, for messages.
fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&quote(a));
    }
    s
}

fn quote(a: &OsStr) -> String {
    let a = a.to_string_lossy();
    if !a.is_empty()
        && a.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,".contains(c))
    {
        a.into_owned()
    } else {
        format!("'{}'", a.replace('\'', r"'\''"))
    }
}
