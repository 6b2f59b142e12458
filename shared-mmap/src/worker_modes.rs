//! The worker side: what `shared-mmap __worker <mode> …` does in a child
//! process. The modes are this binary's worker roles ([`MODES`]), run
//! through the workspace's one worker hook: `main.rs` calls
//! [`subprocess_pipes::worker::main_if_worker`] with them first thing.
//!
//! Modes (replies are [`Reply`] frames on stdout; the worker exits when its
//! stdin closes):
//! - `reduce <mmap|pipe|read> <fd> <offset> <len>`: get the slice, reply
//!   `Ready` (nanoseconds since the worker started; for `mmap` also the
//!   time to touch every page of the mapping), reduce it, reply `Sum`.
//! - `scan <fd> <offset> <len> <passes>`: map the slice pre-faulted, reply
//!   `Ready`, wait for one byte on stdin, scan `passes` times, reply `Scan`.
//! - `mailbox-recv <path> <count>`: take `count` 8-byte messages, reply `Sum`.
//! - `sigbus-file <path>` and `sigbus-memfd`: see [`crate::sigbus`].

use std::ffi::OsString;
use std::fs::File;
use std::io::Read;
use std::os::unix::fs::FileExt;
use std::process::ExitCode;
use std::str::FromStr;
use std::time::{Duration, Instant};

use crate::dataset::checksum;
use crate::error::{Context, Error, Result};
use crate::memfd::{MAX_LEN, map_sealed_range};
use crate::reply::{Reply, send};
use subprocess_pipes::worker::Roles;

/// How long a worker waits for one mailbox message.
const MAILBOX_WAIT: Duration = Duration::from_secs(10);

/// This binary's worker modes, for [`subprocess_pipes::worker::main_if_worker`].
pub static MODES: Modes = Modes;

/// The type of [`MODES`].
#[derive(Debug)]
pub struct Modes;

impl Roles for Modes {
    fn names(&self) -> Vec<&str> {
        vec![
            "reduce",
            "scan",
            "mailbox-recv",
            "sigbus-file",
            "sigbus-memfd",
        ]
    }

    fn run(&self, mode: &str, args: &[OsString]) -> Option<ExitCode> {
        let born = Instant::now();
        if !self.names().contains(&mode) {
            return None;
        }
        let args: Vec<String> = std::iter::once(mode.to_string())
            .chain(args.iter().map(|a| a.to_string_lossy().into_owned()))
            .collect();
        Some(match run(&args, born) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("shared-mmap worker: {e}");
                ExitCode::FAILURE
            }
        })
    }
}

fn run(args: &[String], born: Instant) -> Result<()> {
    match args.first().map(String::as_str) {
        Some("reduce") => reduce(
            arg(args, 1)?,
            arg(args, 2)?,
            arg(args, 3)?,
            arg(args, 4)?,
            born,
        ),
        Some("scan") => scan(arg(args, 1)?, arg(args, 2)?, arg(args, 3)?, arg(args, 4)?),
        Some("mailbox-recv") => mailbox_recv(arg(args, 1)?, arg(args, 2)?),
        Some("sigbus-file") => crate::sigbus::child_truncate_file(&arg::<String>(args, 1)?),
        Some("sigbus-memfd") => crate::sigbus::child_truncate_memfd(),
        other => Err(Error::Invalid(format!("unknown worker mode {other:?}"))),
    }
}

fn arg<T: FromStr>(args: &[String], i: usize) -> Result<T> {
    args.get(i).and_then(|s| s.parse().ok()).ok_or_else(|| {
        Error::Invalid(format!(
            "worker argument {i} missing or malformed: {args:?}"
        ))
    })
}

/// Opens the inherited descriptor `fd` afresh through `/proc/self/fd`
/// (read-only, and without claiming ownership of the raw number).
fn open_inherited(fd: i32) -> Result<File> {
    File::open(format!("/proc/self/fd/{fd}")).ctx("open inherited memfd")
}

