//! Claim: the new GIL's convoy effect: an I/O thread whose blocking calls
//! return quickly must wait for the switch interval to get the GIL back
//! from a CPU-bound thread, so each call costs about one interval (more
//! with more CPU threads); a shorter interval makes I/O responsive again at
//! some cost in CPU throughput.

use std::time::Duration;

use crate::contract::scaled::Scaled;
use crate::contract::series::ConvoyLatency;
use crate::contract::{Ctx, Experiment, Judgement, Report, Verdict, measure::human_time};
use crate::flags::{Secs, secs};
use crate::gil::Policy;
use crate::workloads::{config, convoy_run};

/// The default of `--calls`.
const CALLS: Scaled<u64> = Scaled::new(40, 12);

/// The default of `--cpu-threads`.
const CPU_THREADS: Scaled<u64> = Scaled::new(2, 1);

/// The default of `--switch-interval`: CPython's 5 ms first (the key
/// figures are taken there), then a longer and two shorter ones, so the
/// chart draws the wait against the interval as a line, not two dots.
const INTERVALS: Scaled<&[Duration]> = Scaled::new(
    &[
        Duration::from_millis(5),
        Duration::from_millis(10),
        Duration::from_millis(2),
        Duration::from_millis(1),
    ],
    &[Duration::from_millis(5), Duration::from_millis(1)],
);

/// Flags of `convoy`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct ConvoyExp {
    /// Blocking calls the I/O thread makes per configuration.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000), help = CALLS.help("Blocking calls the I/O thread makes per configuration"))]
    pub calls: Option<u64>,
    /// How long each call blocks (1 ms leaves a loaded machine time to
    /// wake the CPU thread while the call blocks, as an idle one would).
    #[arg(long, value_parser = secs, default_value = "1ms")]
    pub block: Secs,
    /// Most CPU-bound threads beside the I/O thread (runs 0..=k).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=16), help = CPU_THREADS.help("Most CPU-bound threads beside the I/O thread (runs 0..=k)"))]
    pub cpu_threads: Option<u64>,
    /// Switch intervals to compare (repeatable).
    #[arg(long = "switch-interval", value_parser = secs, help = INTERVALS.help("Switch intervals to compare (repeatable)"))]
    pub switch_intervals: Vec<Secs>,
    /// The GIL policy.
    #[arg(long = "gil", value_enum, default_value = "py311")]
    pub gil: Policy,
}

impl Experiment for ConvoyExp {
    const NAME: &'static str = "convoy";
    const CLAIM: &'static str = "beside a CPU-bound thread, each quick blocking call waits about one switch interval for the GIL (the convoy effect)";

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let calls = *self.calls.get_or_insert(CALLS.pick(ctx.quick));
        let k = *self.cpu_threads.get_or_insert(CPU_THREADS.pick(ctx.quick)) as usize;
        let intervals = if self.switch_intervals.is_empty() {
            INTERVALS.pick(ctx.quick).iter().map(|&d| Secs(d)).collect()
        } else {
            self.switch_intervals.clone()
        };
        self.switch_intervals = intervals.clone();
        let mut report = Report::new(Verdict::Info, "");
        let mut key = None;
        let mut alone = 0.0;
        let mut by_interval = Vec::new();
        let mut points = Vec::new();
        for iv in &intervals {
            let cfg = config(self.gil, iv.0);
            for cpu in 0..=k {
                let c = convoy_run(&cfg, calls, cpu, self.block.0)?;
                report.say(format!(
                    "interval {:>8}  {cpu} CPU thread(s): median call {:>9}  CPU {:>7.1} M iter/s",
                    human_time(iv.0.as_secs_f64()),
                    human_time(c.median_s),
                    c.cpu_iters_per_s / 1e6
                ));
                points.push(ConvoyLatency {
                    cpu_threads: cpu as u32,
                    interval_us: iv.0.as_secs_f64() * 1e6,
                    latency_s: c.median_s,
                    cpu_iters_per_s: c.cpu_iters_per_s,
                });
                if cpu == 0 && key.is_none() {
                    alone = c.median_s;
                }
                if cpu == 1 {
                    by_interval.push((iv.0.as_secs_f64(), c.median_s));
                    key.get_or_insert((c.median_s, iv.0.as_secs_f64()));
                }
            }
        }
        // The whole sweep is the series; the key figures are the call
        // beside one CPU thread and alone, at the first interval.
        report.push_series(&points);
        if let Some((lat, iv)) = key {
            report.push_metric("latency_beside_one_cpu_thread", lat, "s");
            report.push_metric("latency_alone", alone, "s");
            report.push_metric("interval", iv, "s");
            // The wait for the GIL, beyond the call's own time, is about an
            // interval: half of one holds, a fifth or less fails.
            let wait_share = (lat - alone) / iv;
            let convoy = Judgement::at_least(wait_share, 0.5, 0.2);
            report.push_metric("wait_share_of_interval", wait_share, "fraction");
            // A shorter interval cuts the call: the slowest shorter one at
            // 0.9 of it or less holds, at 1.1 or more fails.
            let worst_shorter = by_interval
                .iter()
                .filter(|&&(i, _)| i < iv)
                .map(|&(_, l)| l / lat)
                .reduce(f64::max);
            let shorter = worst_shorter.map_or(Judgement::Holds, |r| Judgement::at_most(r, 0.9, 1.1));
            // The claim is about the new GIL's switch interval: py2 has none
            // (it switches on ticks) and nogil no lock; both are shown, not judged.
            let applies = matches!(self.gil, Policy::Py39 | Policy::Py311);
            if applies {
                report.judge(convoy.and(shorter));
            } else {
                report.verdict = Verdict::Info;
            }
            report.detail = format!(
                "{}{}: beside 1 CPU thread a {} call takes {} at a {} interval (its wait {:.0}% of an interval: >= 50% holds, <= 20% fails){}",
                self.gil.name(),
                if applies {
                    ""
                } else {
                    " (not judged: the claim is about the new GIL of py39/py311)"
                },
                human_time(self.block.0.as_secs_f64()),
                human_time(lat),
                human_time(iv),
                wait_share * 100.0,
                if by_interval.len() > 1 {
                    match shorter {
                        Judgement::Holds => "; shorter intervals cut it",
                        Judgement::Fails => "; shorter intervals did NOT cut it",
                        Judgement::Undecided => "; shorter intervals barely moved it (undecided)",
                    }
                } else {
                    ""
                }
            );
        }
        Ok(report)
    }
}
