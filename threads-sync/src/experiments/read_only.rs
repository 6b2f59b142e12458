//! Claim: "no need to lock if the thread reads data only": threads that
//! only read a shared table need no lock, and reading it without one is
//! faster than behind a `Lock`. In Rust the compiler is what proves nobody
//! writes: the table is an `Arc<[u64]>`, which hands out only `&` access.

use std::sync::Arc;

use crate::Lock;
use crate::contract::measure::{interleaved, timed};
use crate::contract::scaled::Scaled;
use crate::contract::{Ctx, Experiment, Judgement, Machine, Report, Verdict};
use crate::rates::{human_rate, rate};
use crate::spawn::spawn_each;

/// The default of `--lookups`.
const LOOKUPS: Scaled<u64> = Scaled::new(2_000_000, 200_000);

/// Largest table the flag accepts (cells), checked before allocating.
const MAX_CELLS: u32 = 1 << 26;

/// Flags of `read-only`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct ReadOnly {
    /// Reader threads.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub threads: u32,
    /// Table cells (u64).
    #[arg(long, default_value_t = 1 << 16, value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_CELLS)))]
    pub cells: u32,
    /// Lookups per thread.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1_000_000_000), help = LOOKUPS.help("Lookups per thread"))]
    pub lookups: Option<u64>,
}

/// Every thread sums `lookups` pseudo-random cells; returns the sum of sums.
fn read_all(
    table: &Arc<[u64]>,
    threads: u32,
    lookups: u64,
    lock: Option<&Lock>,
) -> anyhow::Result<u64> {
    std::thread::scope(|s| {
        // A thread that cannot start is an error; the started ones finish
        // their lookups on their own.
        let sums = spawn_each(s, threads as usize, "reader thread", |t| {
            let table = Arc::clone(table); // shared, never copied, never written
            let t = t as u64;
            move || {
                    let n = table.len() as u64;
                    let (mut x, mut sum) = (t * 2 + 1, 0u64);
                    for _ in 0..lookups {
                        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                        let i = ((x >> 33) % n) as usize;
                        sum = sum.wrapping_add(match lock {
                            Some(l) => {
                                let _held = l.lock();
                                table[i]
                            }
                            None => table[i],
                        });
                    }
                    sum
            }
        })
        .join_all()?;
        Ok(sums.into_iter().fold(0, u64::wrapping_add))
    })
}

impl Experiment for ReadOnly {
    const NAME: &'static str = "read-only";
    const CLAIM: &'static str = "threads that only read shared data need no lock: reading an Arc-shared table without one is faster and gives the same result";

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let lookups = *self.lookups.get_or_insert(LOOKUPS.pick(ctx.quick));
        let cores = Machine::current().cores;
        let table: Arc<[u64]> = (0..u64::from(self.cells)).map(|i| i * i % 1009).collect();
        let lock = Lock::new();
        let reference = read_all(&table, self.threads, lookups, None)?;
        let total = f64::from(self.threads) * lookups as f64;
        let measure = |locked: bool| -> anyhow::Result<f64> {
            let (secs, sum) =
                timed(|| read_all(&table, self.threads, lookups, locked.then_some(&lock)));
            let sum = sum?;
            anyhow::ensure!(sum == reference, "sums differ: {sum} != {reference}");
            Ok(rate(total, secs))
        };
        let stats = interleaved(
            ctx.repeats_or(3, 1),
            &mut [&mut || measure(false), &mut || measure(true)],
        )?;
        let (free, locked) = (stats[0].median, stats[1].median);
        let speedup = free / locked.max(1e-9);
        let mut report = Report::new(Verdict::Info, "")
            .metric("lock_free_over_locked", speedup, "x")
            .metric("lock_free_reads_per_s", free, "1/s")
            .metric("locked_reads_per_s", locked, "1/s");
        report.say(format!(
            "{} threads x {lookups} lookups in a table of {} u64 ({cores} cores), same sum both ways",
            self.threads, self.cells
        ));
        report.say(format!(
            "no lock: {}   behind one Lock: {}   ({speedup:.1}x)",
            human_rate(free),
            human_rate(locked)
        ));
        // Faster by a fifth or more holds; no faster at all fails; between,
        // the run cannot decide.
        report.judge(Judgement::at_least(speedup, 1.2, 1.0));
        report.detail = format!(
            "reading without a lock ran {speedup:.1}x the rate of reading behind a Lock (>= 1.2x holds, <= 1x fails), with identical sums ({} threads, {cores} cores)",
            self.threads
        );
        Ok(report)
    }
}
