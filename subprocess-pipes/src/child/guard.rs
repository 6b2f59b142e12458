//! The guard: owning a child by pid, as a lone process or as the leader of
//! its process group. How it waits, kills and reaps is in `reap.rs`.

use nix::unistd::Pid;

use super::exit_cause::ExitCause;

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
    pub(super) pid: Pid,
    /// The child leads a process group of the same id: end the group with it.
    pub(super) group: bool,
    /// `Some` once the child has been reaped.
    pub(super) reaped: Option<ExitCause>,
}

impl ChildGuard {
    /// Takes ownership of the child `pid` (which must be our child).
    ///
    /// Until it is reaped, the child is listed with
    /// [`crate::interrupt::register`], so that a program that
    /// ends on Ctrl-C through that module kills it on the way out. It is
    /// taken off the list the moment it is reaped, before its pid can be
    /// reused (the same reasoning as for the group kill, in the module docs).
    pub fn new(pid: Pid) -> ChildGuard {
        crate::interrupt::register(pid.as_raw() as u32);
        ChildGuard {
            pid,
            group: false,
            reaped: None,
        }
    }

    /// Records how the child ended, and takes it off the interrupt list.
    pub(super) fn set_reaped(&mut self, how: Option<ExitCause>) {
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
}
