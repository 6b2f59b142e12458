//! The trace as a second witness: what it records must agree with the GIL
//! (one holder at a time, or several without one), its JSON must be what
//! Perfetto reads, and its picture must show what the trace holds.

use std::time::Duration;

use gil_sim::gil::{GilConfig, Policy};
use gil_sim::trace::{MarkKind, State, Trace, chrome, svg};
use gil_sim::vm::{Job, RunConfig, builtin_programs, run};

/// A short switch interval, so that a short (debug-build) run switches often.
const INTERVAL: Duration = Duration::from_micros(200);

fn cfg(policy: Policy, interval: Duration, capacity: usize) -> RunConfig {
    let mut g = GilConfig::new(policy);
    g.switch_interval = interval;
    let mut cfg = RunConfig::new(g);
    cfg.trace = Some(capacity);
    cfg
}

fn countdown(policy: Policy, threads: usize, n: i64) -> Trace {
    let p = builtin_programs::countdown();
    let f = p.func("countdown").unwrap();
    let jobs = (0..threads).map(|_| Job::new(f, &[n])).collect();
    let out = run(&p, &cfg(policy, INTERVAL, 1_000_000), jobs).expect("the run succeeds");
    out.trace.expect("tracing was asked for")
}

/// The I/O thread (the last track) of a convoy beside one spinning thread.
fn convoy(interval: Duration, calls: i64) -> Trace {
    let p = builtin_programs::convoy(Duration::from_millis(2));
    let (io, spin) = (p.func("io").unwrap(), p.func("spin").unwrap());
    let jobs = vec![Job::new(spin, &[]), Job::new(io, &[calls])];
    let out = run(&p, &cfg(Policy::Py311, interval, 10_000), jobs).expect("the run succeeds");
    out.trace.expect("tracing was asked for")
}

/// `run(n)`, with `n` growing (at most 4^4 times) until `enough` holds of
/// its trace: sizes suit a debug build, and an optimised one may finish a
/// thread's work before the GIL changes hands.
fn long_enough(n: i64, run: impl Fn(i64) -> Trace, enough: impl Fn(&Trace) -> bool) -> Trace {
    let mut n = n;
    loop {
        let t = run(n);
        if enough(&t) || n >= 256 * 100_000 {
            return t;
        }
        n *= 4;
    }
}

#[test]
fn under_every_gil_the_trace_shows_one_holder_at_a_time() {
    for policy in [Policy::Py2, Policy::Py39, Policy::Py311] {
        let t = long_enough(
            100_000,
            |n| countdown(policy, 3, n),
            |t| (0..3).all(|i| t.spans_of(i, State::Holding).count() > 1),
        );
        assert_eq!(t.dropped(), 0, "{policy:?}");
        assert_eq!(t.overlaps_within_threads(), 0, "{policy:?}");
        assert_eq!(t.most_holding_at_once(), 1, "{policy:?}: {}", t.label);
        for i in 0..3 {
            // Every thread held the GIL, and more than once: the GIL changed hands.
            assert!(t.spans_of(i, State::Holding).count() > 1, "{policy:?} T{i}");
        }
    }
}

#[test]
fn without_a_gil_the_trace_shows_threads_holding_at_once() {
    let t = long_enough(
        300_000,
        |n| countdown(Policy::Nogil, 2, n),
        |t| t.most_holding_at_once() == 2,
    );
    assert_eq!(t.overlaps_within_threads(), 0);
    assert_eq!(t.most_holding_at_once(), 2);
}

#[test]
fn each_convoy_wait_lasts_about_one_switch_interval() {
    for interval in [Duration::from_millis(2), Duration::from_micros(500)] {
        let t = convoy(interval, 6);
        let io = t.threads.len() - 1;
        // The waits after each blocking call, not the first take.
        let waits: Vec<f64> = t
            .spans_of(io, State::Waiting)
            .skip(1)
            .map(|s| (s.end_ns - s.begin_ns) as f64 / 1e9)
            .collect();
        assert_eq!(waits.len(), 6, "one wait per call");
        // Most waits last an interval; on a machine too busy to wake the
        // spinner while the call blocks, some find the GIL free.
        let iv = interval.as_secs_f64();
        let long = waits.iter().filter(|&&w| w >= 0.5 * iv).count();
        assert!(long >= 2, "waits {waits:?} at a {iv} s interval");
        // The waiting I/O thread is the one that asks for the GIL (not at
        // every call: a wake-up that is not a time-out, or a spinner
        // descheduled on a busy machine, can hand it over unasked).
        let requests = t.threads[io]
            .record
            .marks
            .iter()
            .filter(|m| m.kind == MarkKind::DropRequest)
            .count();
        assert!(requests >= 3, "{requests} drop requests for 6 calls");
        assert!(t.spans_of(io, State::Io).count() == 6);
    }
}

#[test]
fn a_full_buffer_drops_and_counts_instead_of_growing() {
    // Each blocking call records three spans: 8 calls overflow room for 4.
    let p = builtin_programs::io_sleep(Duration::from_micros(100));
    let w = p.func("worker").unwrap();
    let out = run(
        &p,
        &cfg(Policy::Py311, INTERVAL, 4),
        vec![Job::new(w, &[8])],
    )
    .unwrap();
    let t = out.trace.unwrap();
    assert!(t.dropped() > 0);
    assert!(t.threads.iter().all(|th| th.record.spans.len() <= 4));
}

