//! How a [`ChildGuard`] ends its child: waiting (without blocking, blocking,
//! or up to a limit), killing, and reaping, for the child alone or with its
//! process group; and the drop that kills and reaps.

use std::time::Duration;

use nix::sys::signal::{Signal, kill, killpg};
use nix::sys::wait::{Id, WaitPidFlag, waitid, waitpid};

use super::exit_cause::{ExitCause, cause};
use super::guard::ChildGuard;
use crate::deadline;

impl ChildGuard {
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
