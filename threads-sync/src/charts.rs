//! threads-sync's charts: what the primitives cost beside std, parking_lot and CPython, and the "many slow waits" branch (an idle waiter's memory, many slow connections).
//!
//! Chart rules as data (`Chart` values), next to the experiments that measure
//! them: this crate compiles them (so they follow its records), and
//! `cargo xtask report` compiles this same file to lay them out.

use crate::contract::chart::{Chart, ChartRule, bars, chart};
use crate::contract::record::{Record, find};

/// This demo's charts, by name, in page order.
pub const CHARTS: &[(&str, ChartRule)] = &[
    ("primitive_costs", primitive_costs as ChartRule),
    ("queue_throughput", queue_throughput as ChartRule),
    ("waiter_memory", waiter_memory as ChartRule),
    ("slow_connections", slow_connections as ChartRule),
];

pub fn primitive_costs(records: &[Record]) -> Option<Chart> {
    let r = find(records, "threads-sync", "cost")?;
    let m = |k: &str| r.metric(k);
    let (x, series) = bars(vec![
        (
            "threads-sync",
            vec![
                ("uncontended", m("lock_uncontended_ns")),
                ("contended", m("lock_contended_ns")),
            ],
        ),
        (
            "std Mutex",
            vec![
                ("uncontended", m("std_mutex_uncontended_ns")),
                ("contended", m("std_mutex_contended_ns")),
            ],
        ),
        (
            "parking_lot",
            vec![
                ("uncontended", m("parking_lot_uncontended_ns")),
                ("contended", m("parking_lot_contended_ns")),
            ],
        ),
        ("CPython Lock", vec![("uncontended", m("cpython_lock_ns"))]),
    ]);
    chart(
        "chart-primitives",
        "Lock acquire+release: threads-sync Lock vs std, parking_lot and CPython",
        "ns per acquire+release",
        x,
        series,
        &["threads-sync cost"],
        "Uncontended, a Lock that never sleeps costs one atomic operation either way.",
    )
}

pub fn queue_throughput(records: &[Record]) -> Option<Chart> {
    let r = find(records, "threads-sync", "cost")?;
    let m = |k: &str| r.metric(k).map(|v| v / 1e6);
    let (x, series) = bars(vec![
        (
            "threads-sync Queue",
            vec![
                ("SPSC", m("queue_spsc_items_per_s")),
                ("MPMC", m("queue_mpmc_items_per_s")),
            ],
        ),
        (
            "crossbeam bounded",
            vec![
                ("SPSC", m("crossbeam_spsc_items_per_s")),
                ("MPMC", m("crossbeam_mpmc_items_per_s")),
            ],
        ),
        (
            "std sync_channel",
            vec![
                ("SPSC", m("std_spsc_items_per_s")),
                ("MPMC", m("std_mpmc_items_per_s")),
            ],
        ),
        (
            "CPython queue.Queue",
            vec![("MPMC", m("cpython_mpmc_items_per_s"))],
        ),
    ]);
    chart(
        "chart-queues",
        "Queue throughput between threads: threads-sync vs crossbeam, std and CPython",
        "million items per second",
        x,
        series,
        &["threads-sync cost"],
        "A Python-style Queue in Rust moves items at channel speed; CPython's pays for the GIL and the interpreter on every item.",
    )
}

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
