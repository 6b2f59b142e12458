//! The charts of the "many slow waits" branch: what an idle waiter costs
//! (threads vs tasks), and what many slow connections get from each server.

use super::chart::Chart;
use crate::contract::chart::{bars, chart};
use crate::contract::record::Record;
use crate::contract::record::find;

/// Resident memory per idle waiter, threads vs tasks, Rust and CPython.
pub fn waiter_memory(records: &[Record]) -> Option<Chart> {
    let r = find(records, "threads-sync", "tasks-vs-threads")?;
    let kib = |k: &str| r.metric(k).map(|v| v / 1024.0);
    let (x, series) = bars(vec![
        (
            "OS thread",
            vec![
                ("Rust", kib("std_thread_bytes")),
                ("CPython", kib("cpython_thread_bytes")),
            ],
        ),
        (
            "task",
            vec![
                ("Rust", kib("tokio_task_bytes")),
                ("CPython", kib("asyncio_task_bytes")),
            ],
        ),
    ]);
    chart(
        "chart-waiters",
        "One idle waiter's resident memory: an OS thread vs a task (tokio / asyncio)",
        "KiB per waiter",
        x,
        series,
        &["threads-sync tasks-vs-threads"],
        "A thread's touched stack and thread state against a task's one allocation; the kernel's own per-thread memory comes on top of the thread's bar.",
    )
}

/// Requests per second at many slow connections, per server.
pub fn slow_connections(records: &[Record]) -> Option<Chart> {
    let r = find(records, "threads-sync", "many-slow-connections")?;
    let m = |k: &str| r.metric(k);
    let (x, series) = bars(vec![
        (
            "thread per connection",
            vec![
                ("Rust", m("rust_threads_requests_per_s")),
                ("CPython", m("cpython_threads_requests_per_s")),
            ],
        ),
        (
            "async (one thread)",
            vec![
                ("Rust", m("rust_tokio_requests_per_s")),
                ("CPython", m("cpython_asyncio_requests_per_s")),
            ],
        ),
    ]);
    chart(
        "chart-slow-connections",
        "Many slow connections at once: requests per second, thread per connection vs async",
        "requests/s",
        x,
        series,
        &["threads-sync many-slow-connections"],
        "Every request waits in the server; what differs is what each waiting connection costs to start and to hold.",
    )
}
