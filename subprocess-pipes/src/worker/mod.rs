//! Worker mode: a binary re-executed as `<bin> __worker <role> [args]` is
//! its own child; this crate's binary is the child in the demos and tests.
//!
//! [`main_if_worker`] is the one worker hook of the workspace: it runs
//! first thing in `main` of every binary that re-executes itself, and when
//! the first argument is [`WORKER_FLAG`], it runs the role named next from
//! the binary's [`Roles`] table and returns its exit code. `processes`
//! serves its pool jobs and `shared-mmap` its worker modes through the same
//! hook; this crate's own table (`PIPE_ROLES`, with the demo's roles) comes
//! with the `demo` feature. Roles log to stderr only; stdout carries the
//! protocol.

#[cfg(feature = "demo")]
#[doc(hidden)]
pub mod proto;
#[cfg(feature = "demo")]
mod roles;

use std::ffi::OsString;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

/// The hidden first argument that selects worker mode.
pub const WORKER_FLAG: &str = "__worker";

/// The roles a binary can be re-executed as: `<bin> __worker <role> [args…]`.
/// A binary has one table and passes it to [`main_if_worker`].
pub trait Roles: Sync {
    /// Every role's name, for the message when an unknown one is asked for.
    fn names(&self) -> Vec<&str>;
    /// Runs `role` with the arguments after it and returns the exit code;
    /// `None` when the table has no such role.
    fn run(&self, role: &str, args: &[OsString]) -> Option<ExitCode>;
}

/// The exit status of a worker asked for a role its binary does not have.
pub const UNKNOWN_ROLE: u8 = 2;

/// Runs the worker role if `std::env::args_os()` asks for one: `None` for
/// a normal start, else the role's exit code ([`UNKNOWN_ROLE`] for a name
/// the table does not have).
///
/// ```no_run
/// use std::ffi::OsString;
/// use std::process::ExitCode;
/// use subprocess_pipes::worker::{Roles, main_if_worker};
///
/// /// One role, `hello`, that greets on stderr.
/// struct MyRoles;
///
/// impl Roles for MyRoles {
///     fn names(&self) -> Vec<&str> {
///         vec!["hello"]
///     }
///     fn run(&self, role: &str, _args: &[OsString]) -> Option<ExitCode> {
///         (role == "hello").then(|| {
///             eprintln!("hello from worker {}", std::process::id());
///             ExitCode::SUCCESS
///         })
///     }
/// }
///
/// fn main() -> std::io::Result<ExitCode> {
///     // First line: a worker run of this binary ends here.
///     if let Some(code) = main_if_worker(&MyRoles) {
///         return Ok(code);
///     }
///     // The parent: start this binary again, as a `hello` worker.
///     let status = subprocess_pipes::worker::command_self("hello")?.status()?;
///     assert!(status.success());
///     Ok(ExitCode::SUCCESS)
/// }
/// ```
pub fn main_if_worker(roles: &dyn Roles) -> Option<ExitCode> {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    if args.first().is_none_or(|a| a != WORKER_FLAG) {
        return None;
    }
    let role = args.get(1).map(|r| r.to_string_lossy()).unwrap_or_default();
    Some(
        roles
            .run(&role, args.get(2..).unwrap_or_default())
            .unwrap_or_else(|| {
                eprintln!(
                    "worker {}: no role {role:?} in this binary (it has: {})",
                    std::process::id(),
                    roles.names().join(", ")
                );
                ExitCode::from(UNKNOWN_ROLE)
            }),
    )
}

/// This crate's roles, which the demo's experiments and the tests start
/// (the demo's side, not this library's API):
///
/// | role            | protocol on stdin/stdout                                  |
/// |-----------------|-----------------------------------------------------------|
/// | `cat`           | raw bytes in, the same bytes out                          |
/// | `pingpong [µs]` | raw: 8 bytes in (`u64` LE), that value + 1 out            |
/// | `echo [µs]`     | framed: [`proto::Ping`] in, [`proto::Pong`] out           |
/// | `raw-sink`      | raw: size and count (`u64` LE), then the messages; acks   |
/// |                 | the byte total                                            |
/// | `frame-sink`    | framed: [`proto::Bulk`] in (decoded in place as          |
/// |                 | [`proto::BulkRef`]); on `End`, the byte total out         |
/// | `frame-sink-owned` | the same, decoding owned values (a copy each)          |
/// | `jobs`          | framed: [`proto::Job`] in, [`proto::JobResult`] out       |
/// | `die-mid-frame` | answers one request with half a frame, then hangs         |
/// | `exit-early`    | exits at once with status 3, reading nothing              |
/// | `silent`        | reads requests and never answers                          |
/// | `garbage`       | answers one request with a frame of junk                  |
///
/// `pingpong` and `echo` take an optional spin budget in microseconds
/// (default 0): before each read they busy-poll stdin that long
/// ([`crate::readable`]) before blocking.
#[cfg(feature = "demo")]
#[doc(hidden)]
pub static PIPE_ROLES: PipeRoles = PipeRoles;

/// The type of [`PIPE_ROLES`].
#[cfg(feature = "demo")]
#[doc(hidden)]
#[derive(Debug)]
pub struct PipeRoles;

#[cfg(feature = "demo")]
impl Roles for PipeRoles {
    fn names(&self) -> Vec<&str> {
        roles::NAMES.to_vec()
    }

    fn run(&self, role: &str, args: &[OsString]) -> Option<ExitCode> {
        let result = roles::run(role, args)?;
        Some(match result {
            Ok(code) => ExitCode::from(code),
            Err(e) => {
                eprintln!("worker {role}: {e:#}");
                ExitCode::from(1)
            }
        })
    }
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
