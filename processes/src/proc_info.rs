//! What `/proc` says about a process: its threads, its children, its memory.
//!
//! Linux only. These readers back the single-thread rule of `fork`
//! ([`thread_count`]), the "no child left behind" checks ([`children`],
//! [`descendants`]) and the `memory` experiment ([`Memory::of`]).

use std::io;

use nix::unistd::Pid;

/// How many threads this process has now (entries of `/proc/self/task`).
///
/// ```
/// assert!(processes::proc_info::thread_count()? >= 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn thread_count() -> io::Result<usize> {
    Ok(std::fs::read_dir("/proc/self/task")?.count())
}

/// The direct children of `pid`: the union of
/// `/proc/<pid>/task/<tid>/children` over its threads (a child belongs to
/// the thread that started it).
///
/// ```
/// let kids = processes::proc_info::children(nix::unistd::getpid())?;
/// assert!(!kids.contains(&nix::unistd::getpid()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn children(pid: Pid) -> io::Result<Vec<Pid>> {
    let mut out = Vec::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        let path = task?.path().join("children");
        // A thread can exit between the listing and the read: skip it.
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        out.extend(
            text.split_whitespace()
                .filter_map(|p| p.parse::<i32>().ok())
                .map(Pid::from_raw),
        );
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Every descendant of `pid` (children, grandchildren, ...), breadth first.
pub fn descendants(pid: Pid) -> io::Result<Vec<Pid>> {
    let mut out = Vec::new();
    let mut todo = vec![pid];
    while let Some(p) = todo.pop() {
        // A child that has just exited has no /proc entry: not an error.
        let kids = children(p).unwrap_or_default();
        out.extend_from_slice(&kids);
        todo.extend(kids);
    }
    Ok(out)
}

/// Resident and proportional memory of a process, from `/proc/<pid>/smaps_rollup`.
///
/// RSS counts every page the process maps and has in RAM, shared or not;
/// PSS divides each shared page by the number of processes sharing it, so
/// PSS summed over processes is the RAM they really use together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Memory {
    /// Resident set size, KiB.
    pub rss_kib: u64,
    /// Proportional set size, KiB.
    pub pss_kib: u64,
    /// Private pages (clean + dirty), KiB: what this process alone holds.
    pub private_kib: u64,
}

/// Figures of several processes added up, field by field (saturating: a
/// garbage figure cannot overflow the sum).
///
/// ```
/// use processes::proc_info::Memory;
/// let a = Memory { rss_kib: 10, pss_kib: 4, private_kib: 2 };
/// let b = Memory { rss_kib: u64::MAX, pss_kib: 6, private_kib: 1 };
/// let sum = a + b;
/// assert_eq!((sum.rss_kib, sum.pss_kib, sum.private_kib), (u64::MAX, 10, 3));
/// ```
impl std::ops::Add for Memory {
    type Output = Memory;

    fn add(self, other: Memory) -> Memory {
        Memory {
            rss_kib: self.rss_kib.saturating_add(other.rss_kib),
            pss_kib: self.pss_kib.saturating_add(other.pss_kib),
            private_kib: self.private_kib.saturating_add(other.private_kib),
        }
    }
}

impl Memory {
    /// Reads `/proc/<pid>/smaps_rollup`.
    ///
    /// ```
    /// let me = processes::proc_info::Memory::of(nix::unistd::getpid())?;
    /// assert!(me.rss_kib >= me.pss_kib && me.pss_kib > 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of(pid: Pid) -> io::Result<Memory> {
        Memory::parse(&std::fs::read_to_string(format!(
            "/proc/{pid}/smaps_rollup"
        ))?)
    }

    /// Parses the text of a `smaps_rollup` file.
    pub fn parse(text: &str) -> io::Result<Memory> {
        let mut m = Memory::default();
        let mut seen_rss = false;
        for line in text.lines() {
            let mut parts = line.split_whitespace();
            let (Some(key), Some(value)) = (parts.next(), parts.next()) else {
                continue;
            };
            let Ok(kib) = value.parse::<u64>() else {
                continue;
            };
            match key {
                "Rss:" => {
                    m.rss_kib = kib;
                    seen_rss = true;
                }
                "Pss:" => m.pss_kib = kib,
                "Private_Clean:" | "Private_Dirty:" => m.private_kib += kib,
                _ => {}
            }
        }
        if seen_rss {
            Ok(m)
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "smaps_rollup has no Rss line",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smaps_rollup_text_parses() {
        let text = "55d0-7ffd ---p 00000000 00:00 0  [rollup]\nRss:  1200 kB\nPss:  300 kB\n\
                    Pss_Anon: 100 kB\nPrivate_Clean: 10 kB\nPrivate_Dirty: 90 kB\n";
        let m = Memory::parse(text).unwrap();
        assert_eq!((m.rss_kib, m.pss_kib, m.private_kib), (1200, 300, 100));
        assert!(Memory::parse("garbage").is_err());
    }

    #[test]
    fn a_started_child_is_listed_then_gone_after_wait() {
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let pid = Pid::from_raw(child.id() as i32);
        assert!(children(nix::unistd::getpid()).unwrap().contains(&pid));
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(!children(nix::unistd::getpid()).unwrap().contains(&pid));
    }
}
