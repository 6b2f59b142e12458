//! The Chrome Trace Event format, which Perfetto (<https://ui.perfetto.dev>)
//! and `chrome://tracing` open unchanged.
//!
//! Per run one process (`pid`), named by the run's label; per VM thread one
//! track (`tid` = the thread's number, named `T1 countdown`); per span a
//! complete event (`"ph": "X"`, `ts` and `dur` in microseconds); per mark an
//! instant event (`"ph": "i"`, thread scope); and a counter (`"ph": "C"`)
//! of the threads waiting for the GIL.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;

use super::{State, Trace};

/// One event, as the format spells it.
#[derive(Debug, Serialize)]
struct Event<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    cat: &'a str,
    ph: &'a str,
    /// Microseconds.
    ts: f64,
    /// Microseconds, for `X` events.
    #[serde(skip_serializing_if = "Option::is_none")]
    dur: Option<f64>,
    pid: usize,
    tid: usize,
    /// The scope of an instant event (`t`: its thread).
    #[serde(skip_serializing_if = "Option::is_none")]
    s: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    args: Option<serde_json::Value>,
}

fn us(ns: u64) -> f64 {
    ns as f64 / 1e3
}

fn meta<'a>(name: &'a str, pid: usize, tid: usize, value: &str) -> Event<'a> {
    Event {
        name,
        cat: "",
        ph: "M",
        ts: 0.0,
        dur: None,
        pid,
        tid,
        s: None,
        args: Some(serde_json::json!({ "name": value })),
    }
}

/// Writes `runs` as one trace file: each run a process, each thread a track.
///
/// ```
/// use gil_sim::trace::{chrome, Trace};
/// let mut out = Vec::new();
/// chrome::to_writer(&mut out, &[] as &[Trace])?;
/// let v: serde_json::Value = serde_json::from_slice(&out)?;
/// assert!(v["traceEvents"].as_array().unwrap().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_writer(mut w: impl Write, runs: &[Trace]) -> anyhow::Result<()> {
    let dropped: u64 = runs.iter().map(Trace::dropped).sum();
    w.write_all(b"{\"traceEvents\":[")?;
    let mut first = true;
    let mut emit = |w: &mut dyn Write, e: &Event<'_>| -> anyhow::Result<()> {
        if !first {
            w.write_all(b",\n")?;
        }
        first = false;
        serde_json::to_writer(&mut *w, e)?;
        Ok(())
    };
    for (r, run) in runs.iter().enumerate() {
        let pid = r + 1;
        emit(&mut w, &meta("process_name", pid, 0, &run.label))?;
        for (i, track) in run.threads.iter().enumerate() {
            let tid = i + 1;
            emit(&mut w, &meta("thread_name", pid, tid, &track.name))?;
            for s in &track.record.spans {
                emit(
                    &mut w,
                    &Event {
                        name: s.state.name(),
                        cat: "gil",
                        ph: "X",
                        ts: us(s.begin_ns),
                        dur: Some(us(s.end_ns - s.begin_ns)),
                        pid,
                        tid,
                        s: None,
                        args: None,
                    },
                )?;
            }
            for m in &track.record.marks {
                emit(
                    &mut w,
                    &Event {
                        name: m.kind.name(),
                        cat: "gil",
                        ph: "i",
                        ts: us(m.at_ns),
                        dur: None,
                        pid,
                        tid,
                        s: Some("t"),
                        args: None,
                    },
                )?;
            }
        }
        for (t, n) in run.count_steps(State::Waiting) {
            emit(
                &mut w,
                &Event {
                    name: "waiting threads",
                    cat: "gil",
                    ph: "C",
                    ts: us(t),
                    dur: None,
                    pid,
                    tid: 0,
                    s: None,
                    args: Some(serde_json::json!({ "waiting": n })),
                },
            )?;
        }
    }
    let other = serde_json::json!({
        "generator": "gil-sim",
        "runs": runs.iter().map(|r| r.label.as_str()).collect::<Vec<_>>(),
        "dropped_events": dropped,
    });
    write!(
        w,
        "],\n\"displayTimeUnit\":\"ms\",\n\"otherData\":{other}}}\n"
    )?;
    Ok(())
}

/// Writes `runs` to the file at `path` (see [`to_writer`]).
pub fn write(path: &Path, runs: &[Trace]) -> anyhow::Result<()> {
    let file = std::fs::File::create(path)
        .with_context(|| format!("creating the trace file {}", path.display()))?;
    let mut w = std::io::BufWriter::new(file);
    to_writer(&mut w, runs).with_context(|| format!("writing {}", path.display()))?;
    w.flush()
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
