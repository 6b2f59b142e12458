//! Helpers the experiments share: durations as flags, running a countdown
//! and checking it, and small statistics.

use std::time::Duration;

use crate::contract::measure::parse_duration;
use crate::gil::{GilConfig, Policy};
use crate::vm::{Job, Outcome, RunConfig, programs, run};

/// A duration flag (`5ms`) that shows as seconds in the JSON params.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Secs(pub Duration);

impl serde::Serialize for Secs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0.as_secs_f64())
    }
}

/// clap value parser for [`Secs`]: `5ms`, `250us`; zero is refused.
pub fn secs(s: &str) -> Result<Secs, String> {
    let d = parse_duration(s)?;
    if d.is_zero() || d > Duration::from_secs(10) {
        return Err(format!("{s:?}: must be above 0 and at most 10s"));
    }
    Ok(Secs(d))
}

/// The policies to run: the given ones, or all of them.
pub fn policies_or_all(given: &[Policy]) -> Vec<Policy> {
    if given.is_empty() {
        Policy::ALL.to_vec()
    } else {
        given.to_vec()
    }
}

/// A run configuration with CPython's defaults but this interval.
pub fn config(policy: Policy, interval: Duration) -> RunConfig {
    let mut g = GilConfig::new(policy);
    g.switch_interval = interval;
    RunConfig::new(g)
}

/// Instructions a `countdown(n)` executes (checked after every run).
/// (Saturates instead of overflowing: no run can be that long.)
///
/// ```
/// use gil_sim::experiments::common::countdown_instructions;
/// assert_eq!(countdown_instructions(1), 15);
/// assert_eq!(countdown_instructions(u64::MAX), u64::MAX);
/// ```
pub fn countdown_instructions(n: u64) -> u64 {
    n.saturating_mul(8).saturating_add(7)
}

/// Splits `total` iterations of countdown over `threads` threads, runs
/// them, checks every thread ran exactly its share, and returns the seconds.
pub fn countdown_run(cfg: &RunConfig, total: u64, threads: usize) -> anyhow::Result<f64> {
    let p = programs::countdown();
    let f = p.func("countdown").expect("countdown exists");
    anyhow::ensure!(threads > 0, "a countdown needs at least one thread");
    let share = total / threads as u64;
    anyhow::ensure!(
        share <= i64::MAX as u64,
        "a countdown of {share} per thread is too long"
    );
    let jobs = (0..threads).map(|_| Job::new(f, &[share as i64])).collect();
    let out = run(&p, cfg, jobs)?;
    check_countdown(&out, share)?;
    Ok(out.elapsed.as_secs_f64())
}

/// Every thread of `out` counted `share` down to zero.
pub fn check_countdown(out: &Outcome, share: u64) -> anyhow::Result<()> {
    for t in &out.threads {
        anyhow::ensure!(
            t.instructions == countdown_instructions(share),
            "a countdown of {share} executed {} instructions, expected {}",
            t.instructions,
            countdown_instructions(share)
        );
    }
    Ok(())
}

/// The median of some durations, in seconds (0 when empty).
pub fn median_secs(d: &[Duration]) -> f64 {
    let mut v: Vec<f64> = d.iter().map(Duration::as_secs_f64).collect();
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// A measured variant: returns its figure (seconds, usually).
pub type Variant<'a> = Box<dyn FnMut() -> anyhow::Result<f64> + 'a>;

/// [`crate::contract::measure::interleaved`] over boxed variants.
pub fn interleave(
    repeats: usize,
    mut variants: Vec<Variant<'_>>,
) -> anyhow::Result<Vec<crate::contract::Stats>> {
    let mut refs: Vec<&mut dyn FnMut() -> anyhow::Result<f64>> = variants
        .iter_mut()
        .map(|b| b.as_mut() as &mut dyn FnMut() -> anyhow::Result<f64>)
        .collect();
    crate::contract::measure::interleaved(repeats, &mut refs)
}

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
                    s.spawn(move || crate::vm::programs::native_checksum(UNITS / parts as u32))
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

/// `--trace FILE`, shared by every experiment: records the GIL events of
/// each VM run the experiment makes ([`crate::trace::sink`]).
#[derive(Debug, Clone, Default, clap::Args, serde::Serialize)]
pub struct TraceFlag {
    /// Record the GIL events of every VM run to FILE (Chrome Trace JSON:
    /// open it at <https://ui.perfetto.dev>).
    #[arg(long = "trace", value_name = "FILE")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<std::path::PathBuf>,
}

impl TraceFlag {
    /// Runs `measure` with tracing on when `--trace` was given, writes the
    /// file, and says so in the report.
    pub fn around(
        &self,
        measure: impl FnOnce() -> anyhow::Result<crate::contract::Report>,
    ) -> anyhow::Result<crate::contract::Report> {
        let tracing = crate::trace::sink::Tracing::start(self.trace.as_deref());
        let mut report = measure()?;
        if let Some(line) = tracing.finish()? {
            report.say(line);
        }
        Ok(report)
    }
}
