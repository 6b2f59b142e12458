//! Claim: processes that increment a counter in anonymous shared memory
//! (`MAP_SHARED | MAP_ANONYMOUS`, inherited across fork) with an atomic
//! `fetch_add` get the exact total; with a plain load then store, increments
//! are lost.

use std::time::Duration;

use crate::contract::scaled::Scaled;
use crate::contract::{Ctx, Experiment, Machine, Report, Verdict};
use crate::counter::{Counted, Increment, count};
use crate::flags::{MAX_WORKERS, Secs, default_workers, window};

/// Limit on waiting for the counting children.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The default of `--window`.
const WINDOW: Scaled<Duration> = Scaled::new(Duration::from_millis(100), Duration::from_millis(30));

/// Flags of `shared-counter`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct SharedCounter {
    /// Forked processes incrementing the counter [default: cores, at least 2].
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..=MAX_WORKERS as i64))]
    pub procs: Option<u32>,
    /// How long each process counts, e.g. 100ms.
    #[arg(long, value_parser = window, help = WINDOW.help("How long each process counts, e.g. 100ms"))]
    pub window: Option<Secs>,
}

impl Experiment for SharedCounter {
    const NAME: &'static str = "shared-counter";
    const CLAIM: &'static str = "atomics in MAP_SHARED anonymous memory give exact totals across forked processes; plain load/store loses updates";

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let procs = self.procs.unwrap_or_else(default_workers);
        let window = *self.window.get_or_insert(Secs(WINDOW.pick(ctx.quick)));
        self.procs = Some(procs);
        let repeats = ctx.repeats_or(3, 3);
        let (mut atomic, mut plain) = (Vec::new(), Vec::new());
        for _ in 0..repeats {
            atomic.push(count(procs as usize, window.0, Increment::Atomic, TIMEOUT)?);
            plain.push(count(
                procs as usize,
                window.0,
                Increment::LoadStore,
                TIMEOUT,
            )?);
        }
        let exact = atomic.iter().all(|a| a.total == a.expected);
        let lost: Vec<u64> = plain.iter().map(Counted::lost).collect();
        let (most_lost, of) = plain
            .iter()
            .map(|p| (p.lost(), p.expected.max(1)))
            .max()
            .unwrap_or((0, 1));
        let overlap = plain.iter().map(|p| p.overlap).fold(0.0, f64::max);
        let parallelism = plain.iter().map(|p| p.parallelism).fold(0.0, f64::max);
        let cores = Machine::current().cores;
        // Wall time per increment of one process, from the busiest run.
        let ns_per = |v: &[Counted]| {
            let most = v.iter().map(|r| r.expected).max().unwrap_or(1).max(1);
            window.0.as_secs_f64() * 1e9 * f64::from(procs) / most as f64
        };
        let summary = format!(
            "atomic totals {} in {repeats}/{repeats} runs; load/store lost up to {most_lost} of {of} ({:.1}%), {procs} processes on {cores} cores",
            if exact { "exact" } else { "WRONG" },
            most_lost as f64 * 100.0 / of as f64,
        );
        let verdict = judge(exact, most_lost, overlap, parallelism, cores);
        let detail = match (verdict, most_lost > 0, overlap > 0.0) {
            (Verdict::Info, _, false) => format!(
                "{summary}; the load/store processes never counted at the same time (busy machine), so no update could be lost: raise --window or run again"
            ),
            (Verdict::Info, _, true) => format!(
                "{summary}; their windows overlapped for up to {:.1} ms, but they ran on {parallelism:.2} CPUs at once at best (target for judging >= {PARALLEL}): they took turns on one core, where a loss needs a switch between one load and its store; nothing to judge",
                overlap * 1e3
            ),
            (Verdict::DoesNotHold, false, true) if exact => format!(
                "{summary}, although they counted on {parallelism:.2} CPUs at once for up to {:.1} ms",
                overlap * 1e3
            ),
            _ => summary,
        };
        let mut r = Report::new(verdict, detail)
            .metric("lost_fraction", most_lost as f64 / of as f64, "fraction")
            .metric("atomic_exact", f64::from(u8::from(exact)), "bool")
            .metric("lost_updates_max", most_lost as f64, "count")
            .metric("atomic_ns_per_increment", ns_per(&atomic), "ns")
            .metric("plain_ns_per_increment", ns_per(&plain), "ns")
            .metric("plain_overlap_ms_max", overlap * 1e3, "ms")
            .metric("plain_parallelism_max", parallelism, "cpus");
        r.say(format!(
            "{procs} forked processes count for {:?} each into one counter in MAP_SHARED|MAP_ANONYMOUS memory, and privately; expected = sum of the private counts",
            window.0
        ));
        // Each run's (total, expected).
        let pairs =
            |v: &[Counted]| -> Vec<(u64, u64)> { v.iter().map(|a| (a.total, a.expected)).collect() };
        r.say(format!("fetch_add total/expected:   {:?}", pairs(&atomic)));
        r.say(format!("load+store total/expected:  {:?}", pairs(&plain)));
        r.say(format!("load+store lost updates:    {lost:?}"));
        // One figure of each load/store run, rounded to `places` decimals.
        let each = |figure: fn(&Counted) -> f64, places: i32| -> Vec<f64> {
            let k = 10f64.powi(places);
            plain.iter().map(|p| (figure(p) * k).round() / k).collect()
        };
        let overlaps = each(|p| p.overlap * 1e3, 1);
        r.say(format!("load+store counting windows overlapping (ms, wall clock): {overlaps:?}"));
        let cpus = each(|p| p.parallelism, 2);
        r.say(format!("load+store CPUs in use at once (CPU time / wall span): {cpus:?}"));
        Ok(r)
    }
}

/// The load/store processes "ran at once" when their CPU time over their
/// wall-clock span shows at least this many CPUs in use together.
const PARALLEL: f64 = 1.5;

/// The verdict: atomics must be exact; load/store must lose updates where
/// it had the chance. It has no chance when the processes never counted at
/// the same time, nor when they only took turns on one core (one core in
/// the machine, or one left free by a busy machine: `parallelism` below
/// [`PARALLEL`]), because a time slice ends between a load and its store
/// far too rarely to count on. Then a lossless load/store run proves
/// nothing (`Info`).
fn judge(exact: bool, most_lost: u64, overlap: f64, parallelism: f64, cores: usize) -> Verdict {
    if !exact {
        Verdict::DoesNotHold
    } else if most_lost > 0 {
        Verdict::Holds
    } else if overlap > 0.0 && cores >= 2 && parallelism >= PARALLEL {
        Verdict::DoesNotHold
    } else {
        Verdict::Info
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_loss_on_one_core_is_not_a_failure() {
        assert_eq!(judge(true, 0, 0.05, 1.0, 1), Verdict::Info);
        assert_eq!(judge(true, 0, 0.05, 1.9, 4), Verdict::DoesNotHold);
        assert_eq!(judge(true, 0, 0.0, 1.9, 4), Verdict::Info);
        assert_eq!(judge(true, 7, 0.05, 1.0, 1), Verdict::Holds);
        assert_eq!(judge(false, 7, 0.05, 1.9, 4), Verdict::DoesNotHold);
    }

    #[test]
    fn no_loss_while_taking_turns_on_a_busy_machine_is_not_a_failure() {
        // Two cores, overlapping windows, but only one CPU's worth of time.
        assert_eq!(judge(true, 0, 0.1, 1.02, 2), Verdict::Info);
    }
}
