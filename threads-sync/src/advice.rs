//! threads-sync's rows of the report's "when to use what" table: a counter shared by threads, and many slow waits.
//!
//! Rules as data (`Advice` values), next to the experiments that measure their
//! figures: this crate compiles them (so they follow its records), and
//! `cargo xtask report` compiles this same file and puts the rows in the
//! lecture's order.

use crate::contract::advice::{Advice, Figure, fig, row};
use crate::contract::record::{Record, find};

/// "A counter shared by threads": updates lost without a lock, and what the lock costs.
pub fn shared_counter(records: &[Record]) -> Option<Advice> {
    let r = find(records, "threads-sync", "race")?;
    let lost = fig(r, "lost_unsynchronised", "lost without a lock", " updates")?;
    let ratio = fig(r, "lock_over_fetch_add", "Lock cost over fetch_add", "×")?;
    let choice = if lost.value > 0.0 {
        "an atomic, or a Lock (unsynchronised updates were lost)"
    } else {
        "an atomic or a Lock (no loss seen this run, but nothing prevents it)"
    };
    Some(row(
        "A counter shared by threads",
        choice,
        vec![lost, ratio],
        "chart-primitives",
        "threads-sync",
        "race",
    ))
}

/// "Many slow waits": threads against tasks for many slow connections.
pub fn many_slow_waits(records: &[Record]) -> Option<Advice> {
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
