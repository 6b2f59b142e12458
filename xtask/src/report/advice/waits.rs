//! Rows for waiting: I/O with a few fast waits, many slow waits, and a responsive main thread.

use crate::contract::advice::{Advice, Figure, clearly, fig, figure, row};
use crate::contract::record::Record;
use crate::contract::record::find;
use crate::contract::series::ConvoyLatency;

pub(super) fn io_bound_python(records: &[Record]) -> Option<Advice> {
    let r = find(records, "gil-sim", "io-bound")?;
    let sim = fig(r, "py311_speedup", "threads under the py311 GIL", "×")?;
    let threads = r.metric("threads").map(|t| figure("with", t, " threads"));
    let choice = if sim.value > 1.5 {
        "threads (the GIL is released while blocked)"
    } else {
        "no gain from threads measured"
    };
    let figs: Vec<Figure> = [Some(sim), threads].into_iter().flatten().collect();
    Some(row(
        "I/O-bound work with a few fast waits, in Python",
        choice,
        figs,
        "chart-cpu",
        "gil-sim",
        "io-bound",
    ))
}

pub(super) fn many_slow_waits(records: &[Record]) -> Option<Advice> {
    let r = find(records, "threads-sync", "many-slow-connections")?;
    // CPython's figures where they were measured (the lecture's question), else Rust's.
    let lang = if r.metric("cpython_async_over_threads_rate").is_some() {
        "cpython"
    } else {
        "rust"
    };
    let who = if lang == "cpython" { "CPython" } else { "Rust" };
    let rate = fig(
        r,
        &format!("{lang}_async_over_threads_rate"),
        "async's requests/s over threads'",
        "×",
    )?;
    let memory = fig(
        r,
        &format!("{lang}_threads_over_async_memory"),
        "threads' memory over async's",
        "×",
    )?;
    let connections = fig(r, "connections", "at", " connections");
    let per_waiter = find(records, "threads-sync", "tasks-vs-threads").and_then(|t| {
        let key = if lang == "cpython" {
            "cpython_thread_over_task_memory"
        } else {
            "rust_thread_over_task_memory"
        };
        fig(t, key, "an idle thread over an idle task", "×")
    });
    let choice = if rate.value >= 0.9 && memory.value >= 2.0 {
        "async (asyncio, tokio): as many requests/s at a fraction of the memory"
    } else if rate.value < 0.9 && memory.value < 2.0 {
        "threads: async gained neither speed nor memory here"
    } else {
        "no clear winner on this machine"
    };
    let figs: Vec<Figure> = [Some(rate), Some(memory), connections, per_waiter]
        .into_iter()
        .flatten()
        .collect();
    Some(row(
        &format!("I/O-bound work with many slow waits (many connections), in {who}"),
        choice,
        figs,
        "chart-slow-connections",
        "threads-sync",
        "many-slow-connections",
    ))
}

pub(super) fn responsiveness(records: &[Record]) -> Option<Advice> {
    let points = find(records, "gil-sim", "convoy")?.series_of::<ConvoyLatency>()?;
    // At CPython's default switch interval if it was measured, else the longest.
    let interval = points
        .iter()
        .map(|p| p.interval_us)
        .find(|&us| us == 5000.0)
        .or_else(|| points.iter().map(|p| p.interval_us).reduce(f64::max))?;
    let at = |k: u32, label| {
        let p = points
            .iter()
            .find(|p| p.cpu_threads == k && p.interval_us == interval)?;
        Some(figure(label, p.latency_s, " s"))
    };
    let alone = at(0, "I/O call alone")?;
    let beside = at(1, "beside one CPU thread")?;
    let choice = if clearly(beside.value, alone.value) {
        "keep CPU work out of the I/O process (or shorten the switch interval)"
    } else {
        "threads are fine: no convoy measured"
    };
    Some(row(
        "Latency-sensitive I/O beside CPU work, in Python",
        choice,
        vec![alone, beside],
        "chart-convoy",
        "gil-sim",
        "convoy",
    ))
}
