//! A child process that is always reaped: [`ChildGuard`] kills and waits on
//! drop, so no error path and no panic leaves a zombie or an orphan. It is
//! the one kill-and-reap guard of the library crates: [`crate::popen::Popen`]
//! holds one, as do the `processes` pool's workers and fork server and
//! `shared-mmap`'s workers.
//!
//! A child that leads its own process group ([`ChildGuard::group_leader`])
//! is ended with its whole group: whatever it started (a worker that forks,
//! a shell script's background job) goes with it, since those processes
//! are not our children and would otherwise outlive the guard as orphans.
//! The group is signalled only while the leader is not yet reaped (still
//! running, or a zombie observed with `WNOWAIT`), so its id cannot have
//! been reused by an unrelated process.

use std::fmt;
use std::time::Duration;

use crate::deadline;

use nix::sys::signal::{Signal, kill, killpg};
use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid, waitpid};
use nix::unistd::Pid;

/// How a child process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCause {
    /// It exited with this status (a Rust panic in `main` exits with 101).
    Exited(i32),
    /// A signal killed it (`SIGKILL`, `SIGABRT` from `abort()`, `SIGSEGV`...).
    Signaled(Signal),
}

impl fmt::Display for ExitCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExitCause::Exited(101) => write!(f, "exited with status 101 (a panic)"),
            ExitCause::Exited(code) => write!(f, "exited with status {code}"),
            ExitCause::Signaled(sig) => write!(f, "killed by {sig}"),
        }
    }
}

/// Owns a child process by pid; on drop, kills it (`SIGKILL`) if it still
/// runs and reaps it.
///
/// ```no_run
/// use subprocess_pipes::child::ChildGuard;
/// let guard = ChildGuard::from_child(std::process::Command::new("sleep").arg("60").spawn()?);
/// drop(guard); // killed and reaped: no zombie
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ChildGuard {
    pid: Pid,
    /// The child leads a process group of the same id: end the group with it.
    group: bool,
    /// `Some` once the child has been reaped.
    reaped: Option<ExitCause>,
}

impl ChildGuard {
    /// Takes ownership of the child `pid` (which must be our child).
    ///
    /// Until it is reaped, the child is listed with
    /// [`crate::interrupt::register`], so that a program that
    /// ends on Ctrl-C through that module kills it on the way out. It is
    /// taken off the list the moment it is reaped, before its pid can be
    /// reused (the same reasoning as for the group kill below).
    pub fn new(pid: Pid) -> ChildGuard {
        crate::interrupt::register(pid.as_raw() as u32);
        ChildGuard {
            pid,
            group: false,
            reaped: None,
        }
    }

    /// Records how the child ended, and takes it off the interrupt list.
    fn set_reaped(&mut self, how: Option<ExitCause>) {
        if how.is_some() {
            crate::interrupt::forget(self.pid.as_raw() as u32);
        }
        self.reaped = how;
    }

    /// Takes ownership of the child `pid` that leads its own process group
    /// (started with `CommandExt::process_group(0)`, or `setpgid` after a
    /// fork): when it ends or is killed, every process left in its group is
    /// killed too.
    ///
    /// ```no_run
    /// use std::os::unix::process::CommandExt;
    /// use subprocess_pipes::child::ChildGuard;
    /// let child = std::process::Command::new("sh")
    ///     .args(["-c", "sleep 60 & sleep 60"])
    ///     .process_group(0)
    ///     .spawn()?;
    /// let guard = ChildGuard::group_leader(nix::unistd::Pid::from_raw(child.id() as i32));
    /// drop(guard); // sh and both sleeps are killed; sh is reaped
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn group_leader(pid: Pid) -> ChildGuard {
        ChildGuard::new(pid).into_group_leader()
    }

    /// The same guard, now treating the child as the leader of its own
    /// process group (see [`ChildGuard::group_leader`]).
    pub fn into_group_leader(mut self) -> ChildGuard {
        self.group = true;
        self
    }

    /// Takes ownership of a child started with `std::process::Command`
    /// (its stdio handles, if any, should be taken out first).
    pub fn from_child(child: std::process::Child) -> ChildGuard {
        ChildGuard::new(Pid::from_raw(child.id() as i32))
    }

    /// The child's pid.
    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// How it ended, if it has been reaped.
    pub fn exit_cause(&self) -> Option<ExitCause> {
        self.reaped
    }

    /// Reaps the child if it has ended, without blocking.
    pub fn try_wait(&mut self) -> nix::Result<Option<ExitCause>> {
        if self.reaped.is_some() {
            return Ok(self.reaped);
        }
        if self.group {
            // Look without reaping, so the group id stays ours while we kill the rest.
            let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT;
            if cause(waitid(Id::Pid(self.pid), flags)?).is_none() {
                return Ok(None);
            }
            let _ = killpg(self.pid, Signal::SIGKILL);
        }
        let status = waitpid(self.pid, Some(WaitPidFlag::WNOHANG))?;
        self.set_reaped(cause(status));
        Ok(self.reaped)
    }

