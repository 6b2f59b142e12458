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
//! in [`crate::async_io`], run by this binary as a
//! [`server_child`](crate::server_child)), so
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

mod batch;
mod figures;
mod server;

use std::time::Duration;

use crate::async_io::listener;
use crate::contract::measure::human_time;
use crate::contract::part::Part;
use crate::contract::scaled::Scaled;
use crate::contract::size::show_bytes;
use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::cpython::python_or_skip;
use batch::{Batch, batch};
use figures::Figures;
use server::Server;

/// The default of `--connections`.
const CONNECTIONS: Scaled<u64> = Scaled::new(2_000, 200);

/// Flags of `many-slow-connections`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct ManySlowConnections {
    /// Concurrent connections per batch.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=20_000), help = CONNECTIONS.help("Concurrent connections per batch"))]
    pub connections: Option<u64>,
    /// The slow backend's wait per request, milliseconds.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub delay_ms: u64,
    /// Skip the CPython side by side.
    #[arg(long)]
    pub no_python: bool,
}

impl Experiment for ManySlowConnections {
    const NAME: &'static str = "many-slow-connections";
    const CLAIM: &'static str = "at many slow connections an async server matches or beats thread-per-connection in requests/s at a fraction of the memory, in Rust and in CPython";

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let wanted = self.connections.unwrap_or(CONNECTIONS.pick(ctx.quick)) as usize;
        // Each connection is two descriptors here (client and server side).
        let files = listener::raise_open_files(2 * wanted as u64 + 256)?;
        let n = wanted.min((files.saturating_sub(256) / 2) as usize).max(1);
        self.connections = Some(n as u64);
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
            let (rate_name, mem_name) = (
                format!("{lang}_async_over_threads_rate"),
                format!("{lang}_threads_over_async_memory"),
            );
            report.push_metric(&rate_name, rate, "x");
            report.push_metric(&mem_name, mem, "x");
            let (jr, jm) = (
                Part::at_least(&rate_name, rate, 0.9, 0.6),
                Part::at_least(&mem_name, mem, 2.0, 1.2),
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
        report.judge_parts(&parts);
        report.detail = format!(
            "{}; targets: rate >= 0.9x (fails <= 0.6x), memory >= 2x (fails <= 1.2x)",
            text.join("; ")
        );
        Ok(report)
    }
}
