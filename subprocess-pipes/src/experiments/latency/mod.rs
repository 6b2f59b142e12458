//! Claim: a small typed message's round trip through the framed channel
//! costs at most 1.3x a raw 8-byte ping-pong over the same kind of pipe, and
//! at most half of CPython's `multiprocessing.Pipe` round trip, both sides
//! placed and waiting alike.
//!
//! Two children: `pingpong` answers 8 raw bytes with 8 raw bytes; `echo`
//! answers a framed `Ping { seq }` with `Pong { seq + 1 }` (decode, encode,
//! a 4-byte header each way). Both cost two pipe writes, two reads and two
//! wake-ups per round trip; the framed one adds only the codec and the
//! header, because a frame leaves in one `write` and arrives in one `read`
//! (the receiver reads ahead). Every answer is checked. The hot loops block
//! in plain `read`, or, in the spinning setup, raw and framed receivers
//! alike busy-poll first; a watchdog kills the children if a measurement
//! hangs.
//!
//! The same trio (raw, framed, CPython) runs in up to three setups
//! (placement: `src/placement.rs`):
//! - two CPUs, blocking reads: how programs are usually written; each hop
//!   wakes a sleeping process on the other CPU. Shown, not judged against
//!   CPython: on a virtual machine whose idle vCPUs halt, that wake-up
//!   (tens of microseconds) is most of the round trip on either side, and
//!   the row prints the raw ping-pong's own ratio to CPython beside it;
//! - two CPUs, every receiver (CPython's too) spinning up to `--spin-us`
//!   before it blocks ([`crate::readable`]): the hops skip that wake-up;
//! - one CPU, blocking reads: each hop is a context switch.
//!
//! The raw half of the claim is judged in every setup, the CPython half in
//! the last two (named here, before any figure is seen), where the
//! round trip is made of what the two sides do rather than of the wake-up.
//! Without pinning (one CPU, or not Linux) the blocking setup is the
//! scheduler's mix and is shown only; the spinning one is judged.

mod row;
mod rust_round_trips;
mod setup;
mod verdict;

use std::path::PathBuf;
use std::time::Duration;

use crate::contract::scaled::Scaled;
use crate::contract::{Ctx, Experiment, Judgement, Machine, Report, Verdict};
use crate::cpython_pipe_rtt::python_rtt;
use crate::placement::Placement;
use row::{Row, describe, short};
use rust_round_trips::measure_rust;
use setup::Setup;
use verdict::{PyHalf, judgement};

/// The default of `--round-trips`.
const ROUND_TRIPS: Scaled<u64> = Scaled::new(10_000, 2_000);

/// Flags of `latency`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct Latency {
    /// Round trips per measured run.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000_000), help = ROUND_TRIPS.help("Round trips per measured run"))]
    pub round_trips: Option<u64>,
    /// Microseconds a receiver spins before it blocks, in the spinning setup.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub spin_us: u64,
    /// The Python interpreter for the side-by-side [default: python3 on PATH].
    #[arg(long)]
    pub python: Option<PathBuf>,
    /// Skip the CPython side-by-side.
    #[arg(long)]
    pub no_python: bool,
}

impl Experiment for Latency {
    const NAME: &'static str = "latency";
    const CLAIM: &'static str = "a small framed round trip costs <= 1.3x a raw 8-byte ping-pong, and <= 0.5x CPython's multiprocessing.Pipe round trip (same placement and waiting on both sides; judged on one CPU and with spinning receivers, shown for blocking reads across CPUs)";

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let n = *self.round_trips.get_or_insert(ROUND_TRIPS.pick(ctx.quick));
        let repeats = ctx.repeats_or(5, 3);
        let spin = Duration::from_micros(self.spin_us);
        let placement = Placement::pin();
        let mut setups = vec![
            Setup {
                prefix: "",
                one_cpu: false,
                spin: Duration::ZERO,
            },
            Setup {
                prefix: "spin_",
                one_cpu: false,
                spin,
            },
        ];
        if placement.is_some() {
            setups.push(Setup {
                prefix: "same_cpu_",
                one_cpu: true,
                spin: Duration::ZERO,
            });
        }

        let mut lines = vec![match &placement {
            Some(p) => format!(
                "parent pinned to CPU {0}; children (CPython's too) on CPU {1}, or on {0} for \"one CPU\"",
                p.cpus().0,
                p.cpus().1
            ),
            None => Placement::describe(None),
        }];
        let mut rows = Vec::new();
        for setup in setups {
            let (raw, framed) = measure_rust(setup, placement.as_ref(), n, repeats)?;
            let cpython = if self.no_python {
                None
            } else {
                let cpus = placement.as_ref().map(|p| (p.cpus().0, setup.child_cpu(p)));
                let py_n = n.min(20_000);
                python_rtt(
                    self.python.as_deref(),
                    py_n,
                    repeats,
                    cpus,
                    setup.spin,
                    &mut lines,
                )?
            };
            rows.push(Row {
                setup,
                raw,
                framed,
                cpython,
            });
        }
        if self.no_python {
            lines.push("CPython: skipped (--no-python)".to_string());
        }
        let pinned = placement.is_some();
        for row in &rows {
            lines.push(describe(row, pinned));
        }
        if rows.iter().any(|r| r.py_half() == PyHalf::Shown) {
            lines.push(
                "shown, not judged: with blocking reads across CPUs each hop waits for the \
                 machine to wake the sleeping peer; \"raw alone\" is the pipe's own round trip \
                 over CPython's"
                    .to_string(),
            );
        }
        drop(placement);

        let (verdict, undecided) =
            judgement(rows.iter().map(|r| (r.framed_vs_raw_best(), r.py_half())));
        let cores = Machine::current().cores;
        let halves: Vec<PyHalf> = rows.iter().map(Row::py_half).collect();
        let count = |f: fn(&PyHalf) -> bool| halves.iter().filter(|h| f(h)).count();
        let judged = count(|h| matches!(h, PyHalf::Judged(_)));
        let passed = count(|h| *h == PyHalf::Judged(Judgement::Holds));
        let mut detail = if rows.iter().all(|r| r.cpython.is_none()) {
            match verdict {
                Verdict::Info => "CPython not measured: the claim's second half is unjudged; ",
                _ => "CPython not measured; ",
            }
            .to_string()
        } else {
            format!("CPython half holds in {passed} of {judged} judged setups; ")
        };
        detail.push_str(
            &rows
                .iter()
                .map(|r| short(r, pinned))
                .collect::<Vec<_>>()
                .join("; "),
        );
        detail.push_str(&format!(
            " ({n} round trips x {repeats} runs, {cores} cores)"
        ));
        let mut report = Report::new(verdict, detail);
        report.undecided = undecided;
        for row in &rows {
            let p = row.setup.prefix;
            let key = |k: &str| format!("{p}{k}");
            report.push_metric(key("framed_vs_raw"), row.framed_vs_raw(), "x");
            report.push_metric(key("framed_vs_raw_best"), row.framed_vs_raw_best(), "x");
            report.push_metric(key("framed_rtt_us"), row.framed.median * 1e6, "µs");
            report.push_metric(key("raw_rtt_us"), row.raw.median * 1e6, "µs");
            if let Some(py) = row.cpython {
                report.push_metric(key("cpython_rtt_us"), py * 1e6, "µs");
                report.push_metric(key("framed_vs_cpython"), row.framed.median / py, "x");
                report.push_metric(key("raw_vs_cpython"), row.raw.median / py, "x");
            }
        }
        for l in lines {
            report.say(l);
        }
        Ok(report)
    }
}
