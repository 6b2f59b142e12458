//! Claim (the lecture's "when to use what": I/O-bound with many slow waits
//! -> asyncio): with many connections, each waiting on a slow backend, an
//! async server answers at least as many requests per second as a
//! thread-per-connection server, at a fraction of the memory; in Rust
//! (tokio on one thread vs `std::thread` per connection) and in CPython
//! (`asyncio.start_server` vs `threading`).
//!
//! One load generator (tokio tasks on one thread, in this process) opens N
//! connections at once against each server in turn; each request waits
//! `--delay-ms` in the server, then is answered. Every server runs in a
//! child process handed the listening socket (Rust's are the reference code
//! in [`crate::async_io`], run by this binary as a [`server_child`]), so
//! each one's memory is its own. Per server: the requests per second over the whole
//! batch, p50 and p99 latency, and the peak memory the server added: its
//! resident memory (peak less what it had when it started serving) plus the
//! kernel stacks of its threads, which are in no RSS (16 KiB a thread).
//! Interleaved runs; medians.
//!
//! Memory is judged per connection open at the peak (the server counts
//! them): a thread-per-connection server that accepts slower than its
//! requests finish never holds all N at once, and its total would flatter
//! it; what one waiting connection costs is the claim. Throughput holds at
//! 0.9x threads' or more and fails at 0.6x or less; memory holds when a
//! thread's connection takes 2x an async one's or more, fails at 1.2x.

use std::net::SocketAddr;
use std::os::fd::OwnedFd;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::async_io::{Served, listener, load};
use crate::contract::measure::{Stats, human_time};
use crate::contract::python::{Python, run_json_lines};
use crate::contract::size::show_bytes;
use crate::contract::{Ctx, Experiment, Judgement, Report, Verdict};
use crate::experiments::common::{python_or_skip, python_script};
use crate::experiments::rss::{PeakMemory, kernel_stack_bytes};
use crate::experiments::server_child;

/// The longest one batch of connections may take.
const LIMIT: Duration = Duration::from_secs(60);
/// The listen backlog: room for every connect of a batch at once.
const BACKLOG: u32 = 4096;

/// Flags of `many-slow-connections`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct ManySlowConnections {
    /// Concurrent connections per batch [default: 2000; quick: 200].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=20_000))]
    pub connections: Option<u64>,
    /// The slow backend's wait per request, milliseconds.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub delay_ms: u64,
    /// Skip the CPython side by side.
    #[arg(long)]
    pub no_python: bool,
}

/// The four servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Server {
    RustThreads,
    RustTasks,
    PyThreads,
    PyAsyncio,
}

impl Server {
    fn name(self) -> &'static str {
        match self {
            Server::RustThreads => "Rust thread per conn",
            Server::RustTasks => "Rust tokio, 1 thread",
            Server::PyThreads => "CPython threading",
            Server::PyAsyncio => "CPython asyncio",
        }
    }
}

/// One batch against one server.
#[derive(Debug, Clone)]
struct Batch {
    load: load::Load,
    served: Served,
    memory: f64,
}

impl Experiment for ManySlowConnections {
    const NAME: &'static str = "many-slow-connections";
    const CLAIM: &'static str = "at many slow connections an async server matches or beats thread-per-connection in requests/s at a fraction of the memory, in Rust and in CPython";

