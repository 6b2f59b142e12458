//! Rows for CPU-bound work: in Python (processes, not threads) and in Rust (threads).

use crate::contract::advice::{Advice, Figure, clearly, fig, row};
use crate::contract::record::Record;
use crate::contract::record::find;

pub(super) fn cpu_bound_python(records: &[Record]) -> Option<Advice> {
    let r = find(records, "processes", "cpu-bound")?;
    let pool = fig(r, "cpython_pool_speedup", "CPython process pool", "×")?;
    let threads = fig(r, "cpython_thread_speedup", "CPython threads", "×")?;
    let choice = if clearly(pool.value, threads.value) && pool.value > 1.2 {
        "processes (multiprocessing)"
    } else if pool.value <= 1.2 && threads.value <= 1.2 {
        "neither sped up here: the machine gave no parallelism"
    } else {
        "no clear winner on this machine"
    };
    // The core count is a recorded figure of gil-sim's cpu-bound, where it ran.
    let cores = fig(r, "cores", "on", " cores").or_else(|| {
        find(records, "gil-sim", "cpu-bound").and_then(|g| fig(g, "cores", "on", " cores"))
    });
    let figs: Vec<Figure> = [Some(pool), Some(threads), cores]
        .into_iter()
        .flatten()
        .collect();
    Some(row(
        "CPU-bound work, in Python",
        choice,
        figs,
        "chart-cpu",
        "processes",
        "cpu-bound",
    ))
}

pub(super) fn cpu_bound_rust(records: &[Record]) -> Option<Advice> {
    let r = find(records, "processes", "cpu-bound")?;
    let threads = fig(r, "thread_speedup", "Rust threads", "×")?;
    let pool = fig(r, "pool_speedup", "Rust process pool", "×")?;
    let choice = if clearly(pool.value, threads.value) && pool.value > 1.2 {
        "processes"
    } else if threads.value > 1.2 {
        "threads (no GIL in Rust; processes only buy isolation)"
    } else {
        "no clear winner on this machine"
    };
    Some(row(
        "CPU-bound work, in Rust",
        choice,
        vec![threads, pool],
        "chart-cpu",
        "processes",
        "cpu-bound",
    ))
}
