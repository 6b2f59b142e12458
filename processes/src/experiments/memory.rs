//! Claim: a process costs more memory than a thread, but after `fork` its
//! pages stay shared (copy-on-write) until written; and an idle Rust worker
//! costs a small fraction of an idle CPython worker (RSS and PSS from `/proc`).

use std::io::{Read, Write};
use std::time::Duration;

use nix::unistd::{Pid, getpid};

use crate::child::ChildGuard;
use crate::contract::scaled::Scaled;
use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::cpython::{num, python_side};
use crate::demo_jobs::Tiny;
use crate::pool::ProcessPool;
use crate::proc_info::Memory;

/// The default of `--workers`.
const WORKERS: Scaled<u64> = Scaled::new(4, 2);

/// The default of `--cow-mib`.
const COW_MIB: Scaled<u64> = Scaled::new(64, 16);

/// Flags of `memory`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct MemoryExp {
    /// Idle workers (and threads) to measure.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=64), help = WORKERS.help("Idle workers (and threads) to measure"))]
    pub workers: Option<u64>,
    /// MiB the parent holds before forking, for copy-on-write.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=4096), help = COW_MIB.help("MiB the parent holds before forking, for copy-on-write"))]
    pub cow_mib: Option<u64>,
}

impl Experiment for MemoryExp {
    const NAME: &'static str = "memory";
    const CLAIM: &'static str = "a process costs more memory than a thread; forked pages stay shared until written; an idle Rust worker costs a small fraction of a CPython one";

    // Measured in bytes, not time: a busy host cannot change it.
    const TIMED: bool = false;

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let k = *self.workers.get_or_insert(WORKERS.pick(ctx.quick)) as usize;
        let mib = *self.cow_mib.get_or_insert(COW_MIB.pick(ctx.quick)) as usize;
        let mut report = Report::new(Verdict::Info, "");
        report.say(format!(
            "{k} idle workers of each kind; KiB per worker from /proc/<pid>/smaps_rollup"
        ));
        report.say("kind           RSS KiB   PSS KiB".to_string());
        // Forks first, while this process is still single-threaded.
        let forked = match crate::fork::fork_allowed() {
            Ok(()) => Some((fork_idle(k)?, cow(mib)?)),
            Err(e) => {
                report.say(format!("fork: skipped ({e})"));
                None
            }
        };
        let thread = threads_idle(THREADS)?;
        let spawned = spawn_idle(k)?;
        report.say(format!(
            "thread         {:>7}   {:>7}   (growth of this process / {THREADS} threads)",
            thread.rss_kib, thread.pss_kib
        ));
        if let Some((f, _)) = &forked {
            report.say(format!(
                "fork           {:>7}   {:>7}",
                f.rss_kib, f.pss_kib
            ));
        }
        report.say(format!(
            "spawn (re-exec){:>7}   {:>7}",
            spawned.rss_kib, spawned.pss_kib
        ));
        report.push_metric("spawn_worker_pss_kib", spawned.pss_kib as f64, "KiB");
        report.push_metric("spawn_worker_rss_kib", spawned.rss_kib as f64, "KiB");
        report.push_metric("thread_rss_kib", thread.rss_kib as f64, "KiB");
        if let Some((f, (before, after))) = &forked {
            report.push_metric("fork_worker_rss_kib", f.rss_kib as f64, "KiB");
            report.push_metric("fork_worker_pss_kib", f.pss_kib as f64, "KiB");
            report.say(format!(
                "copy-on-write: child of a parent holding {mib} MiB: private {} KiB, PSS {} KiB before writing; private {} KiB, PSS {} KiB after writing every page",
                before.private_kib, before.pss_kib, after.private_kib, after.pss_kib
            ));
            report.push_metric("cow_private_before_kib", before.private_kib as f64, "KiB");
            report.push_metric("cow_private_after_kib", after.private_kib as f64, "KiB");
        }
        let mut py_pss = None;
        if let Some(rows) = python_side(
            &mut report,
            "memory.py",
            &[k.to_string(), THREADS.to_string()],
            Duration::from_secs(60),
        ) {
            for r in &rows {
                let kind = r
                    .get("kind")
                    .and_then(|v| v.as_str())
                    .unwrap_or("?")
                    .to_string();
                let (rss, pss) = (num(r, "rss_kib"), num(r, "pss_kib"));
                report.say(format!("  CPython {kind:<8} {rss:>7.0}   {pss:>7.0}"));
                report.push_metric(format!("cpython_{kind}_pss_kib"), pss, "KiB");
                if kind == "thread" {
                    // Compared with Rust's thread as it is: growth of RSS.
                    report.push_metric("cpython_thread_rss_kib", rss, "KiB");
                }
                if kind == "spawn" {
                    py_pss = Some(pss);
                }
            }
        }
        let (mem_ok, mem_detail) = match py_pss {
            Some(p) => {
                let frac = spawned.pss_kib as f64 / p;
                report.push_metric("rust_over_cpython_spawn_pss", frac, "ratio");
                (
                    frac <= 0.25 && spawned.pss_kib > thread.pss_kib,
                    format!(
                        "idle spawn worker PSS: Rust {} KiB, CPython {p:.0} KiB ({:.0}%; target <= 25%); a thread {} KiB RSS",
                        spawned.pss_kib,
                        frac * 100.0,
                        thread.rss_kib
                    ),
                )
            }
            None => (
                spawned.rss_kib > thread.rss_kib,
                format!(
                    "idle spawn worker {} KiB RSS vs a thread {} KiB; no CPython to compare",
                    spawned.rss_kib, thread.rss_kib
                ),
            ),
        };
        match &forked {
            Some((_, (before, after))) => {
                let cow_ok = cow_holds(mib, before, after);
                report.verdict = Verdict::from_bool(mem_ok && cow_ok);
                report.detail = format!(
                    "{mem_detail}; copy-on-write {}: the forked child held {} KiB private before writing {mib} MiB, {} KiB after (want < 1/4, then >= 90% of it)",
                    if cow_ok { "seen" } else { "NOT seen" },
                    before.private_kib,
                    after.private_kib
                );
            }
            None => {
                report.verdict = Verdict::Info;
                report.detail =
                    format!("{mem_detail}; copy-on-write not measured (fork was refused)");
            }
        }
        Ok(report)
    }
}

