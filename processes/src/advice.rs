//! processes' rows of the report's "when to use what" table: CPU-bound work in Python and in Rust, and many tiny tasks.
//!
//! Rules as data (`Advice` values), next to the experiments that measure their
//! figures: this crate compiles them (so they follow its records), and
//! `cargo xtask report` compiles this same file and puts the rows in the
//! lecture's order.

use crate::contract::advice::{Advice, Figure, clearly, fig, figure, row};
use crate::contract::record::{Record, find};
use crate::contract::series::ChunksizeCost;

/// "CPU-bound work, in Python": CPython's process pool against its threads.
pub fn cpu_bound_python(records: &[Record]) -> Option<Advice> {
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
    // A speedup above the core count is no real gain: say so in the row.
    let note = match &cores {
        Some(c) if pool.value > c.value => format!(
            "A pool cannot really run faster than {:.0}× on {:.0} cores: {:.2}× is within the \
             spread of a few runs on a shared machine.",
            c.value, c.value, pool.value
        ),
        _ => String::new(),
    };
    let figs: Vec<Figure> = [Some(pool), Some(threads), cores]
        .into_iter()
        .flatten()
        .collect();
    Some(
        row(
            "CPU-bound work, in Python",
            choice,
            figs,
            "chart-cpu",
            "processes",
            "cpu-bound",
        )
        .note(note),
    )
}

/// "CPU-bound work, in Rust": threads against the process pool.
pub fn cpu_bound_rust(records: &[Record]) -> Option<Advice> {
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

/// "Many tiny tasks": a pool's cost per task, unchunked (the chunksize 1
/// point of the series) and at the best chunksize.
pub fn tiny_tasks(records: &[Record]) -> Option<Advice> {
    let points = find(records, "processes", "chunksize")?.series_of::<ChunksizeCost>()?;
    let one = points.iter().find(|p| p.chunksize == 1)?.per_task_us;
    let one = figure("per task, unchunked", one, " µs");
    let best = points.iter().map(|p| p.per_task_us).reduce(f64::min)?;
    let best = figure("at the best chunksize", best, " µs");
    let choice = if clearly(one.value, best.value) {
        "a process pool with a larger chunksize"
    } else {
        "chunksize 1 is already cheap here"
    };
    Some(row(
        "Many tiny tasks in a process pool",
        choice,
        vec![one, best],
        "chart-chunksize",
        "processes",
        "chunksize",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::record::{Report, Verdict};

    fn cpu_bound(pool: f64) -> Vec<Record> {
        let r = Report::new(Verdict::Holds, "")
            .metric("cpython_pool_speedup", pool, "x")
            .metric("cpython_thread_speedup", 1.0, "x")
            .metric("cores", 2.0, "cores")
            .into_record("processes", "cpu-bound", "", Default::default());
        vec![r]
    }

    #[test]
    fn a_speedup_above_the_core_count_is_explained_in_the_row() {
        let odd = cpu_bound_python(&cpu_bound(2.14)).unwrap();
        assert!(
            odd.note.contains("cannot really run faster than 2×"),
            "{}",
            odd.note
        );
        assert_eq!(cpu_bound_python(&cpu_bound(1.9)).unwrap().note, "");
    }
}
