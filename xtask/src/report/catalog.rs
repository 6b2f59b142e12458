//! The charts of the report, each built from the records of the experiments
//! that measure it, by the metric names those experiments emit. A chart
//! whose records are missing is left out, never drawn from invented numbers.

use super::async_charts::{slow_connections, waiter_memory};
use super::build::{bars, bytes, chart, number, sweep};
use super::chart::{Chart, Series, XAxis};
use super::records::{find, metric};
use crate::contract::record::Record;

/// A chart builder: `None` when the records lack its figures.
type Builder = fn(&[Record]) -> Option<Chart>;

/// Every chart the records can fill, in page order.
pub fn charts(records: &[Record]) -> Vec<Chart> {
    const BUILDERS: [Builder; 12] = [
        cpu_speedup,
        convoy,
        start_cost,
        worker_memory,
        chunksize,
        data_cost,
        pipe_throughput,
        share_vs_copy,
        primitive_costs,
        queue_throughput,
        waiter_memory,
        slow_connections,
    ];
    BUILDERS.iter().filter_map(|b| b(records)).collect()
}

const POLICIES: [&str; 4] = ["py2", "py39", "py311", "nogil"];

fn cpu_speedup(records: &[Record]) -> Option<Chart> {
    let gil = find(records, "gil-sim", "cpu-bound");
    let procs = find(records, "processes", "cpu-bound");
    let cmp = find(records, "gil-sim", "compare-cpython");
    let inv = |v: Option<f64>| v.filter(|v| *v > 0.0).map(|v| 1.0 / v);
    let mut rust: Vec<(&str, Option<f64>)> = POLICIES
        .iter()
        .map(|p| (*p, inv(gil.and_then(|r| metric(r, &format!("{p}_ratio"))))))
        .collect();
    rust.push(("threads", procs.and_then(|r| metric(r, "thread_speedup"))));
    rust.push((
        "process pool",
        procs.and_then(|r| metric(r, "pool_speedup")),
    ));
    let cpython = vec![
        (
            "py311",
            inv(cmp.and_then(|r| metric(r, "cp311_cpu_ratio_cpython"))),
        ),
        (
            "threads",
            procs.and_then(|r| metric(r, "cpython_thread_speedup")),
        ),
        (
            "process pool",
            procs.and_then(|r| metric(r, "cpython_pool_speedup")),
        ),
    ];
    let (x, series) = bars(vec![("simulated GIL / Rust", rust), ("CPython", cpython)]);
    chart(
        "chart-cpu",
        "CPU-bound work: speedup over sequential, per GIL policy, Rust threads and process pool",
        "speedup (x)",
        x,
        series,
        &[
            "gil-sim cpu-bound",
            "gil-sim compare-cpython",
            "processes cpu-bound",
        ],
        "Under a GIL (py2, py39, py311) threads stay near 1x; without one (nogil, Rust threads) and with processes they scale with the cores.",
    )
}

fn convoy(records: &[Record]) -> Option<Chart> {
    let rec = find(records, "gil-sim", "convoy")?;
    let series = (0..=4)
        .map(|k| Series {
            name: format!("beside {k} CPU thread(s)"),
            points: sweep(rec, &format!("latency_{k}cpu_"), "us", number)
                .into_iter()
                .map(|(us, s)| (us / 1000.0, s * 1000.0))
                .collect(),
        })
        .collect();
    chart(
        "chart-convoy",
        "The convoy effect: an I/O thread's latency per blocking call vs the switch interval",
        "median latency per call (ms)",
        XAxis::Numeric {
            label: "switch interval (ms)".into(),
            log: false,
        },
        series,
        &["gil-sim convoy"],
        "Beside CPU-bound threads, each blocking call waits about one switch interval to get the GIL back.",
    )
}

fn start_cost(records: &[Record]) -> Option<Chart> {
    let r = find(records, "processes", "start-cost")?;
    let m = |k: &str| metric(r, k);
    let (x, series) = bars(vec![
        (
            "Rust",
            vec![
                ("thread", m("thread_us")),
                ("fork", m("fork_us")),
                ("spawn", m("spawn_us")),
                ("exec true", m("true_us")),
            ],
        ),
        (
            "CPython",
            vec![
                ("thread", m("cpython_thread_us")),
                ("fork", m("cpython_fork_us")),
                ("spawn", m("cpython_spawn_us")),
            ],
        ),
    ]);
    let mut c = chart(
        "chart-start",
        "Start cost: a thread vs fork vs spawn (re-exec)",
        "µs to start and join (log)",
        x,
        series,
        &["processes start-cost"],
        "Processes are slower to start than threads; spawn (a fresh interpreter) is the slowest of all in CPython.",
    )?;
    c.log_y = true;
    Some(c)
}