fn average(ms: &[Memory]) -> Memory {
    let n = ms.len().max(1) as u64;
    Memory {
        rss_kib: ms.iter().map(|m| m.rss_kib).sum::<u64>() / n,
        pss_kib: ms.iter().map(|m| m.pss_kib).sum::<u64>() / n,
        private_kib: ms.iter().map(|m| m.private_kib).sum::<u64>() / n,
    }
}

/// Forked children that sleep; killed and reaped by their guards.
fn fork_idle(k: usize) -> anyhow::Result<Memory> {
    let kids: Vec<ChildGuard> = (0..k)
        .map(|_| {
            crate::fork::fork_with(|| {
                loop {
                    std::thread::sleep(Duration::from_secs(3600))
                }
            })
        })
        .collect::<Result<_, _>>()?;
    std::thread::sleep(Duration::from_millis(20));
    let ms: Vec<Memory> = kids
        .iter()
        .map(|c| Memory::of(c.pid()))
        .collect::<Result<_, _>>()?;
    Ok(average(&ms))
}

/// How long the copy-on-write child may take to write every page.
const COW_LIMIT: Duration = Duration::from_secs(10);

/// A child of a parent holding `mib` MiB: its memory before and after it writes every page.
fn cow(mib: usize) -> anyhow::Result<(Memory, Memory)> {
    let mut data = vec![1u8; mib << 20];
    let (go_r, mut go_w) = std::io::pipe()?;
    let (done_r, done_w) = std::io::pipe()?;
    let child = crate::fork::fork_with(|| {
        let (mut go_r, mut done_w) = (&go_r, &done_w);
        let mut b = [0u8];
        if go_r.read_exact(&mut b).is_err() {
            return 1;
        }
        for page in data.chunks_mut(4096) {
            page[0] = 2;
        }
        let _ = done_w.write_all(&[1]);
        loop {
            std::thread::sleep(Duration::from_secs(3600))
        }
    })?;
    // Only the child reads `go` and writes `done`: without our copies, a
    // child that dies reads as end-of-file here instead of a hang.
    drop((go_r, done_w));
    let before = Memory::of(child.pid())?;
    go_w.write_all(&[1])?;
    wait_for_byte(&done_r, COW_LIMIT)?;
    let after = Memory::of(child.pid())?;
    drop(child);
    data[0] = 3; // the parent's copy is untouched by the child's writes
    anyhow::ensure!(data[1] == 1, "copy-on-write leaked the child's writes");
    Ok((before, after))
}

