//! One batch of `many-slow-connections`: a server started in a child
//! process on a fresh listening socket, `n` clients driven against it from
//! here, and what both sides counted, with the memory the server added.

use std::net::SocketAddr;
use std::os::fd::OwnedFd;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::server::Server;
use crate::async_io::{Served, listener, load};
use crate::contract::python::{Python, run_json_lines};
use crate::cpython::python_script;
use crate::memory_usage::{PeakMemory, kernel_stack_bytes};
use crate::server_child;

/// The longest one batch of connections may take.
const LIMIT: Duration = Duration::from_secs(60);
/// The listen backlog: room for every connect of a batch at once.
const BACKLOG: u32 = 4096;

/// One batch against one server.
#[derive(Debug, Clone)]
pub(super) struct Batch {
    /// What the clients saw.
    pub(super) load: load::Load,
    /// What the server counted.
    pub(super) served: Served,
    /// The peak memory the server added, kernel stacks included, bytes.
    pub(super) memory: f64,
}

/// One batch of `n` connections against server `s`, which runs in a
/// child process (this binary as a [`server_child`], or CPython) handed the
/// listening socket as its standard input.
pub(super) fn batch(
    s: Server,
    n: usize,
    delay: Duration,
    py: Option<&Python>,
) -> anyhow::Result<Batch> {
    let deadline = Instant::now() + LIMIT;
    let listener = listener::loopback(BACKLOG)?;
    let addr = listener.local_addr()?;
    // The probe that shows the server is up is one connection more.
    let connections = n + 1;
    let (cmd, name) = match s {
        Server::RustThreads | Server::RustTasks => {
            let mut cmd = Command::new(std::env::current_exe()?);
            cmd.args(server_child::args(
                s == Server::RustThreads,
                delay,
                connections,
                LIMIT,
            ));
            (cmd, server_child::ROLE.to_string())
        }
        Server::PyThreads | Server::PyAsyncio => {
            let py = py.ok_or_else(|| anyhow::anyhow!("no python"))?;
            let kind = if s == Server::PyThreads {
                "threads"
            } else {
                "asyncio"
            };
            let mut cmd = Command::new(&py.path);
            cmd.arg(python_script("slow_server.py")).args([
                kind.to_string(),
                delay.as_millis().to_string(),
                connections.to_string(),
                LIMIT.as_secs().to_string(),
            ]);
            (cmd, "slow_server.py".to_string())
        }
    };
    let sock = Stdio::from(OwnedFd::from(listener));
    // The child's threads' kernel stacks are in no RSS: sampled from here.
    let kernel_before = kernel_stack_bytes().unwrap_or(0);
    let peak = PeakMemory::start(Duration::from_millis(1))?;
    let server = std::thread::Builder::new()
        .name("server child".into())
        .spawn(move || run_json_lines(cmd, &name, LIMIT + Duration::from_secs(10), sock))?;
    let load = drive(addr, n, deadline);
    if load.as_ref().map_or(true, |l| l.answered() < n) {
        // The clients gave up: fill the child's count so that it ends now,
        // not at its deadline (each connect is one it accepts and drops).
        for _ in 0..connections {
            if std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_err() {
                break; // the child has gone
            }
        }
    }
    let out = server
        .join()
        .map_err(|_| anyhow::anyhow!("the thread running the server panicked"))??;
    let load = load?;
    let kernel = peak.stop().kernel.saturating_sub(kernel_before) as f64;
    let v = out
        .last()
        .ok_or_else(|| anyhow::anyhow!("the server printed nothing"))?;
    let get = |k: &str| v.get(k).and_then(serde_json::Value::as_f64).unwrap_or(0.0);
    Ok(Batch {
        load,
        served: Served {
            answered: get("answered") as usize,
            failed: get("failed") as usize,
            peak_open: get("peak_open") as usize,
        },
        memory: (get("peak_rss") - get("base_rss")).max(0.0) + kernel,
    })
}

/// Waits for the server to answer a probe, then runs the `n` clients.
fn drive(addr: SocketAddr, n: usize, deadline: Instant) -> anyhow::Result<load::Load> {
    load::wait_until_serving(addr, deadline)
        .map_err(|e| anyhow::anyhow!("the server did not come up: {e}"))?;
    Ok(load::run(addr, n, deadline)?)
}
