//! `many-slow-connections` runs every server in a child process, Rust's
//! as well as CPython's: the demo binary started again in worker role
//! [`ROLE`] (`threads-sync __worker slow-server …`, the workspace's one
//! worker hook, with [`ROLES`]) and the listening socket as its standard
//! input.
//!
//! A child's memory is its own. In the demo's process the async server's
//! few hundred bytes per connection would land in heap that earlier
//! experiments freed, and weigh nothing; and the load generator's memory
//! would count against the server. A child reports what `slow_server.py`
//! reports for CPython: its resident memory when it started serving and its
//! peak (`VmHWM`, which starts afresh at `exec`), and its counts.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::net::TcpListener;
use std::os::fd::AsFd;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::async_io::{ServeConfig, Shutdown, task_server, thread_server};
use crate::memory_usage::{peak_rss_bytes, rss_bytes};

/// The worker role of a server child.
pub const ROLE: &str = "slow-server";

/// The demo binary's worker roles, for [`subprocess_pipes::worker::main_if_worker`].
pub static ROLES: ServerRoles = ServerRoles;

/// The type of [`ROLES`]: one role, [`ROLE`].
#[derive(Debug)]
pub struct ServerRoles;

impl subprocess_pipes::worker::Roles for ServerRoles {
    fn names(&self) -> Vec<&str> {
        vec![ROLE]
    }

    /// Serves, prints the report line and exits 0; 1 on an error.
    fn run(&self, role: &str, args: &[OsString]) -> Option<ExitCode> {
        if role != ROLE {
            return None;
        }
        let args: Vec<String> = args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        Some(match serve(&args) {
            Ok(line) => {
                println!("{line}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{ROLE}: {e:#}");
                ExitCode::FAILURE
            }
        })
    }
}

/// The arguments of a server child:
/// `__worker slow-server threads|tasks DELAY_MS CONNECTIONS TIMEOUT_S`.
pub fn args(threads: bool, delay: Duration, connections: usize, limit: Duration) -> Vec<String> {
    vec![
        subprocess_pipes::worker::WORKER_FLAG.to_string(),
        ROLE.to_string(),
        if threads { "threads" } else { "tasks" }.to_string(),
        delay.as_millis().to_string(),
        connections.to_string(),
        limit.as_secs().max(1).to_string(),
    ]
}

fn serve(args: &[String]) -> anyhow::Result<serde_json::Value> {
    let [kind, delay_ms, connections, timeout_s] = args else {
        anyhow::bail!("usage: {ROLE} threads|tasks DELAY_MS CONNECTIONS TIMEOUT_S");
    };
    let number = |what: &str, s: &str| -> anyhow::Result<u64> {
        s.parse().map_err(|e| anyhow::anyhow!("{what} {s:?}: {e}"))
    };
    let delay = Duration::from_millis(number("delay", delay_ms)?);
    let connections = number("connections", connections)? as usize;
    let limit = Duration::from_secs(number("timeout", timeout_s)?);
    let stdin = std::io::stdin();
    anyhow::ensure!(
        !stdin.is_terminal(),
        "standard input must be the listening socket"
    );
    let listener = TcpListener::from(stdin.as_fd().try_clone_to_owned()?);
    let addr = listener
        .local_addr()
        .map_err(|e| anyhow::anyhow!("standard input is not a listening socket: {e}"))?;
    let config = ServeConfig {
        delay,
        connections,
        deadline: Instant::now() + limit,
        shutdown: Shutdown::new(addr),
    };
    let base = rss_bytes().unwrap_or(0);
    let served = match kind.as_str() {
        "threads" => thread_server::serve(listener, &config)?,
        "tasks" => task_server::serve_blocking(listener, &config)?,
        other => anyhow::bail!("unknown server kind {other:?} (threads or tasks)"),
    };
    Ok(serde_json::json!({
        "answered": served.answered,
        "failed": served.failed,
        "peak_open": served.peak_open,
        "base_rss": base,
        "peak_rss": peak_rss_bytes().unwrap_or(0),
    }))
}
