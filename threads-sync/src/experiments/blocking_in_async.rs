//! Claim: the event loop has its own convoy. One task that makes a
//! blocking call (`std::thread::sleep`, `time.sleep`) inside a one-thread
//! runtime stalls every other task on that loop for the whole call; moving
//! the call off the loop (tokio's `spawn_blocking`, asyncio's
//! `run_in_executor`) removes the stall. In Rust and in CPython.
//!
//! A few ticker tasks each ask to wake every `--tick-ms` and note how late
//! they woke; after a quiet stretch one more task makes a `--block-ms` call,
//! blocking on the loop or offloaded. The figure is the tickers' worst
//! lateness, as a fraction of the call: about 1 when blocked, near 0 when
//! offloaded. Blocked holds at >= 0.8 (fails <= 0.3); offloaded holds at
//! <= 0.25 (fails >= 0.6). Medians of interleaved runs.

use std::time::{Duration, Instant};

use crate::async_io::offload::blocking;
use crate::contract::measure::{Stats, human_time};
use crate::contract::part::Part;
use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::cpython::{python_or_skip, python_script};

/// Flags of `blocking-in-async`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct BlockingInAsync {
    /// The one blocking call's length, milliseconds.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(10..=10_000))]
    pub block_ms: u64,
    /// Ticker tasks on the loop.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub tickers: u32,
    /// How often each ticker asks to wake, milliseconds.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=1000))]
    pub tick_ms: u64,
    /// Skip the CPython side by side.
    #[arg(long)]
    pub no_python: bool,
}

/// How the one slow call is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    OnTheLoop,
    Offloaded,
}

impl Experiment for BlockingInAsync {
    const NAME: &'static str = "blocking-in-async";
    const CLAIM: &'static str = "one blocking call inside a one-thread event loop stalls every task on it for the whole call; spawn_blocking / run_in_executor removes the stall (Rust and CPython)";

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let r = ctx.repeats_or(5, 3);
        let block = Duration::from_millis(self.block_ms);
        let tick = Duration::from_millis(self.tick_ms);
        let mut report = Report::new(Verdict::Info, "");
        report.say(format!(
            "{} tickers waking every {}; one call of {}; worst lateness of any tick, median of {r} interleaved runs",
            self.tickers,
            human_time(tick.as_secs_f64()),
            human_time(block.as_secs_f64())
        ));
        let mut worst = [Vec::new(), Vec::new()];
        for _ in 0..r {
            for (i, call) in [Call::OnTheLoop, Call::Offloaded].into_iter().enumerate() {
                worst[i].push(stall(call, self.tickers, tick, block)?.as_secs_f64());
            }
        }
        let rust = [Stats::of(&worst[0]), Stats::of(&worst[1])];
        let python = self.python_side(&mut report, r);
        let block_s = block.as_secs_f64();
        report.say(format!(
            "{:<34} {:>28} {:>28}",
            "", "blocking call on the loop", "offloaded"
        ));
        let row = |name: &str, s: &[Stats; 2]| {
            format!(
                "{name:<34} {:>28} {:>28}",
                s[0].show(1e3, "ms"),
                s[1].show(1e3, "ms")
            )
        };
        report.say(row("Rust tokio, current-thread", &rust));
        if let Some(py) = &python {
            report.say(row("CPython asyncio", py));
        }
        let mut parts = Vec::new();
        let mut text = Vec::new();
        for (lang, s) in [("rust", Some(&rust)), ("cpython", python.as_ref())] {
            let Some(s) = s else { continue };
            let (on, off) = (s[0].median / block_s, s[1].median / block_s);
            let (on_name, off_name) = (
                format!("{lang}_stall_blocked"),
                format!("{lang}_stall_offloaded"),
            );
            report.push_metric(&on_name, on, "x");
            report.push_metric(&off_name, off, "x");
            let j = [
                Part::at_least(&on_name, on, 0.8, 0.3),
                Part::at_most(&off_name, off, 0.25, 0.6),
            ];
            text.push(format!(
                "{}: worst tick late by {on:.2} of the call when it blocks the loop ({}), {off:.2} offloaded ({})",
                if lang == "rust" { "Rust" } else { "CPython" },
                j[0].as_str(),
                j[1].as_str()
            ));
            parts.extend(j);
        }
        report.push_metric("rust_worst_blocked_ms", rust[0].median * 1e3, "ms");
        report.push_metric("rust_worst_offloaded_ms", rust[1].median * 1e3, "ms");
        if let Some(py) = &python {
            report.push_metric("cpython_worst_blocked_ms", py[0].median * 1e3, "ms");
            report.push_metric("cpython_worst_offloaded_ms", py[1].median * 1e3, "ms");
        }
        report.judge_parts(&parts);
        report.detail = format!(
            "{}; targets: blocked >= 0.8 (fails <= 0.3), offloaded <= 0.25 (fails >= 0.6)",
            text.join("; ")
        );
        Ok(report)
    }
}

