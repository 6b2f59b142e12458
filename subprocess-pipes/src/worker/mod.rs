//! Worker mode: this crate's own binary, re-executed as `subprocess-pipes __worker <role> [args]`, is the child in the demos and tests.
//!
//! [`main_if_worker`] runs first thing in `main`: when the first argument
//! is [`WORKER_FLAG`], it runs the role and returns its exit code. Roles log
//! to stderr only; stdout carries the protocol.
//!
//! | role            | protocol on stdin/stdout                                  |
//! |-----------------|-----------------------------------------------------------|
//! | `cat`           | raw bytes in, the same bytes out                          |
//! | `pingpong [µs]` | raw: 8 bytes in (`u64` LE), that value + 1 out            |
//! | `echo [µs]`     | framed: [`proto::Ping`] in, [`proto::Pong`] out           |
//! | `raw-sink`      | raw: size and count (`u64` LE), then the messages; acks   |
//! |                 | the byte total                                            |
//! | `frame-sink`    | framed: [`proto::Bulk`] in (decoded in place as          |
//! |                 | [`proto::BulkRef`]); on `End`, the byte total out         |
//! | `frame-sink-owned` | the same, decoding owned values (a copy each)          |
//! | `jobs`          | framed: [`proto::Job`] in, [`proto::JobResult`] out       |
//! | `die-mid-frame` | answers one request with half a frame, then hangs         |
//! | `exit-early`    | exits at once with status 3, reading nothing              |
//! | `silent`        | reads requests and never answers                          |
//! | `garbage`       | answers one request with a frame of junk                  |
//!
//! `pingpong` and `echo` take an optional spin budget in microseconds
//! (default 0): before each read they busy-poll stdin that long
//! ([`crate::readable`]) before blocking.

pub mod proto;
mod roles;

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

/// The hidden first argument that selects worker mode.
pub const WORKER_FLAG: &str = "__worker";

/// Every role's name.
pub const ROLES: &[&str] = &[
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

/// Runs the worker role if `std::env::args_os()` asks for one.
pub fn main_if_worker() -> Option<ExitCode> {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if args.first().is_none_or(|a| a != WORKER_FLAG) {
        return None;
    }
    let role = args.get(1).and_then(|r| r.to_str()).unwrap_or("");
    Some(match roles::run(role, args.get(2..).unwrap_or_default()) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("worker {role}: {e:#}");
            ExitCode::from(1)
        }
    })
}

/// A command that starts `exe` as a worker in `role`, with stdin and stdout
/// piped and stderr inherited (so a worker's complaint reaches the terminal).
pub fn command(exe: &Path, role: &str) -> Command {
    let mut cmd = Command::new(exe);
    cmd.arg(WORKER_FLAG)
        .arg(role)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    cmd
}

/// [`command`] for the running binary (the demo re-executing itself).
pub fn command_self(role: &str) -> std::io::Result<Command> {
    Ok(command(&std::env::current_exe()?, role))
}
