//! `Popen`: a child with piped stdio, a timed wait, `communicate`, and a guard that kills and reaps it on drop.
//!
//! [`Popen`] owns a `std::process::Child`. Whatever happens (an error, a
//! panic, an early return), dropping it kills the child's process group and
//! waits for it, so no zombie and no orphan is left behind. The child is
//! started in a process group of its own (`process_group(0)`), so that a
//! kill also reaches whatever it started (`sh -c 'sleep 100'` leaves no
//! `sleep` holding our pipes open). The terminal's Ctrl-C then no longer
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
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, ExitStatus};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use crate::channel::Channel;

mod communicate;
pub use communicate::{CommunicateError, Output};

/// A running child that is killed and reaped when dropped. See the module docs.
#[derive(Debug)]
pub struct Popen {
    child: Child,
    /// The command line, for error messages.
    argv: String,
    /// Set once the child has been waited for.
    status: Option<ExitStatus>,
}

impl Popen {
    /// Starts `cmd` in its own process group. Set its stdio first
    /// (`Stdio::piped()` for the pipes you want to use).
    pub fn spawn(mut cmd: Command) -> io::Result<Popen> {
        let argv = describe(&cmd);
        cmd.process_group(0);
        let child = cmd
            .spawn()
            .map_err(|e| io::Error::new(e.kind(), format!("starting `{argv}`: {e}")))?;
        crate::interrupt::register(child.id());
        Ok(Popen {
            child,
            argv,
            status: None,
        })
    }

    /// The child's process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// The command line, as shown in errors.
    pub fn argv(&self) -> &str {
        &self.argv
    }

    /// Takes the child's stdin pipe (if it was piped); dropping it sends EOF.
    pub fn take_stdin(&mut self) -> Option<ChildStdin> {
        self.child.stdin.take()
    }

    /// Takes the child's stdout pipe (if it was piped).
    pub fn take_stdout(&mut self) -> Option<ChildStdout> {
        self.child.stdout.take()
    }

    /// Takes the child's stderr pipe (if it was piped).
    pub fn take_stderr(&mut self) -> Option<ChildStderr> {
        self.child.stderr.take()
    }

    /// A typed channel over the child's stdout (to receive `Rx`) and stdin
    /// (to send `Tx`), taking both pipes; `None` unless both were piped.
    /// Dropping the channel's sender closes the child's stdin: a worker
    /// looping on `recv` then sees a clean end and exits.
    ///
    /// ```no_run
    /// use subprocess_pipes::popen::Popen;
    /// use subprocess_pipes::worker;
    ///
    /// let mut child = Popen::spawn(worker::command_self("echo")?)?;
    /// let mut ch = child.channel::<worker::proto::Ping, worker::proto::Pong>().expect("piped");
    /// ch.send(&worker::proto::Ping { seq: 1 })?;
    /// assert_eq!(ch.recv_timeout(std::time::Duration::from_secs(5))?, Some(worker::proto::Pong { seq: 2 }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn channel<Tx, Rx>(&mut self) -> Option<Channel<Tx, Rx, ChildStdout, ChildStdin>> {
        match (self.child.stdout.take(), self.child.stdin.take()) {
            (Some(out), Some(inp)) => Some(Channel::new(out, inp)),
            (out, inp) => {
                (self.child.stdout, self.child.stdin) = (out, inp);
                None
            }
        }
    }

    /// The exit status if the child has exited (and reaps it), without blocking.
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        if self.status.is_none() {
            self.status = self.child.try_wait()?;
            if self.status.is_some() {
                crate::interrupt::forget(self.child.id());
            }
        }
        Ok(self.status)
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
        if let Some(status) = self.status {
            return Ok(status);
        }
        let status = self.child.wait()?;
        self.status = Some(status);
        crate::interrupt::forget(self.child.id());
        Ok(status)
    }

    /// Sends `SIGKILL` to the child's process group and reaps the child.
    /// Harmless if it already exited.
    pub fn kill_and_reap(&mut self) -> io::Result<ExitStatus> {
        if let Some(status) = self.try_wait()? {
            return Ok(status);
        }
        self.signal(Signal::SIGKILL)?;
        self.wait()
    }

    /// Sends `sig` to the child's process group (the child and what it started).
    pub fn signal(&self, sig: Signal) -> io::Result<()> {
        if self.status.is_some() {
            return Ok(()); // reaped: its pid may already belong to someone else
        }
        let pgid = Pid::from_raw(self.child.id() as i32);
        match killpg(pgid, sig) {
            Ok(()) | Err(nix::errno::Errno::ESRCH) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

impl Drop for Popen {
    /// The guard: a child still running is killed and reaped, so none is left as a zombie.
    fn drop(&mut self) {
        let _ = self.kill_and_reap();
    }
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