fn worker_memory(records: &[Record]) -> Option<Chart> {
    let r = find(records, "processes", "memory")?;
    let m = |k: &str| metric(r, k);
    let (x, series) = bars(vec![
        (
            "Rust PSS",
            vec![
                ("thread", m("thread_rss_kib")),
                ("fork", m("fork_worker_pss_kib")),
                ("spawn", m("spawn_worker_pss_kib")),
            ],
        ),
        (
            "CPython PSS",
            vec![
                ("fork", m("cpython_fork_pss_kib")),
                ("spawn", m("cpython_spawn_pss_kib")),
            ],
        ),
    ]);
    let mut c = chart(
        "chart-memory",
        "Memory per idle worker: thread vs fork vs spawn",
        "KiB per worker (thread: RSS growth; log)",
        x,
        series,
        &["processes memory"],
        "A process is a whole copy of the program; fork shares its pages until they are written.",
    )?;
    c.log_y = true;
    Some(c)
}

fn chunksize(records: &[Record]) -> Option<Chart> {
    let r = find(records, "processes", "chunksize")?;
    let series = vec![
        Series {
            name: "Rust pool".into(),
            points: sweep(r, "per_task_us_chunksize_", "", number),
        },
        Series {
            name: "CPython Pool.map".into(),
            points: sweep(r, "cpython_per_task_us_chunksize_", "", number),
        },
    ];
    let mut c = chart(
        "chart-chunksize",
        "Pool overhead per tiny task vs chunksize",
        "µs per task (log)",
        XAxis::Numeric {
            label: "chunksize (log)".into(),
            log: true,
        },
        series,
        &["processes chunksize"],
        "Sending tasks in chunks amortises the per-message cost of the pipes.",
    )?;
    c.log_y = true;
    c.legend_right = true;
    Some(c)
}

fn data_cost(records: &[Record]) -> Option<Chart> {
    let r = find(records, "processes", "data-cost")?;
    let series = vec![Series {
        name: "pool time / in-process time".into(),
        points: sweep(r, "pool_over_in_place_", "", bytes)
            .into_iter()
            .map(|(b, v)| (b / 1024.0, v))
            .collect(),
    }];
    chart(
        "chart-data",
        "Fixed work per task, growing payload: where the pool stops paying",
        "pool time / in-process time",
        XAxis::Numeric {
            label: "payload per task (KiB, log)".into(),
            log: true,
        },
        series,
        &["processes data-cost"],
        "Above 1 the pool is slower than doing the work in place: the copying costs more than the cores give.",
    )
}

fn pipe_throughput(records: &[Record]) -> Option<Chart> {
    let r = find(records, "subprocess-pipes", "throughput")?;
    let kib = |pts: Vec<(f64, f64)>| pts.into_iter().map(|(b, v)| (b / 1024.0, v)).collect();
    let mut series = vec![
        Series {
            name: "raw bytes".into(),
            points: kib(sweep(r, "raw_mib_s_", "", bytes)),
        },
        Series {
            name: "framed (bincode)".into(),
            points: kib(sweep(r, "framed_mib_s_", "", bytes)),
        },
    ];
    if let Some(py) = find(records, "subprocess-pipes", "foreign-child") {
        series.push(Series {
            name: "CPython multiprocessing.Pipe".into(),
            points: kib(sweep(py, "mp_pipe_mib_s_", "", bytes)),
        });
    }
    chart(
        "chart-pipes",
        "Pipe throughput vs message size: framed messages vs raw bytes",
        "MiB/s",
        XAxis::Numeric {
            label: "message size (KiB, log)".into(),
            log: true,
        },
        series,
        &[
            "subprocess-pipes throughput",
            "subprocess-pipes foreign-child",
        ],
        "For large messages the framing and serialization cost little next to moving the bytes.",
    )
}

fn share_vs_copy(records: &[Record]) -> Option<Chart> {
    let r = find(records, "shared-mmap", "share-vs-copy")?;
    let mib = |pts: Vec<(f64, f64)>| pts.into_iter().map(|(b, v)| (b / 1048576.0, v)).collect();
    let series = ["mmap", "pipe", "read"]
        .iter()
        .map(|m| Series {
            name: format!("{m}: data setup"),
            points: mib(sweep(r, &format!("{m}_data_setup_ms_"), "", bytes)),
        })
        .collect();
    let mut c = chart(
        "chart-mmap",
        "Sharing a dataset with worker processes: mmap vs pipes vs reading the file",
        "ms until every worker holds its data (log)",
        XAxis::Numeric {
            label: "dataset (MiB, log)".into(),
            log: true,
        },
        series,
        &["shared-mmap share-vs-copy"],
        "Mapping is O(1) in the size; copying through a pipe or reading grows with it.",
    )?;
    c.log_y = true;
    Some(c)
}

fn primitive_costs(records: &[Record]) -> Option<Chart> {
    let r = find(records, "threads-sync", "cost")?;
    let m = |k: &str| metric(r, k);
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

fn queue_throughput(records: &[Record]) -> Option<Chart> {
    let r = find(records, "threads-sync", "cost")?;
    let m = |k: &str| metric(r, k).map(|v| v / 1e6);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_to_bytes() {
        assert_eq!(bytes("1KiB"), Some(1024.0));
        assert_eq!(bytes("16MiB"), Some(16.0 * 1048576.0));
        assert_eq!(bytes("64M"), Some(64.0 * 1048576.0));
        assert_eq!(bytes("512"), Some(512.0));
        assert_eq!(bytes("12parsecs"), None);
    }
}
