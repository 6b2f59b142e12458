//! Claim: the pool pays only when data is small next to the work ("not
//! much data to pass back and forth"): with fixed work per task and a
//! growing payload (sent and returned), there is a size past which the
//! pool is slower than doing the work in place.

use crate::contract::measure::{interleaved, timed};
use crate::contract::part::Part;
use crate::contract::scaled::Scaled;
use crate::contract::series::PayloadCost;
use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::demo_jobs::{Payload, PayloadTask};
use crate::job::Job;
use crate::pool::ProcessPool;
use subprocess_pipes::blob::Blob;

/// The default of `--max-kib`.
const MAX_KIB: Scaled<u64> = Scaled::new(4096, 1024);

/// Flags of `data-cost`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct DataCost {
    /// Tasks per run (as many under `--quick`).
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub tasks: u64,
    /// Work per task, rounds of xorshift [default: 1000000, about 1 ms].
    #[arg(long, value_parser = clap::value_parser!(u64).range(0..=1_000_000_000))]
    pub rounds: Option<u64>,
    /// Largest payload, KiB; sizes go up by x4 from 1 KiB.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=60_000), help = MAX_KIB.help("Largest payload, KiB; sizes go up by x4 from 1 KiB"))]
    pub max_kib: Option<u64>,
}

/// The pool "pays" at the smallest size when it takes at most this times the
/// time in place, and clearly does not at [`NO_GAIN_AT`] or more.
const PAYS_BELOW: f64 = 0.85;
/// At or above this at the smallest size, the pool gave no gain at all.
const NO_GAIN_AT: f64 = 1.0;
/// The pool has clearly stopped paying at the largest size when it takes at
/// least this times the time in place, and clearly still pays at
/// [`STILL_PAYS_AT`] or less.
const STOPPED_AT: f64 = 1.1;
/// At or below this at the largest size, the pool still pays.
const STILL_PAYS_AT: f64 = 0.9;

/// The tasks done in place by two threads, half each, results in order.
fn in_two_threads(tasks: &[PayloadTask]) -> anyhow::Result<Vec<(u64, Blob)>> {
    let (a, b) = tasks.split_at(tasks.len() / 2);
    let run = |part: &[PayloadTask]| {
        part.iter()
            .cloned()
            .map(|t| std::hint::black_box(Payload::run(t)))
            .collect::<Result<Vec<_>, String>>()
    };
    std::thread::scope(|s| {
        let second = std::thread::Builder::new()
            .spawn_scoped(s, || run(b))
            .map_err(|e| anyhow::anyhow!("starting a thread: {e}"))?;
        let mut out = run(a).map_err(anyhow::Error::msg)?;
        let rest = second
            .join()
            .map_err(|_| anyhow::anyhow!("a thread panicked"))?
            .map_err(anyhow::Error::msg)?;
        out.extend(rest);
        Ok(out)
    })
}

