//! Claim: writing a large input to a child and only then reading its output
//! deadlocks once both pipe buffers are full; `communicate`, which feeds
//! stdin and drains stdout at the same time, does the same job without
//! deadlock.
//!
//! The child copies stdin to stdout (`cat`). The parent writes, the child
//! copies, the stdout pipe fills (64 KiB on Linux) because nobody reads it,
//! the child blocks in `write`, stops reading, the stdin pipe fills, and the
//! parent blocks in `write` too: both wait for each other, for ever. The
//! experiment detects it with a timeout (no progress for `--stall`), kills
//! the child (which unblocks the parent's write with `EPIPE`), and then runs
//! the same transfer with [`crate::popen::Popen::communicate`].

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::contract::measure::{human_time, parse_positive_duration};
use crate::contract::scaled::{Bytes, Scaled};
use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::popen::Popen;

/// The default of `--bytes`.
const BYTES: Scaled<Bytes> = Scaled::new(Bytes(4 << 20), Bytes(1 << 20));

/// The default of `--stall`.
const STALL: Scaled<Duration> = Scaled::new(Duration::from_secs(1), Duration::from_millis(300));

/// Flags of `pipe-deadlock`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct PipeDeadlock {
    /// Bytes of input.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=(1 << 30)), help = BYTES.help("Bytes of input"))]
    pub bytes: Option<u64>,
    /// No progress for this long counts as a deadlock.
    #[arg(long, value_parser = parse_positive_duration, help = STALL.help("No progress for this long counts as a deadlock"))]
    #[serde(with = "crate::flags::dur_opt")]
    pub stall: Option<Duration>,
    /// The child: this binary's `cat` worker, or the system's `cat`.
    #[arg(long, value_enum, default_value = "worker")]
    pub child: ChildKind,
}

/// Which program copies stdin to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChildKind {
    /// `subprocess-pipes __worker cat`.
    Worker,
    /// `/bin/cat` from PATH.
    Cat,
}

impl ChildKind {
    fn spawn(self) -> anyhow::Result<Popen> {
        let cmd = match self {
            ChildKind::Worker => crate::worker::command_self("cat")?,
            ChildKind::Cat => {
                let mut c = std::process::Command::new("cat");
                c.stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::piped());
                c
            }
        };
        Ok(Popen::spawn(cmd)?)
    }
}

impl Experiment for PipeDeadlock {
    const NAME: &'static str = "pipe-deadlock";
    const CLAIM: &'static str = "write-everything-then-read deadlocks once the pipe buffers fill; communicate() does the same transfer without deadlock";

    // Counted, not timed: a busy host cannot change it.
    const TIMED: bool = false;

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let bytes = *self.bytes.get_or_insert(BYTES.pick(ctx.quick).0) as usize;
        let stall = *self.stall.get_or_insert(STALL.pick(ctx.quick));
        let input: Vec<u8> = (0..bytes).map(|i| (i % 251) as u8).collect();

        // 1. Sequential: write all, then (never reached) read.
        let seq = sequential(self.child, &input, stall)?;
        // 2. communicate: both at once.
        let mut child = self.child.spawn()?;
        let started = Instant::now();
        let out = child
            .communicate(Some(&input), Some(Duration::from_secs(60)))
            .context("communicate")?;
        let took = started.elapsed().as_secs_f64();
        let correct = out.status.success() && out.stdout == input;

        let mut r = Report::new(
            Verdict::from_bool(seq.deadlocked && correct),
            format!(
                "sequential write {} after {} KiB of {} KiB; communicate moved all {} KiB back intact in {}",
                if seq.deadlocked { "stalled" } else { "did not stall" },
                seq.written / 1024,
                bytes / 1024,
                out.stdout.len() / 1024,
                human_time(took)
            ),
        )
        .metric("stalled_after_kib", (seq.written / 1024) as f64, "KiB")
        .metric("communicate_ms", took * 1e3, "ms")
        .metric(
            "communicate_mib_per_s",
            bytes as f64 / took / (1 << 20) as f64,
            "MiB/s",
        );
        r.say(format!(
            "sequential: wrote {} KiB, then no progress for {}: {}",
            seq.written / 1024,
            human_time(stall.as_secs_f64()),
            if seq.deadlocked {
                "DEADLOCK (detected by the timeout)"
            } else {
                "finished"
            },
        ));
        r.say(
            "  why: the child blocks writing to its full stdout pipe (nobody reads it yet),"
                .to_string(),
        );
        r.say(
            "  stops reading stdin, the stdin pipe fills, and the parent blocks in write()."
                .to_string(),
        );
        r.say(format!(
            "  recovered: child killed and reaped ({}); the parent's write then failed with EPIPE",
            seq.status
        ));
        r.say(format!(
            "communicate: {} KiB in, {} KiB out, identical: {correct}, {}",
            bytes / 1024,
            out.stdout.len() / 1024,
            human_time(took)
        ));
        Ok(r)
    }
}

struct Sequential {
    deadlocked: bool,
    written: usize,
    status: String,
}

/// Writes all of `input` to a fresh child without reading; detects a stall.
fn sequential(kind: ChildKind, input: &[u8], stall: Duration) -> anyhow::Result<Sequential> {
    const CHUNK: usize = 16 << 10;
    let mut child = kind.spawn()?;
    let mut stdin = child.take_stdin().context("stdin is piped")?;
    let _stdout = child.take_stdout(); // held open and never read: the mistake
    let written = Arc::new(AtomicUsize::new(0));
    let (done_tx, done_rx) = mpsc::channel();
    let input = input.to_vec();
    let progress = Arc::clone(&written);
    let writer = std::thread::Builder::new().spawn(move || {
        let mut res = Ok(());
        for chunk in input.chunks(CHUNK) {
            if let Err(e) = stdin.write_all(chunk) {
                res = Err(e);
                break;
            }
            progress.fetch_add(chunk.len(), Ordering::Relaxed);
        }
        drop(stdin);
        let _ = done_tx.send(());
        res
    });
    let writer = writer.context("starting the writer thread")?;
    // Wait until the writer finishes, or makes no progress for `stall`.
    let mut last = usize::MAX;
    let deadlocked = loop {
        match done_rx.recv_timeout(stall) {
            Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => break false,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let now = written.load(Ordering::Relaxed);
                if now == last {
                    break true;
                }
                last = now;
            }
        }
    };
    let written_at_stall = written.load(Ordering::Relaxed);
    let status = child.kill_and_reap()?; // unblocks the writer: EPIPE
    let write_result = writer
        .join()
        .map_err(|_| anyhow::anyhow!("writer thread panicked"))?;
    if deadlocked {
        anyhow::ensure!(
            write_result.is_err(),
            "the stalled write succeeded after the kill"
        );
    }
    Ok(Sequential {
        deadlocked,
        written: written_at_stall,
        status: status.to_string(),
    })
}