    fn run(&self, ctx: &Ctx) -> anyhow::Result<Report> {
        let wanted = self.connections.unwrap_or(ctx.pick(2_000, 200)) as usize;
        // Each connection is two descriptors here (client and server side).
        let files = listener::raise_open_files(2 * wanted as u64 + 256)?;
        let n = wanted.min((files.saturating_sub(256) / 2) as usize).max(1);
        let resolved = ManySlowConnections {
            connections: Some(n as u64),
            ..self.clone()
        };
        let r = ctx.repeats_or(3, 5);
        let delay = Duration::from_millis(self.delay_ms);
        let mut report = Report::new(Verdict::Info, "");
        if n < wanted {
            report.say(format!(
                "open files limited to {files}: {n} connections instead of {wanted}"
            ));
        }
        let py = python_or_skip(self.no_python, &mut report);
        let mut servers = vec![Server::RustThreads, Server::RustTasks];
        if py.is_some() {
            servers.extend([Server::PyThreads, Server::PyAsyncio]);
        }
        report.say(format!(
            "{n} connections at once, {} wait per request; medians of {r} interleaved batches{}",
            human_time(delay.as_secs_f64()),
            py.as_ref().map_or(String::new(), |p| format!(
                "; CPython {}",
                p.version_string()
            ))
        ));
        let mut batches: Vec<Vec<Batch>> = vec![Vec::new(); servers.len()];
        for _ in 0..r {
            for (i, &s) in servers.iter().enumerate() {
                let b = batch(s, n, delay, py.as_ref())
                    .map_err(|e| anyhow::anyhow!("{}: {e:#}", s.name()))?;
                anyhow::ensure!(
                    b.load.answered() == n,
                    "{}: {} of {n} requests answered ({} failed; the server counted {} answered, {} failed)",
                    s.name(),
                    b.load.answered(),
                    b.load.failed,
                    b.served.answered,
                    b.served.failed
                );
                batches[i].push(b);
            }
        }
        let fig = |i: usize| Figures::of(&batches[i]);
        report.say(format!(
            "{:<22} {:>18} {:>10} {:>10} {:>12} {:>13} {:>14}",
            "server", "requests/s", "p50", "p99", "peak memory", "open at peak", "per open conn"
        ));
        let figs: Vec<Figures> = (0..servers.len()).map(fig).collect();
        for (s, f) in servers.iter().zip(&figs) {
            report.say(format!(
                "{:<22} {:>18} {:>10} {:>10} {:>12} {:>13} {:>14}",
                s.name(),
                format!(
                    "{:.0} [{:.0}..{:.0}]",
                    f.rate.median, f.rate.min, f.rate.max
                ),
                human_time(f.p50),
                human_time(f.p99),
                show_bytes(f.memory),
                format!("{:.0}", f.open),
                show_bytes(f.per_open)
            ));
        }
        let mut parts = Vec::new();
        let mut text = Vec::new();
        for (lang, t, a) in [("rust", 0, 1), ("cpython", 2, 3)] {
            if a >= figs.len() {
                continue;
            }
            let rate = figs[a].rate.median / figs[t].rate.median.max(1e-9);
            let mem = figs[t].per_open / figs[a].per_open.max(1.0);
            report.push_metric(format!("{lang}_async_over_threads_rate"), rate, "x");
            report.push_metric(format!("{lang}_threads_over_async_memory"), mem, "x");
            let (jr, jm) = (
                Judgement::at_least(rate, 0.9, 0.6),
                Judgement::at_least(mem, 2.0, 1.2),
            );
            text.push(format!(
                "{}: async {rate:.2}x threads' requests/s ({}), threads {mem:.1}x async's memory per open connection ({})",
                if lang == "rust" { "Rust" } else { "CPython" },
                jr.as_str(),
                jm.as_str()
            ));
            parts.extend([jr, jm]);
        }
        let keys = [
            "rust_threads",
            "rust_tokio",
            "cpython_threads",
            "cpython_asyncio",
        ];
        for (key, f) in keys.iter().zip(&figs) {
            report.push_metric(format!("{key}_requests_per_s"), f.rate.median, "1/s");
            report.push_metric(format!("{key}_p50_ms"), f.p50 * 1e3, "ms");
            report.push_metric(format!("{key}_p99_ms"), f.p99 * 1e3, "ms");
            report.push_metric(format!("{key}_peak_bytes"), f.memory, "B");
            report.push_metric(format!("{key}_bytes_per_open"), f.per_open, "B");
            report.push_metric(format!("{key}_peak_open"), f.open, "connections");
        }
        report.push_metric("connections", n as f64, "connections");
        report.judge(Judgement::all(parts));
        report.detail = format!(
            "{}; targets: rate >= 0.9x (fails <= 0.6x), memory >= 2x (fails <= 1.2x)",
            text.join("; ")
        );
        Ok(report.params(&resolved))
    }
}

/// Medians over a server's batches.
#[derive(Debug)]
struct Figures {
    rate: Stats,
    p50: f64,
    p99: f64,
    memory: f64,
    open: f64,
    per_open: f64,
}

impl Figures {
    fn of(batches: &[Batch]) -> Figures {
        let med = |f: &dyn Fn(&Batch) -> f64| Stats::of(&batches.iter().map(f).collect::<Vec<_>>());
        let q = |b: &Batch, p| b.load.quantile(p).map_or(f64::NAN, |d| d.as_secs_f64());
        Figures {
            rate: med(&|b| b.load.per_second()),
            p50: med(&|b| q(b, 0.5)).median,
            p99: med(&|b| q(b, 0.99)).median,
            memory: med(&|b| b.memory).median,
            open: med(&|b| b.served.peak_open as f64).median,
            per_open: med(&|b| b.memory / b.served.peak_open.max(1) as f64).median,
        }
    }
}

/// One batch of `n` connections against server `s`, which runs in a
/// child process (this binary as a [`server_child`], or CPython) handed the
/// listening socket as its standard input.
fn batch(s: Server, n: usize, delay: Duration, py: Option<&Python>) -> anyhow::Result<Batch> {
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
