//! The interpreter's ways off its fast path, each out of line so the loop
//! over plain instructions stays small: a switch at a check point, a call
//! made with the GIL released (blocking I/O, releasing native work, a
//! contended lock), and an object's reference count. Each records its part
//! of the trace when tracing is on.

use std::time::Instant;

use super::instr::Instr;
use super::lock::VmLock;
use super::objects::Objects;
use super::outcome::ThreadStats;
use crate::gil::{Gil, Held, Shared};
use crate::trace::{MarkKind, State, ThreadTrace};

/// I/O latencies kept per thread.
pub(crate) const MAX_SAMPLES: usize = 100_000;

/// Takes the GIL for the first time, tracing the wait.
pub(super) fn first_take<'a, G: Gil>(
    shared: &'a Shared<G>,
    me: u32,
    trace: &mut ThreadTrace,
) -> Held<'a, G> {
    let t0 = trace.now();
    let held = shared.acquire_noting(me, &mut || trace.mark_now(MarkKind::DropRequest));
    let t1 = trace.now();
    trace.took(t0, t1);
    held
}

#[cold]
#[inline(never)]
pub(super) fn switch<'a, G: Gil>(
    held: Held<'a, G>,
    at: &Instr,
    (func, pc): (usize, usize),
    executed: u64,
    stats: &mut ThreadStats,
    trace: &mut ThreadTrace,
) -> Held<'a, G> {
    stats.first_yield.get_or_insert((at.name(), executed));
    stats.yields += 1;
    *stats.yields_at.entry(at.name()).or_insert(0) += 1;
    let before = held.hand_offs();
    let handed_off = |held: &Held<'a, G>, stats: &mut ThreadStats| {
        let moved = held.hand_offs() != before;
        if moved {
            *stats.hand_offs_at.entry((func, pc)).or_insert(0) += 1;
        }
        moved
    };
    if !trace.is_on() {
        let held = held.yield_now();
        handed_off(&held, stats);
        return held;
    }
    // One clock read before the release; only if another thread took the
    // GIL meanwhile (py2 usually retakes it at once) is there a hand-off to
    // record, and a second read.
    let t0 = trace.now();
    let held = held
        .allow_threads_noting(&mut || trace.mark_now(MarkKind::DropRequest), || ())
        .0;
    if !handed_off(&held, stats) {
        trace.retaken();
    } else {
        let t1 = trace.now();
        trace.mark(MarkKind::ForcedSwitch, t0);
        trace.end_hold(t0);
        trace.took(t0, t1);
    }
    held
}

/// Runs `f` with the GIL released (`state` says why), then takes it back;
/// records the call's latency and, when tracing, its three spans.
#[cold]
#[inline(never)]
pub(super) fn released<'a, G: Gil, R>(
    held: Held<'a, G>,
    state: State,
    stats: &mut ThreadStats,
    trace: &mut ThreadTrace,
    f: impl FnOnce() -> R,
) -> (Held<'a, G>, R) {
    let start = Instant::now();
    let t0 = trace.now();
    trace.mark(MarkKind::Release, t0);
    trace.end_hold(t0);
    let clock = trace.clock();
    let (held, (r, t1)) =
        held.allow_threads_noting(&mut || trace.mark_now(MarkKind::DropRequest), || {
            let r = f();
            (r, clock.map_or(0, |c| c.now_ns()))
        });
    let t2 = trace.now();
    trace.span(state, t0, t1);
    trace.took(t1, t2);
    if state != State::Lock && stats.io_latency.len() < MAX_SAMPLES {
        stats.io_latency.push(start.elapsed());
    }
    (held, r)
}

/// `TOUCH_OBJECT`, out of line: the reference-count code (three ways of
/// counting) stays out of the loop that every other program runs.
#[inline(never)]
pub(super) fn touch(heap: &Heap, i: i64, me: u32) -> Result<(), i64> {
    heap.objects.touch(i, me)
}

/// What a run's threads share besides the GIL and its globals.
#[derive(Debug)]
pub(crate) struct Heap {
    /// The program's `threading.Lock`s.
    pub(crate) locks: Vec<VmLock>,
    /// Its reference-counted objects.
    pub(crate) objects: Objects,
}
