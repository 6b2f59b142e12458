//! The "when to use what" table: each row is derived from measured figures
//! and links to the chart and the experiment that produced them. A row whose
//! figures are missing from the records is left out, not guessed; the choice
//! in a row follows from the figures, not from the lecture.

use super::html::{data, esc};
use super::records::{find, metric};
use crate::contract::record::Record;

/// One row of advice.
#[derive(Debug, Clone, PartialEq)]
pub struct Advice {
    /// The situation (`CPU-bound work, in Python`).
    pub situation: String,
    /// What to use.
    pub choice: String,
    /// The measured figures, as HTML with every number in a `<data>` element.
    pub evidence_html: String,
    /// The chart's anchor.
    pub chart: String,
    /// The command that measures it again.
    pub command: String,
}

type Rule = fn(&[Record]) -> Option<Advice>;

/// Every row whose figures are in `records`.
pub fn derive(records: &[Record]) -> Vec<Advice> {
    // In the order of the lecture's picture: CPU-bound, I/O with a few fast
    // waits, I/O with many slow waits; then the finer points.
    const RULES: [Rule; 9] = [
        cpu_bound_python,
        cpu_bound_rust,
        io_bound_python,
        many_slow_waits,
        responsiveness,
        shared_counter,
        tiny_tasks,
        big_read_only_data,
        messages_between_processes,
    ];
    RULES.iter().filter_map(|rule| rule(records)).collect()
}

/// A figure: its label, the record it comes from, and the metric name.
struct Fig<'a> {
    label: &'a str,
    value: f64,
    unit: &'a str,
}

fn fig<'a>(rec: &Record, name: &str, label: &'a str, unit: &'a str) -> Option<Fig<'a>> {
    Some(Fig {
        label,
        value: metric(rec, name)?,
        unit,
    })
}

fn row(
    situation: &str,
    choice: String,
    figs: &[Fig<'_>],
    chart: &str,
    demo: &str,
    exp: &str,
) -> Advice {
    let evidence_html = figs
        .iter()
        .map(|f| format!("{} {}", esc(f.label), data(f.value, f.unit)))
        .collect::<Vec<_>>()
        .join("; ");
    Advice {
        situation: situation.into(),
        choice,
        evidence_html,
        chart: chart.into(),
        command: format!("cargo xtask run {demo} {exp}"),
    }
}

/// `a` clearly beats `b` (by 20%).
fn clearly(a: f64, b: f64) -> bool {
    a > b * 1.2
}

fn cpu_bound_python(records: &[Record]) -> Option<Advice> {
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
    let figs: Vec<Fig<'_>> = [Some(pool), Some(threads), cores]
        .into_iter()
        .flatten()
        .collect();
    Some(row(
        "CPU-bound work, in Python",
        choice.into(),
        &figs,
        "chart-cpu",
        "processes",
        "cpu-bound",
    ))
}

fn cpu_bound_rust(records: &[Record]) -> Option<Advice> {
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
        choice.into(),
        &[threads, pool],
        "chart-cpu",
        "processes",
        "cpu-bound",
    ))
}

fn io_bound_python(records: &[Record]) -> Option<Advice> {
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

fn many_slow_waits(records: &[Record]) -> Option<Advice> {
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

fn responsiveness(records: &[Record]) -> Option<Advice> {
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

fn shared_counter(records: &[Record]) -> Option<Advice> {
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
        choice.into(),
        &[lost, ratio],
        "chart-primitives",
        "threads-sync",
        "race",
    ))
}

fn tiny_tasks(records: &[Record]) -> Option<Advice> {
    let r = find(records, "processes", "chunksize")?;
    let one = fig(r, "per_task_us_chunksize_1", "per task, unchunked", " µs")?;
    let best = r
        .metrics
        .iter()
        .filter(|(k, _)| k.starts_with("per_task_us_chunksize_"))
        .filter_map(|(k, v)| Some((k.clone(), v.as_f64()?)))
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    let best = Fig {
        label: "at the best chunksize",
        value: best.1,
        unit: " µs",
    };
    let choice = if clearly(one.value, best.value) {
        "a process pool with a larger chunksize"
    } else {
        "chunksize 1 is already cheap here"
    };
    Some(row(
        "Many tiny tasks in a process pool",
        choice.into(),
        &[one, best],
        "chart-chunksize",
        "processes",
        "chunksize",
    ))
}

fn big_read_only_data(records: &[Record]) -> Option<Advice> {
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
        choice.into(),
        &[mmap, pipe],
        "chart-mmap",
        "shared-mmap",
        "share-vs-copy",
    ))
}

fn messages_between_processes(records: &[Record]) -> Option<Advice> {
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
    let figs: Vec<Fig<'_>> = [Some(framed), spun, Some(raw), cpython]
        .into_iter()
        .flatten()
        .collect();
    Some(row(
        "Small messages between processes",
        choice,
        &figs,
        "chart-pipes",
        "subprocess-pipes",
        "latency",
    ))
}
