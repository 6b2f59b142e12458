//! The charts of the report, each built from the records of the experiments
//! that measure it, by the metric names those experiments emit. A chart
//! whose records are missing is left out, never drawn from invented numbers.

use super::async_charts::{slow_connections, waiter_memory};
use super::build::{bytes, sweep};
use super::chart::{Chart, Series, XAxis};
use crate::contract::chart::{bars, chart};
use crate::contract::record::Record;
use crate::contract::record::find;
use crate::contract::series::{ChunksizeCost, ConvoyLatency, PayloadCost, Point};

/// A chart builder: `None` when the records lack its figures.
pub type Builder = fn(&[Record]) -> Option<Chart>;

/// Every chart, by name, in page order. A full run of every demo fills
/// every one (`cargo xtask report --strict` checks it; `cargo xtask ci`
/// runs that on a quick run).
pub const BUILDERS: [(&str, Builder); 12] = [
    ("cpu_speedup", cpu_speedup),
    ("convoy", convoy),
    ("start_cost", start_cost),
    ("worker_memory", worker_memory),
    ("chunksize", chunksize),
    ("data_cost", data_cost),
    ("pipe_throughput", pipe_throughput),
    ("share_vs_copy", share_vs_copy),
    ("primitive_costs", primitive_costs),
    ("queue_throughput", queue_throughput),
    ("waiter_memory", waiter_memory),
    ("slow_connections", slow_connections),
];

/// Every chart the records can fill, in page order.
pub fn charts(records: &[Record]) -> Vec<Chart> {
    BUILDERS.iter().filter_map(|(_, b)| b(records)).collect()
}

const POLICIES: [&str; 4] = ["py2", "py39", "py311", "nogil"];

fn cpu_speedup(records: &[Record]) -> Option<Chart> {
    let gil = find(records, "gil-sim", "cpu-bound");
    let procs = find(records, "processes", "cpu-bound");
    let cmp = find(records, "gil-sim", "compare-cpython");
    let inv = |v: Option<f64>| v.filter(|v| *v > 0.0).map(|v| 1.0 / v);
    let mut rust: Vec<(&str, Option<f64>)> = POLICIES
        .iter()
        .map(|p| (*p, inv(gil.and_then(|r| r.metric(&format!("{p}_ratio"))))))
        .collect();
    rust.push(("threads", procs.and_then(|r| r.metric("thread_speedup"))));
    rust.push(("process pool", procs.and_then(|r| r.metric("pool_speedup"))));
    let cpython = vec![
        (
            "py311",
            inv(cmp.and_then(|r| r.metric("cp311_cpu_ratio_cpython"))),
        ),
        (
            "threads",
            procs.and_then(|r| r.metric("cpython_thread_speedup")),
        ),
        (
            "process pool",
            procs.and_then(|r| r.metric("cpython_pool_speedup")),
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
    let points = find(records, "gil-sim", "convoy")?.series_of::<ConvoyLatency>()?;
    let mut threads: Vec<u32> = points.iter().map(|p| p.cpu_threads).collect();
    threads.sort_unstable();
    threads.dedup();
    let series = threads
        .into_iter()
        .map(|k| {
            let mut line: Vec<(f64, f64)> = points
                .iter()
                .filter(|p| p.cpu_threads == k)
                .map(|p| (p.interval_us / 1000.0, p.latency_s * 1000.0))
                .collect();
            line.sort_by(|a, b| a.0.total_cmp(&b.0));
            Series {
                name: format!("beside {k} CPU thread(s)"),
                points: line,
            }
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
    let m = |k: &str| r.metric(k);
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
    let m = |k: &str| r.metric(k);
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
    let line = |name: &str| -> Vec<(f64, f64)> {
        let mut pts: Vec<(f64, f64)> = r
            .series_named::<ChunksizeCost>(name)
            .unwrap_or_default()
            .into_iter()
            .map(|p| (f64::from(p.chunksize), p.per_task_us))
            .collect();
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        pts
    };
    let series = vec![
        Series {
            name: "Rust pool".into(),
            points: line(ChunksizeCost::NAME),
        },
        Series {
            name: "CPython Pool.map".into(),
            points: line(ChunksizeCost::CPYTHON),
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
    let mut points: Vec<(f64, f64)> = find(records, "processes", "data-cost")?
        .series_of::<PayloadCost>()?
        .into_iter()
        .map(|p| (p.payload_kib, p.pool_over_in_place))
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let series = vec![Series {
        name: "pool time / in-process time".into(),
        points,
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

fn queue_throughput(records: &[Record]) -> Option<Chart> {
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