/// Reads the child's one-byte "done", waiting at most `limit`.
fn wait_for_byte(r: &std::io::PipeReader, limit: Duration) -> anyhow::Result<()> {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    use std::os::fd::AsFd;
    let deadline = subprocess_pipes::deadline::after(limit);
    loop {
        let left = subprocess_pipes::deadline::remaining(deadline).unwrap_or(Duration::MAX);
        let mut fds = [PollFd::new(r.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, PollTimeout::try_from(left)?) {
            Ok(0) => anyhow::bail!("the copy-on-write child did not answer within {limit:?}"),
            Ok(_) => break,
            Err(nix::Error::EINTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    let mut b = [0u8];
    let n = (&mut &*r).read(&mut b)?;
    anyhow::ensure!(
        n == 1,
        "the copy-on-write child died before writing its pages"
    );
    Ok(())
}

/// Whether copy-on-write showed: the child held almost nothing private
/// before writing (< 1/4 of the data) and nearly all of it after (>= 90%).
fn cow_holds(mib: usize, before: &Memory, after: &Memory) -> bool {
    let kib = (mib as u64) << 10;
    before.private_kib < kib / 4 && after.private_kib >= kib * 9 / 10
}

/// Idle threads measured together: one thread touches only a few pages,
/// below the resolution of a single RSS reading.
const THREADS: usize = 64;

/// Growth of this process per idle thread.
fn threads_idle(k: usize) -> anyhow::Result<Memory> {
    let me: Pid = getpid();
    let before = Memory::of(me)?;
    let (tx, rx) = crossbeam::channel::bounded::<()>(0);
    let mut hs = Vec::with_capacity(k);
    for i in 0..k {
        let rx = rx.clone();
        match std::thread::Builder::new().spawn(move || rx.recv().ok()) {
            Ok(h) => hs.push(h),
            Err(e) => {
                // A limit on threads (`ulimit -u`): end the ones started.
                drop(tx);
                for h in hs {
                    let _ = h.join();
                }
                anyhow::bail!("starting idle thread {} of {k}: {e}", i + 1);
            }
        }
    }
    std::thread::sleep(Duration::from_millis(20));
    let after = Memory::of(me)?;
    drop(tx);
    for h in hs {
        let _ = h.join();
    }
    let d = |a: u64, b: u64| a.saturating_sub(b) / k as u64;
    Ok(Memory {
        rss_kib: d(after.rss_kib, before.rss_kib),
        pss_kib: d(after.pss_kib, before.pss_kib),
        private_kib: d(after.private_kib, before.private_kib),
    })
}

/// Idle workers of a spawn pool.
fn spawn_idle(k: usize) -> anyhow::Result<Memory> {
    let pool = ProcessPool::<Tiny>::builder().workers(k).build()?;
    let ms: Vec<Memory> = pool
        .pids()
        .into_iter()
        .map(|p| Memory::of(Pid::from_raw(p)))
        .collect::<Result<_, _>>()?;
    Ok(average(&ms))
}
