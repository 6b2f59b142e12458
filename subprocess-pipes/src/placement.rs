//! Placement: pins the measuring parent and its children to two different CPUs, so every variant of a comparison runs with the same placement.
//!
//! On a small machine the scheduler may put a pipe's two ends on one CPU in
//! one run and on two in the next, or move them mid-run; the bandwidth and
//! the round trip then swing by 2x or more between runs whatever is being
//! compared. With at least two allowed CPUs (Linux), [`Placement::pin`]
//! pins the parent to the first allowed CPU and [`Placement::child`] pins a
//! child to the second: every variant (raw, framed, CPython) gets the same
//! "two ends on two CPUs". Dropping the [`Placement`] restores the
//! parent's previous affinity. Elsewhere, or with one CPU, nothing is
//! pinned and [`Placement::describe`] says so.

/// The CPUs in use, and the parent's affinity to restore.
pub(crate) struct Placement {
    parent: usize,
    child: usize,
    #[cfg(target_os = "linux")]
    saved: nix::sched::CpuSet,
}

#[cfg(target_os = "linux")]
impl Placement {
    /// Pins this process to its first allowed CPU and picks the second for
    /// the children; `None` with fewer than two allowed CPUs or on error.
    pub(crate) fn pin() -> Option<Placement> {
        use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
        use nix::unistd::Pid;
        let saved = sched_getaffinity(Pid::from_raw(0)).ok()?;
        let mut allowed = (0..CpuSet::count()).filter(|&c| saved.is_set(c).unwrap_or(false));
        let (parent, child) = (allowed.next()?, allowed.next()?);
        sched_setaffinity(Pid::from_raw(0), &one(parent)?).ok()?;
        Some(Placement {
            parent,
            child,
            saved,
        })
    }

    /// Pins the child `pid` to the children's CPU.
    pub(crate) fn child(&self, pid: u32) -> anyhow::Result<()> {
        self.child_on(pid, self.child)
    }

    /// Pins the child `pid` to `cpu` (e.g. the parent's, for a same-CPU comparison).
    pub(crate) fn child_on(&self, pid: u32, cpu: usize) -> anyhow::Result<()> {
        let set = one(cpu).ok_or_else(|| anyhow::anyhow!("no CPU {cpu}"))?;
        let pid = i32::try_from(pid)?;
        nix::sched::sched_setaffinity(nix::unistd::Pid::from_raw(pid), &set)
            .map_err(|e| anyhow::anyhow!("pinning child {pid} to CPU {cpu}: {e}"))
    }
}

#[cfg(target_os = "linux")]
fn one(cpu: usize) -> Option<nix::sched::CpuSet> {
    let mut set = nix::sched::CpuSet::new();
    set.set(cpu).ok()?;
    Some(set)
}

#[cfg(target_os = "linux")]
impl Drop for Placement {
    fn drop(&mut self) {
        let _ = nix::sched::sched_setaffinity(nix::unistd::Pid::from_raw(0), &self.saved);
    }
}

#[cfg(not(target_os = "linux"))]
impl Placement {
    /// Pinning is Linux-only here: `None`.
    pub(crate) fn pin() -> Option<Placement> {
        None
    }

    /// Never called without a placement.
    pub(crate) fn child(&self, _pid: u32) -> anyhow::Result<()> {
        Ok(())
    }

    /// Never called without a placement.
    pub(crate) fn child_on(&self, _pid: u32, _cpu: usize) -> anyhow::Result<()> {
        Ok(())
    }
}

impl Placement {
    /// The two CPUs, as `(parent, child)`.
    pub(crate) fn cpus(&self) -> (usize, usize) {
        (self.parent, self.child)
    }

    /// One line for the report.
    pub(crate) fn describe(p: Option<&Placement>) -> String {
        match p {
            Some(p) => format!(
                "parent pinned to CPU {}, children to CPU {} (all variants alike)",
                p.parent, p.child
            ),
            None => "not pinned (fewer than 2 CPUs, or not Linux): placement is the scheduler's"
                .to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pinning and dropping leaves this thread's affinity as it was.
    #[cfg(target_os = "linux")]
    #[test]
    fn drop_restores_the_affinity() {
        let me = nix::unistd::Pid::from_raw(0);
        let before = nix::sched::sched_getaffinity(me).unwrap();
        if let Some(p) = Placement::pin() {
            let (a, b) = p.cpus();
            assert_ne!(a, b);
            assert!(Placement::describe(Some(&p)).contains("pinned"));
            drop(p);
        }
        assert_eq!(nix::sched::sched_getaffinity(me).unwrap(), before);
    }
}
