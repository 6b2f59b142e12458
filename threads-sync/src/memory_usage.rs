//! This process's resident memory and the machine's kernel stacks, now
//! and at their peak over a stretch of time: how the experiments weigh threads
//! against tasks. A thread's cost is in both places: its user stack and
//! thread state are resident in the process, its kernel stack (16 KiB on
//! x86-64) is in no process's RSS.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// Resident set size in bytes (`VmRSS` of `/proc/self/status`); `None`
/// where there is no such file.
pub fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_rss(&status)
}

/// The peak resident set size of this program since it started (`VmHWM`
/// of `/proc/self/status`, which starts afresh at `exec`; `getrusage`'s
/// `ru_maxrss` does not, it carries the parent's peak over).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    kib_field(&status, "VmHWM:")
}

/// The kernel stacks of every thread on the machine, in bytes
/// (`KernelStack` of `/proc/meminfo`); `None` where there is no such file.
pub fn kernel_stack_bytes() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    kib_field(&meminfo, "KernelStack:")
}

fn parse_vm_rss(status: &str) -> Option<u64> {
    kib_field(status, "VmRSS:")
}

/// The `name  1234 kB` line of a `/proc` file, in bytes.
fn kib_field(text: &str, name: &str) -> Option<u64> {
    let kib = text
        .lines()
        .find_map(|l| l.strip_prefix(name))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse::<u64>()
        .ok()?;
    Some(kib * 1024)
}

/// Peaks seen by a [`PeakMemory`] sampler, in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Peaks {
    /// The largest resident memory of this process plus the machine's
    /// kernel stacks, read at the same moment.
    pub total: u64,
    /// The largest kernel stacks of the machine alone.
    pub kernel: u64,
}

/// What [`PeakMemory`] reads: (this process's RSS, the machine's kernel stacks).
fn reading() -> (u64, u64) {
    (rss_bytes().unwrap_or(0), kernel_stack_bytes().unwrap_or(0))
}

/// A thread that reads this process's [`rss_bytes`] and the machine's
/// [`kernel_stack_bytes`] every `every` and keeps the peaks.
#[derive(Debug)]
pub struct PeakMemory {
    stop: Arc<AtomicBool>,
    total: Arc<AtomicU64>,
    kernel: Arc<AtomicU64>,
    thread: Option<JoinHandle<()>>,
}

impl PeakMemory {
    /// Starts sampling.
    pub fn start(every: Duration) -> anyhow::Result<PeakMemory> {
        let stop = Arc::new(AtomicBool::new(false));
        let (rss, ks) = reading();
        let total = Arc::new(AtomicU64::new(rss + ks));
        let kernel = Arc::new(AtomicU64::new(ks));
        let (s, t, k) = (Arc::clone(&stop), Arc::clone(&total), Arc::clone(&kernel));
        let thread = std::thread::Builder::new()
            .name("memory sampler".into())
            .spawn(move || {
                while !s.load(Ordering::Relaxed) {
                    let (rss, ks) = reading();
                    t.fetch_max(rss + ks, Ordering::Relaxed);
                    k.fetch_max(ks, Ordering::Relaxed);
                    std::thread::sleep(every);
                }
            })
            .map_err(|e| anyhow::anyhow!("starting the memory sampler: {e}"))?;
        Ok(PeakMemory {
            stop,
            total,
            kernel,
            thread: Some(thread),
        })
    }

    /// Stops sampling; the peaks seen (one last reading included).
    pub fn stop(mut self) -> Peaks {
        self.end();
        let (rss, ks) = reading();
        Peaks {
            total: self.total.load(Ordering::Relaxed).max(rss + ks),
            kernel: self.kernel.load(Ordering::Relaxed).max(ks),
        }
    }

    fn end(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for PeakMemory {
    fn drop(&mut self) {
        self.end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vm_rss_is_read_in_kib_and_garbage_is_none() {
        assert_eq!(
            parse_vm_rss("Name:\tx\nVmRSS:\t  1234 kB\n"),
            Some(1234 * 1024)
        );
        assert_eq!(parse_vm_rss("VmRSS: lots\n"), None);
        assert_eq!(parse_vm_rss(""), None);
        assert_eq!(
            kib_field("KernelStack:   16 kB\n", "KernelStack:"),
            Some(16 << 10)
        );
    }

    #[test]
    fn a_parked_thread_has_a_kernel_stack() {
        let Some(before) = kernel_stack_bytes() else {
            return;
        };
        let threads: Vec<_> = (0..64)
            .map(|_| std::thread::spawn(|| std::thread::sleep(Duration::from_millis(300))))
            .collect();
        let during = kernel_stack_bytes().unwrap();
        threads.into_iter().for_each(|t| t.join().unwrap());
        // Other tests start and end threads too: only a clear rise counts.
        assert!(
            during >= before + 32 * 4096,
            "kernel stacks {before} -> {during}"
        );
    }

    #[test]
    fn the_peak_sees_memory_that_was_touched_and_freed() {
        let Some(before) = rss_bytes() else { return };
        let before = before + kernel_stack_bytes().unwrap_or(0);
        let sampler = PeakMemory::start(Duration::from_millis(1)).unwrap();
        let big = vec![1u8; 64 << 20];
        std::thread::sleep(Duration::from_millis(30));
        drop(std::hint::black_box(big));
        let peak = sampler.stop().total;
        assert!(peak >= before + (48 << 20), "peak {peak}, before {before}");
    }
}
