//! CPython's side of `cost`: `threading.Lock` and `queue.Queue` measured by
//! `python/cost.py` with the same sizes, and Queue's MPMC throughput over
//! CPython's.

use crate::contract::{Ctx, Report};
use crate::cpython::python_or_skip;
use crate::durations::ms;
use crate::rates::human_rate;

/// Runs `python/cost.py` with the same sizes, `(pairs, capacity)` for its
/// queues (fewer items: CPython is slow); returns Queue MPMC / CPython
/// MPMC, or `None` when skipped.
pub(super) fn side_by_side(
    ctx: &Ctx,
    report: &mut Report,
    no_python: bool,
    (pairs, capacity): (u32, u32),
    (queue_mpmc, crossbeam_mpmc): (f64, f64),
    lock_ns: f64,
) -> Option<f64> {
    let py = python_or_skip(no_python, report)?;
    let script = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/python/cost.py"));
    let (lock_iters, items) = (
        ctx.pick(1_000_000u64, 100_000),
        ctx.pick(200_000u64, 20_000),
    );
    let args = [
        lock_iters,
        items,
        u64::from(pairs),
        u64::from(pairs),
        u64::from(capacity),
    ]
    .map(|a| a.to_string());
    let out = match py.run_json(script, &args, ms(ctx.pick(120_000, 30_000))) {
        Ok(out) => out,
        Err(e) => {
            report.say(format!(
                "CPython {}: failed, skipped: {e:#}",
                py.version_string()
            ));
            return None;
        }
    };
    let field = |k: &str| out.first().and_then(|v| v.get(k)).and_then(|v| v.as_f64());
    let (Some(py_lock), Some(py_spsc), Some(py_mpmc)) = (
        field("lock_ns"),
        field("spsc_items_per_s"),
        field("mpmc_items_per_s"),
    ) else {
        report.say("CPython: unexpected output; skipped");
        return None;
    };
    let ratio = queue_mpmc / py_mpmc.max(1e-9);
    report.say(format!(
            "CPython {}: threading.Lock acquire+release {py_lock:.1} ns ({:.0}x Lock); queue.Queue SPSC {}, MPMC {} (Queue is {ratio:.0}x)",
            py.version_string(),
            py_lock / lock_ns.max(1e-9),
            human_rate(py_spsc),
            human_rate(py_mpmc)
        ));
    report.push_metric("cpython_lock_ns", py_lock, "ns");
    report.push_metric("cpython_mpmc_items_per_s", py_mpmc, "1/s");
    report.push_metric("queue_mpmc_over_cpython", ratio, "x");
    // For scale: the same figure for crossbeam.
    report.push_metric(
        "crossbeam_mpmc_over_cpython",
        crossbeam_mpmc / py_mpmc.max(1e-9),
        "x",
    );
    Some(ratio)
}
