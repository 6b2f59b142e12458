//! Rows for sharing and passing data: a shared counter, tiny tasks, big read-only data, messages between processes.

use crate::contract::advice::{Advice, Figure, clearly, fig, figure, row};
use crate::contract::record::Record;
use crate::contract::record::find;
use crate::contract::series::ChunksizeCost;

pub(super) fn shared_counter(records: &[Record]) -> Option<Advice> {
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

pub(super) fn tiny_tasks(records: &[Record]) -> Option<Advice> {
    let r = find(records, "processes", "chunksize")?;
    let one = fig(r, "per_task_us_unchunked", "per task, unchunked", " µs")?;
    let best = r
        .series_of::<ChunksizeCost>()?
        .into_iter()
        .map(|p| p.per_task_us)
        .reduce(f64::min)?;
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

pub(super) fn big_read_only_data(records: &[Record]) -> Option<Advice> {
    let r = find(records, "shared-mmap", "share-vs-copy")?;
    let mmap = fig(
        r,
        "mmap_data_setup_ratio",
        "mmap setup, largest/smallest size",
        "×",
    )?;
    let pipe = fig(
        r,
        "pipe_data_setup_ratio",
        "pipe setup, largest/smallest size",
        "×",
    )?;
    let choice = if clearly(pipe.value, mmap.value) {
        "a memory map shared by the workers"
    } else {
        "copying is as cheap as sharing at these sizes"
    };
    Some(row(
        "Large read-only data for worker processes",
        choice,
        vec![mmap, pipe],
        "chart-mmap",
        "shared-mmap",
        "share-vs-copy",
    ))
}

pub(super) fn messages_between_processes(records: &[Record]) -> Option<Advice> {
    let r = find(records, "subprocess-pipes", "latency")?;
    let framed = fig(r, "framed_rtt_us", "framed round trip", " µs")?;
    let raw = fig(r, "raw_rtt_us", "raw ping-pong", " µs")?;
    let cpython = fig(r, "cpython_rtt_us", "CPython Pipe round trip", " µs");
    let spun = fig(r, "spin_framed_rtt_us", "framed, spinning receivers", " µs");
    let cheap = framed.value <= raw.value * 1.3;
    let mut choice = match (&cpython, cheap) {
        (Some(py), true) if framed.value < py.value => {
            "typed framed messages over a pipe: near raw speed, faster than CPython's Pipe"
        }
        (_, true) => "typed framed messages over a pipe: near raw speed",
        (_, false) => "raw bytes where latency matters: framing cost more than 30% here",
    }
    .to_string();
    if let Some(s) = &spun
        && clearly(framed.value, s.value)
    {
        choice.push_str(
            "; for request/response, let receivers spin briefly before they block (it burns CPU while it waits)",
        );
    }
    let figs: Vec<Figure> = [Some(framed), spun, Some(raw), cpython]
        .into_iter()
        .flatten()
        .collect();
    Some(row(
        "Small messages between processes",
        choice,
        figs,
        "chart-pipes",
        "subprocess-pipes",
        "latency",
    ))
}
