//! What parallelism this machine gives right now: plain Rust threads (no
//! VM, no GIL) against one thread doing the same CPU work. Scaling verdicts
//! are judged against it.

use crate::contract::Report;
use crate::interleave::{Variant, interleave};

/// What parallelism this machine gives right now: the speedup of `threads`
/// plain Rust threads (no VM, no GIL) over one thread doing the same CPU
/// work, interleaved. On a shared, loaded machine it can be far below the
/// core count; scaling verdicts are judged against it.
pub fn parallel_baseline(threads: usize, repeats: usize) -> anyhow::Result<f64> {
    let stats = interleave(
        repeats,
        vec![
            Box::new(move || baseline_work(1)) as Variant<'_>,
            Box::new(move || baseline_work(threads)),
        ],
    )?;
    Ok(stats[0].median / stats[1].median)
}

/// The figures a scaling claim was judged against, added to its report:
/// plain threads' speedup measured beside it (`baseline_speedup`) and the
/// machine's cores.
pub fn with_baseline(report: Report, baseline: f64, cores: usize) -> Report {
    report
        .metric("baseline_speedup", baseline, "x")
        .metric("cores", cores as f64, "cores")
}

/// One run of [`parallel_baseline`]'s work: about 20 ms of plain Rust CPU
/// work split over `parts` threads; returns the seconds. (For experiments
/// that interleave the baseline with their own variants.)
pub fn baseline_work(parts: usize) -> anyhow::Result<f64> {
    const UNITS: u32 = 20_000_000;
    anyhow::ensure!(parts > 0, "the baseline needs at least one thread");
    let (secs, sums) = crate::contract::measure::timed(|| {
        std::thread::scope(|s| {
            let hs: Vec<_> = (0..parts)
                .map(|_| {
                    s.spawn(move || {
                        crate::vm::builtin_programs::native_checksum(UNITS / parts as u32)
                    })
                })
                .collect();
            hs.into_iter()
                .map(|h| h.join().is_ok() as usize)
                .sum::<usize>()
        })
    });
    anyhow::ensure!(sums == parts, "a baseline thread panicked");
    Ok(secs)
}

/// Runs for [`parallel_baseline`]: at least five, so that one descheduled
/// run of a busy machine does not turn a judged run into an unjudged one.
pub fn baseline_runs(ctx: &crate::contract::Ctx) -> usize {
    ctx.repeats_or(5, 5).max(5)
}