/// Blocks until the parent closes our stdin: the cue to exit.
fn wait_for_eof() -> Result<()> {
    std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink()).ctx("read stdin")?;
    Ok(())
}

fn check_len(len: usize) -> Result<()> {
    if len == 0 || len > MAX_LEN {
        return Err(Error::Invalid(format!(
            "slice length {len} not in 1..={MAX_LEN}"
        )));
    }
    Ok(())
}

fn reduce(method: String, fd: i32, offset: u64, len: usize, born: Instant) -> Result<()> {
    check_len(len)?;
    let ready = || {
        send(&Reply::Ready {
            ns: born.elapsed().as_nanos() as u64,
            touch_ns: 0,
        })
    };
    let sum = match method.as_str() {
        "mmap" => {
            let map = map_sealed_range(&open_inherited(fd)?, offset, len, false)?;
            let ns = born.elapsed().as_nanos() as u64;
            // mmap() itself touches no page: the page tables fill on first
            // access. Time that too, so the sharing's cost is not hidden in
            // the reduction that follows.
            let t = Instant::now();
            std::hint::black_box(touch_pages(&map));
            let touch_ns = t.elapsed().as_nanos() as u64;
            send(&Reply::Ready { ns, touch_ns })?;
            let sum = checksum(&map);
            send(&Reply::Sum(sum))?;
            return wait_for_eof(); // `map` stays mapped while the parent measures memory
        }
        "pipe" => {
            let mut buf = subprocess_pipes::blob::try_zeroed(len).ctx("allocate the slice")?;
            std::io::stdin()
                .lock()
                .read_exact(&mut buf)
                .ctx("read slice from pipe")?;
            ready()?;
            (checksum(&buf), buf)
        }
        "read" => {
            let mut buf = subprocess_pipes::blob::try_zeroed(len).ctx("allocate the slice")?;
            open_inherited(fd)?
                .read_exact_at(&mut buf, offset)
                .ctx("pread slice")?;
            ready()?;
            (checksum(&buf), buf)
        }
        other => return Err(Error::Invalid(format!("unknown method {other:?}"))),
    };
    send(&Reply::Sum(sum.0))?;
    wait_for_eof()?;
    drop(sum.1); // the private copy stays resident until here
    Ok(())
}

/// Reads one byte of every 4 KiB page (faulting each mapped page in).
fn touch_pages(bytes: &[u8]) -> u8 {
    bytes.iter().step_by(4096).fold(0u8, |a, &b| a ^ b)
}

fn scan(fd: i32, offset: u64, len: usize, passes: u32) -> Result<()> {
    check_len(len)?;
    let map = map_sealed_range(&open_inherited(fd)?, offset, len, true)?;
    send(&Reply::Ready { ns: 0, touch_ns: 0 })?;
    let mut go = [0u8; 1];
    std::io::stdin()
        .lock()
        .read_exact(&mut go)
        .ctx("wait for go")?;
    let start = Instant::now();
    let mut sum = 0u64;
    for _ in 0..passes.max(1) {
        sum = checksum(std::hint::black_box(&map));
    }
    send(&Reply::Scan {
        sum,
        ns: start.elapsed().as_nanos() as u64,
    })?;
    wait_for_eof()
}

fn mailbox_recv(path: String, count: u32) -> Result<()> {
    // SAFETY: the parent passes the path of a mailbox it made with
    // `create_in` in a private temporary directory, and only the two
    // `Mailbox` ends touch that file while this worker runs.
    let mb = unsafe { crate::mailbox::Mailbox::open(path.as_ref()) }?;
    let mut sum = 0u64;
    for _ in 0..count {
        let msg = mb.recv(MAILBOX_WAIT)?;
        let word: [u8; 8] = msg
            .as_slice()
            .try_into()
            .map_err(|_| Error::Worker(format!("{} byte message", msg.len())))?;
        sum = sum.wrapping_add(u64::from_le_bytes(word));
    }
    send(&Reply::Sum(sum))?;
    wait_for_eof()
}
