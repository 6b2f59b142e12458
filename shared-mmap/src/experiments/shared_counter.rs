//! Claim: processes that increment a counter in anonymous shared memory
//! (`MAP_SHARED | MAP_ANONYMOUS`, inherited across fork) with an atomic
//! `fetch_add` get the exact total; with a plain load then store, increments
//! are lost.

use std::time::Duration;

use crate::contract::{Ctx, Experiment, Machine, Report, Verdict};
use crate::counter::{Increment, count};
use crate::experiments::args::MAX_WORKERS;

/// Limit on waiting for the counting children.
const TIMEOUT: Duration = Duration::from_secs(60);

/// Flags of `shared-counter`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct SharedCounter {
    /// Forked processes incrementing the counter [default: cores, at least 2].
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..=MAX_WORKERS as i64))]
    pub procs: Option<u32>,
    /// Increments per process [default: 20M; quick: 5M].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    pub iters: Option<u64>,
}

impl Experiment for SharedCounter {
    const NAME: &'static str = "shared-counter";
    const CLAIM: &'static str = "atomics in MAP_SHARED anonymous memory give exact totals across forked processes; plain load/store loses updates";

    fn run(&self, ctx: &Ctx) -> anyhow::Result<Report> {
        let procs = self
            .procs
            .unwrap_or_else(crate::experiments::args::default_workers);
        let iters = self.iters.unwrap_or(ctx.pick(20_000_000, 5_000_000));
        let resolved = SharedCounter {
            procs: Some(procs),
            iters: Some(iters),
        };
        let expected = u64::from(procs) * iters;
        let repeats = ctx.repeats_or(3, 3);
        let (mut atomic, mut plain) = (Vec::new(), Vec::new());
        for _ in 0..repeats {
            atomic.push(count(procs as usize, iters, Increment::Atomic, TIMEOUT)?);
            plain.push(count(procs as usize, iters, Increment::LoadStore, TIMEOUT)?);
        }
        let exact = atomic.iter().all(|&(t, _)| t == expected);
        let lost: Vec<u64> = plain
            .iter()
            .map(|&(t, _)| expected.saturating_sub(t))
            .collect();
        let most_lost = lost.iter().copied().max().unwrap_or(0);
        let cores = Machine::current().cores;
        let ns_per = |v: &[(u64, f64)]| {
            v.iter().map(|r| r.1).fold(f64::INFINITY, f64::min) * 1e9 / expected as f64
        };
        let mut r = Report::new(
            Verdict::from_bool(exact && most_lost > 0),
            format!(
                "atomic totals {} in {repeats}/{repeats} runs; load/store lost up to {most_lost} of {expected} ({:.1}%), {procs} processes on {cores} cores{}",
                if exact { "exact" } else { "WRONG" },
                most_lost as f64 * 100.0 / expected as f64,
                if cores < 2 { " (one core: updates are only lost when a process is preempted mid-increment)" } else { "" }
            ),
        )
        .metric("lost_fraction", most_lost as f64 / expected as f64, "x")
        .metric("atomic_exact", f64::from(u8::from(exact)), "bool")
        .metric("lost_updates_max", most_lost as f64, "count")
        .metric("atomic_ns_per_increment", ns_per(&atomic), "ns")
        .metric("plain_ns_per_increment", ns_per(&plain), "ns")
        .params(&resolved);
        r.say(format!("{procs} forked processes x {iters} increments = {expected} expected, counter in MAP_SHARED|MAP_ANONYMOUS memory"));
        r.say(format!(
            "fetch_add totals:   {:?}",
            atomic.iter().map(|a| a.0).collect::<Vec<_>>()
        ));
        r.say(format!(
            "load+store totals:  {:?}",
            plain.iter().map(|a| a.0).collect::<Vec<_>>()
        ));
        r.say(format!("lost updates:       {lost:?}"));
        Ok(r)
    }
}
