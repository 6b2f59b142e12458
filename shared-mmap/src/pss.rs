//! Memory of a process as the kernel accounts it: RSS counts every resident
//! page a process maps; PSS divides each shared page among the processes
//! mapping it, so summing PSS over processes counts a shared page once.

use crate::error::{Context, Error, Result};

/// Resident and proportional set sizes of one process, in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Memory {
    /// Resident set size: shared pages counted in full, in every process.
    pub rss: u64,
    /// Proportional set size: a page shared by k processes counts 1/k here.
    pub pss: u64,
}

impl std::ops::Add for Memory {
    type Output = Memory;
    fn add(self, o: Memory) -> Memory {
        Memory {
            rss: self.rss + o.rss,
            pss: self.pss + o.pss,
        }
    }
}

/// Reads `/proc/<pid>/smaps_rollup` (Linux 4.14+).
///
/// ```
/// let me = shared_mmap::pss::of_pid(std::process::id())?;
/// assert!(me.pss > 0 && me.pss <= me.rss);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn of_pid(pid: u32) -> Result<Memory> {
    let text =
        std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ctx("read smaps_rollup")?;
    parse(&text).ok_or_else(|| Error::Worker(format!("no Rss/Pss in /proc/{pid}/smaps_rollup")))
}

/// Extracts `Rss:` and `Pss:` (kB) from smaps_rollup text.
pub fn parse(text: &str) -> Option<Memory> {
    let kb = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<u64>().ok())
            .map(|k| k * 1024)
    };
    Some(Memory {
        rss: kb("Rss:")?,
        pss: kb("Pss:")?,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn garbage_never_panics(text in "\\PC{0,200}") {
            let _ = super::parse(&text);
        }
    }
    #[test]
    fn parses_the_rollup_format_and_rejects_garbage() {
        let text = "55d0-7ffd ---p 00000000 00:00 0 [rollup]\nRss:  2048 kB\nPss:  1024 kB\nPss_Anon: 3 kB\n";
        assert_eq!(
            super::parse(text),
            Some(super::Memory {
                rss: 2 << 20,
                pss: 1 << 20
            })
        );
        assert_eq!(super::parse("Rss: lots\n"), None);
    }
}