/// One run on a fresh one-thread runtime: the tickers' worst lateness
/// while one task makes the slow call `call`.
fn stall(call: Call, tickers: u32, tick: Duration, block: Duration) -> anyhow::Result<Duration> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()?;
    // Quiet, then the call, then quiet again: the tickers run throughout.
    let window = block * 3;
    let worst = rt.block_on(async {
        let end = tokio::time::Instant::now() + window;
        let mut ticks = Vec::new();
        for _ in 0..tickers {
            ticks.push(tokio::spawn(async move {
                let mut worst = Duration::ZERO;
                while tokio::time::Instant::now() < end {
                    let due = Instant::now() + tick;
                    tokio::time::sleep(tick).await;
                    worst = worst.max(Instant::now().saturating_duration_since(due));
                }
                worst
            }));
        }
        tokio::time::sleep(block).await;
        match call {
            Call::OnTheLoop => std::thread::sleep(block), // the mistake, on purpose
            Call::Offloaded => blocking(move || std::thread::sleep(block)).await?,
        }
        let mut worst = Duration::ZERO;
        for t in ticks {
            worst = worst.max(
                t.await
                    .map_err(|e| anyhow::anyhow!("a ticker failed: {e}"))?,
            );
        }
        Ok::<_, anyhow::Error>(worst)
    })?;
    rt.shutdown_timeout(block * 2);
    Ok(worst)
}

impl BlockingInAsync {
    /// `python/blocking_in_async.py` with the same sizes; `[blocked, offloaded]`.
    fn python_side(&self, report: &mut Report, r: usize) -> Option<[Stats; 2]> {
        let py = python_or_skip(self.no_python, report)?;
        let args = [
            self.block_ms,
            u64::from(self.tickers),
            self.tick_ms,
            r as u64,
        ]
        .map(|a| a.to_string());
        let limit =
            Duration::from_millis(self.block_ms * 4 * r as u64 * 2) + Duration::from_secs(20);
        let got = py
            .run_json(&python_script("blocking_in_async.py"), &args, limit)
            .and_then(|out| {
                let v = out
                    .into_iter()
                    .next()
                    .ok_or_else(|| anyhow::anyhow!("no output"))?;
                let list = |k: &str| -> anyhow::Result<Vec<f64>> {
                    v.get(k)
                        .and_then(serde_json::Value::as_array)
                        .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
                        .filter(|a: &Vec<f64>| !a.is_empty())
                        .ok_or_else(|| anyhow::anyhow!("no {k:?} in {v}"))
                };
                Ok([
                    Stats::of(&list("blocked_worst_s")?),
                    Stats::of(&list("offloaded_worst_s")?),
                ])
            });
        match got {
            Ok(s) => {
                report.say(format!(
                    "CPython {}: same loop shape, time.sleep vs run_in_executor",
                    py.version_string()
                ));
                Some(s)
            }
            Err(e) => {
                report.say(format!(
                    "CPython {}: failed, skipped: {e:#}",
                    py.version_string()
                ));
                None
            }
        }
    }
}