#[test]
fn untraced_runs_record_nothing() {
    let p = builtin_programs::countdown();
    let f = p.func("countdown").unwrap();
    let mut c = cfg(Policy::Py311, INTERVAL, 1);
    c.trace = None;
    let out = run(&p, &c, vec![Job::new(f, &[1000])]).unwrap();
    assert!(out.trace.is_none());
}

#[test]
fn the_json_has_what_perfetto_needs() {
    let t = convoy(Duration::from_millis(1), 3);
    let mut buf = Vec::new();
    chrome::to_writer(&mut buf, std::slice::from_ref(&t)).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&buf).expect("valid JSON");
    let events = v["traceEvents"].as_array().expect("traceEvents");
    let mut tids_with_x = std::collections::BTreeSet::new();
    let mut named = std::collections::BTreeSet::new();
    let (mut counters, mut instants) = (0, 0);
    for e in events {
        let ph = e["ph"].as_str().expect("every event has ph");
        assert!(e["pid"].is_u64() && e["tid"].is_u64() && e["name"].is_string());
        match ph {
            "X" => {
                assert!(e["ts"].is_f64() || e["ts"].is_u64());
                assert!(e["dur"].as_f64().expect("dur") >= 0.0);
                tids_with_x.insert(e["tid"].as_u64().unwrap());
            }
            "M" if e["name"] == "thread_name" => {
                named.insert(e["tid"].as_u64().unwrap());
                assert!(e["args"]["name"].is_string());
            }
            "i" => {
                assert_eq!(e["s"], "t");
                instants += 1;
            }
            "C" => {
                assert!(e["args"]["waiting"].is_u64());
                counters += 1;
            }
            _ => {}
        }
    }
    assert!(tids_with_x.len() >= 2, "X events on {tids_with_x:?}");
    assert_eq!(tids_with_x, named, "every track is named");
    assert!(counters > 0 && instants > 0);
    assert_eq!(v["displayTimeUnit"], "ms");
}

/// A drawn rect: its state class, x and width.
type Rect = (String, f64, f64);

/// The lanes of a timeline: thread name and its rects.
fn lanes(svg: &str) -> Vec<(String, Vec<Rect>)> {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    doc.descendants()
        .filter(|n| n.attribute("class") == Some("lane"))
        .map(|lane| {
            let rects = lane
                .children()
                .filter(|n| n.has_tag_name("rect"))
                .filter(|n| n.attribute("class") != Some("background"))
                .map(|n| {
                    let f = |a| n.attribute(a).unwrap().parse::<f64>().unwrap();
                    (
                        n.attribute("class").unwrap().to_string(),
                        f("x"),
                        f("width"),
                    )
                })
                .collect();
            (lane.attribute("data-thread").unwrap().to_string(), rects)
        })
        .collect()
}

#[test]
fn the_timeline_shows_the_convoy_waits_at_their_length() {
    let interval = Duration::from_millis(2);
    let t = convoy(interval, 6);
    let svg = svg::timeline(&t, "convoy");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let root = doc.root_element();
    let span_ms: f64 = root.attribute("data-span-ms").unwrap().parse().unwrap();
    let plot_w: f64 = root.attribute("data-plot-width").unwrap().parse().unwrap();
    let px_per_ms = plot_w / span_ms;
    let lanes = lanes(&svg);
    assert_eq!(lanes.len(), 2);
    assert_eq!(lanes[0].0, "T1 spin");
    // The spinning thread is drawn holding the GIL for most of the run.
    let holding: f64 = lanes[0]
        .1
        .iter()
        .filter(|r| r.0 == "holding")
        .map(|r| r.2)
        .sum();
    assert!(holding > 0.5 * plot_w, "{holding} of {plot_w} px");
    // The I/O thread's waits are drawn about one interval wide each.
    // The I/O thread's longest wait is drawn at its length (to a pixel or two).
    let drawn = lanes[1]
        .1
        .iter()
        .filter(|r| r.0 == "waiting")
        .map(|r| r.2)
        .fold(0.0, f64::max);
    let longest = t
        .spans_of(1, State::Waiting)
        .map(|s| (s.end_ns - s.begin_ns) as f64 / 1e6)
        .fold(0.0, f64::max);
    assert!(
        longest >= 0.5 * interval.as_secs_f64() * 1e3,
        "{longest} ms"
    );
    assert!(
        (drawn - longest * px_per_ms).abs() <= 2.5,
        "drawn {drawn} px for a wait of {longest} ms at {px_per_ms} px/ms"
    );
    // A legend entry per state, and a time axis.
    for word in ["holding the GIL", "waiting for the GIL", "blocked in I/O"] {
        assert!(svg.contains(word), "{word}");
    }
    assert!(
        doc.descendants()
            .any(|n| n.attribute("class") == Some("axis"))
    );
}

#[test]
fn nogil_timelines_show_both_lanes_holding() {
    let t = countdown(Policy::Nogil, 2, 200_000);
    let svg = svg::timeline(&t, "nogil");
    for (name, rects) in lanes(&svg) {
        assert!(rects.iter().any(|r| r.0 == "holding"), "{name}");
        assert!(
            !rects.iter().any(|r| r.0 == "waiting" && r.2 > 2.0),
            "{name}"
        );
    }
}
