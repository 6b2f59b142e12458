//! CPython's side of `tasks-vs-threads`: `asyncio` tasks and
//! `threading.Thread`s parked by `python/tasks_vs_threads.py`, weighed as
//! on the Rust side.

use std::time::Duration;

use super::side::Side;
use super::sizing::{LIMIT, batch};
use crate::contract::measure::Stats;
use crate::contract::{Ctx, Report};
use crate::cpython::{python_or_skip, python_script};
use crate::idle_waiters::Kind;

/// Runs `python/tasks_vs_threads.py` once per kind and run, each in a
/// fresh interpreter; asyncio first, as on the Rust side. Nothing when
/// `no_python`, with no interpreter, or when a run fails (said in `report`).
pub(super) fn sides(
    no_python: bool,
    ctx: &Ctx,
    n: usize,
    budget_mib: u64,
    cap: usize,
    report: &mut Report,
) -> Vec<Side> {
    let Some(py) = python_or_skip(no_python, report) else {
        return Vec::new();
    };
    let script = python_script("tasks_vs_threads.py");
    let run =
        |kind: &str, batch: usize, budget: u64, cap: usize| -> anyhow::Result<serde_json::Value> {
            let args = [
                kind.to_string(),
                batch.to_string(),
                budget.to_string(),
                cap.to_string(),
                LIMIT.as_secs().to_string(),
            ];
            py.run_json(&script, &args, LIMIT + Duration::from_secs(30))?
                .pop()
                .ok_or_else(|| anyhow::anyhow!("no output"))
        };
    let mut sides = Vec::new();
    for (name, kind, batch) in [
        ("CPython asyncio", "asyncio", batch(Kind::Tasks)),
        ("CPython threading", "threads", batch(Kind::Threads)),
    ] {
        let got = (|| -> anyhow::Result<Side> {
            let mut starts = Vec::new();
            for _ in 0..ctx.repeats_or(3, 3) {
                let v = run(kind, n, u64::MAX >> 20, n)?;
                let parked = field(&v, "parked")?;
                anyhow::ensure!(
                    parked as usize == n,
                    "only {parked} of {n} parked ({})",
                    v["stop"]
                );
                starts.push(field(&v, "start_s")? / n as f64);
            }
            let v = run(kind, batch, budget_mib, cap)?;
            let parked = field(&v, "parked")?.max(1.0);
            Ok(Side {
                name,
                resident: field(&v, "rss_delta")? / parked,
                kernel: field(&v, "kernel_delta")? / parked,
                start_each: Stats::of(&starts),
                reached: parked as usize,
                stop: v["stop"].as_str().unwrap_or("?").to_string(),
            })
        })();
        match got {
            Ok(side) => sides.push(side),
            Err(e) => {
                report.say(format!(
                    "CPython {} {kind}: failed, skipped: {e:#}",
                    py.version_string()
                ));
                return Vec::new();
            }
        }
    }
    report.say(format!(
        "CPython {}: one fresh interpreter per run",
        py.version_string()
    ));
    sides
}

fn field(v: &serde_json::Value, k: &str) -> anyhow::Result<f64> {
    v.get(k)
        .and_then(serde_json::Value::as_f64)
        .ok_or_else(|| anyhow::anyhow!("no {k:?} in {v}"))
}