impl Experiment for DataCost {
    const NAME: &'static str = "data-cost";
    const CLAIM: &'static str = "with fixed work per task, a growing payload makes the pool stop paying: past some size it is slower than working in place";

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let n = self.tasks as usize;
        let rounds = *self.rounds.get_or_insert(1_000_000);
        let max_kib = *self.max_kib.get_or_insert(MAX_KIB.pick(ctx.quick));
        let mut pool = ProcessPool::<Payload>::builder().workers(2).build()?;
        let mut report = Report::new(Verdict::Info, "");
        report.say(format!("{n} tasks of {rounds} rounds each, payload sent and returned; 2 workers vs in place (one thread)"));
        report.say("payload KiB   in place      pool     pool/in-place   (and, at 1 KiB, 2 threads in place: the machine's bar)".to_string());
        let mut kib = 1u64;
        let mut crossover = None;
        let mut last_ratio = 0.0;
        let mut first_ratio = None;
        let mut capacity = None;
        let mut curve = Vec::new();
        while kib <= max_kib {
            let tasks: Vec<PayloadTask> = (0..n)
                .map(|i| PayloadTask {
                    rounds,
                    data: Blob(vec![i as u8; (kib << 10) as usize]),
                })
                .collect();
            let want: Vec<(u64, Blob)> = tasks
                .iter()
                .cloned()
                .map(|t| Payload::run(t).expect("infallible"))
                .collect();
            let got: Vec<(u64, Blob)> = pool
                .map(tasks.clone())?
                .into_iter()
                .collect::<Result<_, _>>()?;
            anyhow::ensure!(got == want, "pool results differ at {kib} KiB");
            // Two plain threads in place, at the smallest size only (the one
            // judged against it): what this machine's parallelism gives right
            // now, the bar for the pool.
            let mut threaded = || {
                let (t, out) = timed(|| in_two_threads(&tasks));
                anyhow::ensure!(out? == want, "threaded results differ at {kib} KiB");
                Ok(t)
            };
            let first_size = capacity.is_none();
            // In place: the same clone of the input the pool gets,
            // and every result kept and checked, so nothing can be
            // optimised away.
            let mut in_place = || {
                let (t, out) = timed(|| {
                    tasks
                        .iter()
                        .cloned()
                        .map(|t| std::hint::black_box(Payload::run(t)))
                        .collect::<Result<Vec<_>, String>>()
                });
                let out = out.map_err(anyhow::Error::msg)?;
                anyhow::ensure!(out == want, "in-place results differ at {kib} KiB");
                Ok::<_, anyhow::Error>(t)
            };
            let mut pooled = || {
                let (t, r) = timed(|| pool.map(tasks.clone()));
                let out: Vec<(u64, Blob)> = r?.into_iter().collect::<Result<_, _>>()?;
                anyhow::ensure!(out == want, "pool results differ at {kib} KiB");
                Ok(t)
            };
            let mut variants: Vec<&mut dyn FnMut() -> anyhow::Result<f64>> =
                vec![&mut in_place, &mut pooled];
            if first_size {
                variants.push(&mut threaded);
            }
            let stats = interleaved(ctx.repeats_or(3, 3), &mut variants)?;
            let ratio = stats[1].median / stats[0].median;
            if first_size {
                capacity = Some(stats[0].median / stats[2].median);
            }
            report.say(format!(
                "{kib:>11}   {:>8.2} ms  {:>8.2} ms  {ratio:>6.2}",
                stats[0].median * 1e3,
                stats[1].median * 1e3
            ));
            first_ratio.get_or_insert(ratio);
            if ratio >= 1.0 && crossover.is_none() {
                crossover = Some(kib);
            }
            last_ratio = ratio;
            curve.push((kib, ratio));
            kib *= 4;
        }
        report.push_metric("crossover_kib", crossover.map_or(0.0, |k| k as f64), "KiB");
        report.push_metric("two_threads_speedup_smallest", capacity.unwrap_or(0.0), "x");
        report.push_metric("pool_over_in_place_at_max", last_ratio, "ratio");
        let first = first_ratio.unwrap_or(f64::NAN);
        report.push_metric("pool_over_in_place_at_min", first, "ratio");
        let curve: Vec<PayloadCost> = curve
            .into_iter()
            .map(|(kib, pool_over_in_place)| PayloadCost {
                payload_kib: kib as f64,
                pool_over_in_place,
            })
            .collect();
        report.push_series(&curve);
        // "Pays" means a clear gain, and "stops paying" a clear loss, not a
        // tie within the noise; a figure in either band cannot decide.
        // Paying at the smallest size is a scaling claim: judged against
        // what two plain threads gained at the same moment (on a machine
        // with no parallelism right now, nothing can pay: undecided).
        let capacity = capacity.unwrap_or(f64::NAN);
        let small = Part::at_most("pool_over_in_place_at_min", first, PAYS_BELOW, NO_GAIN_AT)
            .judged_if(capacity >= crate::contract::judge::MIN_BASELINE);
        let large = Part::at_least(
            "pool_over_in_place_at_max",
            last_ratio,
            STOPPED_AT,
            STILL_PAYS_AT,
        );
        let parts = [small, large];
        report.judge_parts(&parts);
        report.detail = format!(
            "at 1 KiB the pool takes {first:.2}x the time in place (pays <= {PAYS_BELOW}, no gain \
             >= {NO_GAIN_AT}, judged when two threads get >= 1.3x, here {capacity:.2}x: {}); at {max_kib} KiB {last_ratio:.2}x (stopped paying >= \
             {STOPPED_AT}, still pays <= {STILL_PAYS_AT}: {}); first size at >= 1x: {}; {rounds} \
             rounds of work a task, payload sent and returned",
            parts[0].as_str(),
            parts[1].as_str(),
            crossover.map_or("none".into(), |k| format!("{k} KiB")),
        );
        Ok(report)
    }
}