    /// Blocks until the child ends and reaps it.
    pub fn wait(&mut self) -> nix::Result<ExitCause> {
        loop {
            if let Some(c) = self.reaped {
                return Ok(c);
            }
            if self.group {
                match waitid(
                    Id::Pid(self.pid),
                    WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT,
                ) {
                    Ok(_) => {
                        let _ = killpg(self.pid, Signal::SIGKILL);
                    }
                    Err(nix::Error::EINTR) => continue,
                    Err(e) => return Err(e),
                }
            }
            match waitpid(self.pid, None) {
                Ok(status) => self.set_reaped(cause(status)),
                Err(nix::Error::EINTR) => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Waits up to `limit` for the child to end (polling, 1 ms apart, after
    /// a short spin of non-blocking checks); `None` if it still runs. A
    /// limit too long to be a deadline waits as long as it takes.
    pub fn wait_timeout(&mut self, limit: Duration) -> nix::Result<Option<ExitCause>> {
        let deadline = deadline::after(limit);
        let mut polls = 0u32;
        loop {
            if let Some(c) = self.try_wait()? {
                return Ok(Some(c));
            }
            if deadline::passed(deadline) {
                return Ok(None);
            }
            polls += 1;
            if polls < 50 {
                std::thread::yield_now();
            } else {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }

    /// Sends `SIGKILL` (if not yet reaped; to the whole group for a group
    /// leader) and reaps.
    pub fn kill(&mut self) -> nix::Result<ExitCause> {
        if self.reaped.is_none() {
            // ESRCH cannot happen before we reap: an unreaped child is a zombie, still ours.
            if self.group {
                let _ = killpg(self.pid, Signal::SIGKILL);
            }
            // Also the pid itself: a forked child may not have joined its group yet.
            let _ = kill(self.pid, Signal::SIGKILL);
        }
        self.wait()
    }

    /// Waits up to `grace` for a clean exit, then kills; reaps in any case.
    pub fn finish(&mut self, grace: Duration) -> nix::Result<ExitCause> {
        match self.wait_timeout(grace)? {
            Some(c) => Ok(c),
            None => self.kill(),
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.kill();
    }
}

/// The live processes (not zombies) whose environment holds `var=value`.
/// Every process a program starts inherits its environment, whichever
/// process group it leads, so a test that runs a program with a marker
/// variable finds everything the run left behind with this.
///
/// ```
/// // This process, run without the marker, has no such processes.
/// let pids = subprocess_pipes::child::running_with_env("NO_SUCH_MARKER", "1")?;
/// assert!(pids.is_empty());
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn running_with_env(var: &str, value: &str) -> std::io::Result<Vec<u32>> {
    let mark = format!("{var}={value}").into_bytes();
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc")?.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        // Gone meanwhile, or not ours to read: not a process of the run.
        let (Ok(stat), Ok(env)) = (
            std::fs::read_to_string(format!("/proc/{pid}/stat")),
            std::fs::read(format!("/proc/{pid}/environ")),
        ) else {
            continue;
        };
        let zombie = stat
            .rsplit_once(')')
            .is_some_and(|(_, r)| r.trim_start().starts_with('Z'));
        if !zombie && env.split(|&b| b == 0).any(|v| v == mark.as_slice()) {
            out.push(pid);
        }
    }
    Ok(out)
}

fn cause(status: WaitStatus) -> Option<ExitCause> {
    match status {
        WaitStatus::Exited(_, code) => Some(ExitCause::Exited(code)),
        WaitStatus::Signaled(_, sig, _) => Some(ExitCause::Signaled(sig)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn spawn(cmd: &str, args: &[&str]) -> ChildGuard {
        ChildGuard::from_child(std::process::Command::new(cmd).args(args).spawn().unwrap())
    }

    #[test]
    fn drop_kills_and_reaps() {
        let guard = spawn("sleep", &["30"]);
        let pid = guard.pid();
        drop(guard);
        // Reaped: not even a zombie is left under that pid.
        assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists());
    }

    #[test]
    fn exit_causes_are_reported() {
        let mut ok = spawn("sh", &["-c", "exit 3"]);
        assert_eq!(ok.wait().unwrap(), ExitCause::Exited(3));
        let mut slow = spawn("sleep", &["30"]);
        assert_eq!(slow.wait_timeout(Duration::from_millis(20)).unwrap(), None);
        assert_eq!(slow.kill().unwrap(), ExitCause::Signaled(Signal::SIGKILL));
        assert_eq!(slow.exit_cause().unwrap().to_string(), "killed by SIGKILL");
    }

    fn gone(pid: i32) -> bool {
        // Gone, or a zombie waiting for its new parent to reap it.
        std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |s| {
            s.rsplit_once(')')
                .is_some_and(|(_, r)| r.trim_start().starts_with('Z'))
        })
    }

    /// Waits up to `limit` for `cond`.
    fn eventually(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
        let t0 = Instant::now();
        while t0.elapsed() < limit {
            if cond() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        cond()
    }

    /// The leader's background job (a grandchild, not our child) ends with it,
    /// whether the leader is killed or exits on its own.
    #[test]
    fn a_group_leader_takes_its_group_along() {
        use std::os::unix::process::CommandExt;
        for script in ["sleep 30 & echo $!; sleep 30", "sleep 30 & echo $!; exit 0"] {
            let mut child = std::process::Command::new("sh")
                .args(["-c", script])
                .process_group(0)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let mut line = String::new();
            std::io::BufRead::read_line(
                &mut std::io::BufReader::new(child.stdout.take().unwrap()),
                &mut line,
            )
            .unwrap();
            let grandchild: i32 = line.trim().parse().unwrap();
            assert!(!gone(grandchild));
            let mut guard = ChildGuard::from_child(child).into_group_leader();
            guard.finish(Duration::from_millis(100)).unwrap();
            assert!(
                eventually(Duration::from_secs(2), || gone(grandchild)),
                "{script}: the background job outlived its leader"
            );
        }
    }
}
