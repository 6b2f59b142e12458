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

/// `parts` copies of `work` at once, each on its own thread and sharing
/// nothing (for the VM: separate runs, each with its own GIL, heap and
/// stacks); returns the wall seconds until the last finished.
///
/// Beside one copy alone it gives the parallelism this machine offers
/// work of `work`'s kind right now, which plain Rust arithmetic does not
/// always witness: on a shared host, a neighbour on the same physical core
/// slows an interpreter's loop (many loads, stores and branches) far more
/// than a chain of xorshifts.
///
/// ```
/// use gil_sim::parallel_baseline::side_by_side;
/// let secs = side_by_side(2, || Ok(0.0)).unwrap();
/// assert!(secs >= 0.0);
/// assert!(side_by_side(2, || anyhow::bail!("no")).is_err());
/// ```
pub fn side_by_side(
    parts: usize,
    work: impl Fn() -> anyhow::Result<f64> + Sync,
) -> anyhow::Result<f64> {
    anyhow::ensure!(parts > 0, "side by side needs at least one copy");
    let (secs, done) = crate::contract::measure::timed(|| {
        std::thread::scope(|s| -> anyhow::Result<()> {
            // A copy that cannot start is an error; those started finish
            // on their own (the work is finite).
            let hs = (0..parts)
                .map(|_| std::thread::Builder::new().spawn_scoped(s, &work))
                .collect::<std::io::Result<Vec<_>>>()
                .map_err(|e| anyhow::anyhow!("starting a copy side by side: {e}"))?;
            for h in hs {
                h.join()
                    .map_err(|_| anyhow::anyhow!("a copy side by side panicked"))??;
            }
            Ok(())
        })
    });
    done.map(|()| secs)
}
