//! The worker roles: each a small loop over stdin and stdout (see the table in the parent module).

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::AsFd;
use std::time::Duration;

use anyhow::Context;

use super::proto::{Bulk, BulkRef, Job, JobResult, Ping, Pong};
use crate::channel::Channel;
use crate::frame::write_frame;
use crate::readable::spin_until_readable;

/// How long the misbehaving roles hang before giving up on their own (the
/// parent's guard kills them long before).
const HANG: Duration = Duration::from_secs(30);

/// Every role's name.
pub(super) const NAMES: &[&str] = &[
    "cat",
    "pingpong",
    "echo",
    "raw-sink",
    "frame-sink",
    "frame-sink-owned",
    "jobs",
    "die-mid-frame",
    "exit-early",
    "silent",
    "garbage",
];

/// Runs `role` with its arguments; the exit code on success, `None` for
/// a role this crate does not have.
pub(super) fn run(role: &str, args: &[OsString]) -> Option<anyhow::Result<u8>> {
    Some(match role {
        "cat" => cat(),
        "pingpong" => spin_arg(args).and_then(pingpong),
        "echo" => spin_arg(args).and_then(echo),
        "raw-sink" => raw_sink(),
        "frame-sink" => frame_sink(),
        "frame-sink-owned" => frame_sink_owned(),
        "jobs" => jobs(),
        "die-mid-frame" => die_mid_frame(),
        "exit-early" => {
            eprintln!("worker exit-early: exiting with status 3 before reading anything");
            Ok(3)
        }
        "silent" => silent(),
        "garbage" => garbage(),
        _ => return None,
    })
}

/// The optional spin budget argument, in microseconds (zero when absent).
fn spin_arg(args: &[OsString]) -> anyhow::Result<Duration> {
    let Some(a) = args.first() else {
        return Ok(Duration::ZERO);
    };
    let us: u64 = a
        .to_str()
        .and_then(|a| a.parse().ok())
        .with_context(|| format!("spin budget {a:?}: expected whole microseconds"))?;
    Ok(Duration::from_micros(us))
}

/// Unbuffered handles on fds 0 and 1.
fn raw_stdio() -> io::Result<(File, File)> {
    Ok((
        io::stdin().as_fd().try_clone_to_owned()?.into(),
        io::stdout().as_fd().try_clone_to_owned()?.into(),
    ))
}

fn cat() -> anyhow::Result<u8> {
    let (mut input, mut output) = raw_stdio()?;
    io::copy(&mut input, &mut output).context("copying stdin to stdout")?;
    Ok(0)
}

fn pingpong(spin: Duration) -> anyhow::Result<u8> {
    let (mut input, mut output) = raw_stdio()?;
    let mut b = [0u8; 8];
    loop {
        spin_until_readable(&input, spin)?;
        match input.read_exact(&mut b) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(0),
            Err(e) => return Err(e.into()),
        }
        let n = u64::from_le_bytes(b).wrapping_add(1);
        output.write_all(&n.to_le_bytes())?;
    }
}

fn echo(spin: Duration) -> anyhow::Result<u8> {
    let mut ch = Channel::<Pong, Ping, _, _>::stdio()?.with_spin(spin);
    while let Some(Ping { seq }) = ch.recv()? {
        ch.send(&Pong { seq: seq + 1 })?;
    }
    Ok(0)
}

/// Raw batches: `size` and `count` (two `u64` LE), then `count` messages of
/// `size` bytes, each read whole into a reused `size`-byte buffer (as a
/// receiver of whole messages must), acknowledged with the byte total.
fn raw_sink() -> anyhow::Result<u8> {
    let (mut input, mut output) = raw_stdio()?;
    let mut buf = Vec::new();
    let mut h = [0u8; 16];
    loop {
        match input.read_exact(&mut h) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(0),
            Err(e) => return Err(e.into()),
        }
        let size = u64::from_le_bytes(h[..8].try_into()?);
        let count = u64::from_le_bytes(h[8..].try_into()?);
        let size = usize::try_from(size)?;
        anyhow::ensure!(
            size <= crate::frame::DEFAULT_MAX_FRAME,
            "message of {size} bytes refused"
        );
        // The buffer grows with the bytes that actually arrive (a header
        // alone allocates nothing), then is reused for the next messages.
        for _ in 0..count {
            buf.clear();
            let got = (&mut input)
                .take(size as u64)
                .read_to_end(&mut buf)
                .context("a raw message")?;
            anyhow::ensure!(
                got == size,
                "a raw message ended after {got} of {size} bytes"
            );
        }
        output.write_all(&(size as u64 * count).to_le_bytes())?;
    }
}

/// Receives in place: each payload is a slice of the channel's buffer.
fn frame_sink() -> anyhow::Result<u8> {
    let (mut tx, mut rx) = Channel::<u64, Bulk, _, _>::stdio()?.split();
    let mut total = 0u64;
    while let Some(msg) = rx.recv_borrowed::<BulkRef<'_>>()? {
        match msg {
            BulkRef::Data(b) => total += b.len() as u64,
            BulkRef::End => {
                tx.send(&total)?;
                total = 0;
            }
        }
    }
    Ok(0)
}

/// Receives owned values: each payload is copied into a fresh `Vec`.
fn frame_sink_owned() -> anyhow::Result<u8> {
    let mut ch = Channel::<u64, Bulk, _, _>::stdio()?;
    let mut total = 0u64;
    while let Some(msg) = ch.recv()? {
        match msg {
            Bulk::Data(b) => total += b.0.len() as u64,
            Bulk::End => {
                ch.send(&total)?;
                total = 0;
            }
        }
    }
    Ok(0)
}

fn jobs() -> anyhow::Result<u8> {
    let mut ch = Channel::<JobResult, Job, _, _>::stdio()?;
    let pid = std::process::id();
    while let Some(job) = ch.recv()? {
        let value = job.compute();
        ch.send(&JobResult {
            id: job.id(),
            value,
            pid,
        })?;
    }
    Ok(0)
}

/// Reads one request frame (any payload) so the parent is waiting for the answer.
fn await_request(input: &mut File) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    crate::frame::read_frame(input, crate::frame::DEFAULT_MAX_FRAME, &mut buf)?;
    Ok(())
}

fn die_mid_frame() -> anyhow::Result<u8> {
    let (mut input, mut output) = raw_stdio()?;
    await_request(&mut input)?;
    // A header promising 1000 bytes, then only 10 of them.
    output.write_all(&1000u32.to_le_bytes())?;
    output.write_all(&[0xAB; 10])?;
    output.flush()?;
    hang(&mut input) // the parent kills us here, mid-message
}

fn silent() -> anyhow::Result<u8> {
    let (mut input, _output) = raw_stdio()?;
    await_request(&mut input)?;
    hang(&mut input)
}

fn garbage() -> anyhow::Result<u8> {
    let (mut input, mut output) = raw_stdio()?;
    await_request(&mut input)?;
    write_frame(&mut output, &[0xFF; 16])?;
    hang(&mut input)
}

/// Says nothing more until the parent hangs up (stdin at EOF: exit at
/// once) or [`HANG`] passes; anything else read meanwhile is ignored.
fn hang(input: &mut File) -> anyhow::Result<u8> {
    let deadline = crate::deadline::after(HANG);
    let mut scratch = [0u8; 4096];
    while let Some(left) = crate::deadline::remaining(deadline).filter(|l| !l.is_zero()) {
        if crate::readable::wait_readable(&*input, left)? && input.read(&mut scratch)? == 0 {
            break; // EOF: the parent is gone or done with us
        }
    }
    Ok(0)
}
