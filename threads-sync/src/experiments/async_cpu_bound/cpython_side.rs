//! CPython's side of `async-cpu-bound`: `python/async_cpu.py` runs the work
//! as `asyncio` coroutines, on a thread executor and on a warm process pool.

use std::time::Duration;

use crate::contract::{Ctx, Report};
use crate::cpython::{python_or_skip, python_script};

/// `python/async_cpu.py` on `tasks` pieces: speedups of (asyncio, thread
/// executor, process pool), or `None` when skipped.
pub(super) fn speedups(
    ctx: &Ctx,
    report: &mut Report,
    no_python: bool,
    tasks: u32,
) -> Option<(f64, f64, f64)> {
    let py = python_or_skip(no_python, report)?;
    // CPython runs a round about 100x slower than Rust: fewer rounds. Five
    // short runs of each way rather than three long ones: the best of each
    // is taken, and on a host with bursts of steal three were not enough
    // (asyncio measured 1.46x its own sequential run once).
    let rounds = ctx.pick(600_000u64, 250_000);
    let args = [u64::from(tasks), rounds, ctx.repeats_or(5, 5) as u64].map(|a| a.to_string());
    let out = py.run_json(
        &python_script("async_cpu.py"),
        &args,
        Duration::from_secs(120),
    );
    let v = match out.map(|o| o.into_iter().next()) {
        Ok(Some(v)) => v,
        Ok(None) => {
            report.say("CPython: no output; skipped");
            return None;
        }
        Err(e) => {
            report.say(format!(
                "CPython {}: failed, skipped: {e:#}",
                py.version_string()
            ));
            return None;
        }
    };
    let get = |k: &str| v.get(k).and_then(serde_json::Value::as_f64);
    let (Some(seq), Some(aio), Some(thr), Some(pool)) = (
        get("sequential_s"),
        get("asyncio_s"),
        get("thread_executor_s"),
        get("process_pool_s"),
    ) else {
        report.say(format!("CPython: unexpected output {v}; skipped"));
        return None;
    };
    let x = |t: f64| seq / t.max(1e-12);
    report.say(format!(
            "CPython {} ({} pieces of {rounds} rounds): asyncio.gather {:.2}x, thread executor {:.2}x, warm process pool {:.2}x",
            py.version_string(),
            tasks,
            x(aio),
            x(thr),
            x(pool)
        ));
    report.push_metric("cpython_asyncio_speedup", x(aio), "x");
    report.push_metric("cpython_thread_executor_speedup", x(thr), "x");
    report.push_metric("cpython_process_pool_speedup", x(pool), "x");
    Some((x(aio), x(thr), x(pool)))
}
