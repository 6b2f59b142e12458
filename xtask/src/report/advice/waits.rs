//! Rows for waiting: I/O with a few fast waits, many slow waits, and a responsive main thread.

use super::Advice;
use super::row::{Fig, clearly, fig, row};
use crate::contract::record::Record;
use crate::report::records::{find, metric};

pub(super) fn io_bound_python(records: &[Record]) -> Option<Advice> {
    let r = find(records, "gil-sim", "io-bound")?;
    let sim = fig(r, "py311_speedup", "threads under the py311 GIL", "×")?;
    let threads = metric(r, "threads").map(|t| Fig {
        label: "with",
        value: t,
        unit: " threads",
    });
    let choice = if sim.value > 1.5 {
        "threads (the GIL is released while blocked)"
    } else {
        "no gain from threads measured"
    };
    let figs: Vec<Fig<'_>> = [Some(sim), threads].into_iter().flatten().collect();
    Some(row(
        "I/O-bound work with a few fast waits, in Python",
        choice.into(),
        &figs,
        "chart-cpu",
        "gil-sim",
        "io-bound",
    ))
}

pub(super) fn many_slow_waits(records: &[Record]) -> Option<Advice> {
    let r = find(records, "threads-sync", "many-slow-connections")?;
    // CPython's figures where they were measured (the lecture's question), else Rust's.
    let lang = if metric(r, "cpython_async_over_threads_rate").is_some() {
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
    let figs: Vec<Fig<'_>> = [Some(rate), Some(memory), connections, per_waiter]
        .into_iter()
        .flatten()
        .collect();
    Some(row(
        &format!("I/O-bound work with many slow waits (many connections), in {who}"),
        choice.into(),
        &figs,
        "chart-slow-connections",
        "threads-sync",
        "many-slow-connections",
    ))
}

pub(super) fn responsiveness(records: &[Record]) -> Option<Advice> {
    let r = find(records, "gil-sim", "convoy")?;
    let alone = fig(r, "latency_0cpu_5000us", "I/O call alone", " s")?;
    let beside = fig(r, "latency_1cpu_5000us", "beside one CPU thread", " s")?;
    let choice = if clearly(beside.value, alone.value) {
        "keep CPU work out of the I/O process (or shorten the switch interval)"
    } else {
        "threads are fine: no convoy measured"
    };
    Some(row(
        "Latency-sensitive I/O beside CPU work, in Python",
        choice.into(),
        &[alone, beside],
        "chart-convoy",
        "gil-sim",
        "convoy",
    ))
}
