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
//! (placement: `experiments/placement.rs`):
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

use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::channel::Channel;
use crate::contract::measure::{Stats, human_time, interleaved};
use crate::contract::{Ctx, Experiment, Judgement, Machine, Report, Verdict};
use crate::experiments::common::Watchdog;
use crate::experiments::mp_rtt::python_rtt;
use crate::experiments::placement::Placement;
use crate::popen::Popen;
use crate::readable::spin_until_readable;
use crate::worker::proto::{Ping, Pong};

/// Flags of `latency`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct Latency {
    /// Round trips per measured run [default: 10000; quick: 2000].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
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

/// One way of running the trio: where the children sit, how receivers wait.
#[derive(Debug, Clone, Copy)]
struct Setup {
    /// Metric name prefix ("" for the first, the usual way).
    prefix: &'static str,
    /// Children on the parent's CPU instead of the other one.
    one_cpu: bool,
    /// Spin budget before each blocking read; zero: block at once.
    spin: Duration,
}

impl Setup {
    /// Whether the CPython half of the claim is judged in this setup: not
    /// where a blocking hop crosses CPUs (or may: unpinned), which measures
    /// how fast the machine wakes a sleeping process.
    fn judged(&self) -> bool {
        self.one_cpu || !self.spin.is_zero()
    }

    /// The CPU this setup's children go on: the parent's, or the other one.
    fn child_cpu(&self, p: &Placement) -> usize {
        let (parent, other) = p.cpus();
        if self.one_cpu { parent } else { other }
    }

    fn name(&self, pinned: bool) -> String {
        let place = match (pinned, self.one_cpu) {
            (false, _) => "unpinned",
            (true, false) => "two CPUs",
            (true, true) => "one CPU",
        };
        let wait = if self.spin.is_zero() {
            "blocking reads".to_string()
        } else {
            format!("spin {} µs then block", self.spin.as_micros())
        };
        format!("{place}, {wait}")
    }
}

/// The figures of one setup: seconds per round trip.
#[derive(Debug)]
struct Row {
    setup: Setup,
    raw: Stats,
    framed: Stats,
    cpython: Option<f64>,
}

impl Row {
    fn framed_vs_raw(&self) -> f64 {
        self.framed.median / self.raw.median
    }

    /// framed/raw of each side's fastest run: what the raw half of the
    /// claim is judged on, since interference from the rest of a shared
    /// machine only ever adds latency (one disturbed run read 1.46x).
    fn framed_vs_raw_best(&self) -> f64 {
        self.framed.min / self.raw.min
    }

    fn py_half(&self) -> PyHalf {
        py_half(self.setup.judged(), self.framed.median, self.cpython)
    }

    /// For a row shown but not judged: the raw ping-pong's own ratio to
    /// CPython, and that it is not judged.
    fn shown_note(&self) -> Option<String> {
        let py = self.cpython.filter(|_| self.py_half() == PyHalf::Shown)?;
        Some(format!(
            "raw alone {:.2}x; shown, not judged",
            self.raw.median / py
        ))
    }
}

impl Experiment for Latency {
    const NAME: &'static str = "latency";
    const CLAIM: &'static str = "a small framed round trip costs <= 1.3x a raw 8-byte ping-pong, and <= 0.5x CPython's multiprocessing.Pipe round trip (same placement and waiting on both sides; judged on one CPU and with spinning receivers, shown for blocking reads across CPUs)";

    fn run(&self, ctx: &Ctx) -> anyhow::Result<Report> {
        let n = self.round_trips.unwrap_or(ctx.pick(10_000, 2_000));
        let repeats = ctx.repeats_or(5, 3);
        let resolved = Latency {
            round_trips: Some(n),
            ..self.clone()
        };
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
        let mut report = Report::new(verdict, detail).params(&resolved);
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

/// Raw and framed round trips (seconds, interleaved) for one setup, with
/// fresh children placed and waiting as `setup` says.
fn measure_rust(
    setup: Setup,
    placement: Option<&Placement>,
    n: u64,
    repeats: usize,
) -> anyhow::Result<(Stats, Stats)> {
    let spin = setup.spin;
    let spawn = |role: &str| -> anyhow::Result<Popen> {
        let mut cmd = crate::worker::command_self(role)?;
        cmd.arg(spin.as_micros().to_string());
        Ok(Popen::spawn(cmd)?)
    };
    let mut raw = spawn("pingpong")?;
    let mut raw_in = raw.take_stdin().context("pingpong stdin")?;
    let mut raw_out = raw.take_stdout().context("pingpong stdout")?;
    let mut echo = spawn("echo")?;
    let mut ch = Channel::<Ping, Pong, _, _>::new(
        echo.take_stdout().context("echo stdout")?,
        echo.take_stdin().context("echo stdin")?,
    )
    .with_spin(spin);
    if let Some(p) = placement {
        let cpu = setup.child_cpu(p);
        p.child_on(raw.id(), cpu)?;
        p.child_on(echo.id(), cpu)?;
    }
    let dog = Watchdog::arm(&[raw.id(), echo.id()], Duration::from_secs(120))?;
    let mut raw_run = || -> anyhow::Result<f64> {
        let t = Instant::now();
        let mut b = [0u8; 8];
        for i in 0..n {
            raw_in.write_all(&i.to_le_bytes())?;
            spin_until_readable(&raw_out, spin)?;
            raw_out.read_exact(&mut b).context("pingpong answer")?;
            anyhow::ensure!(u64::from_le_bytes(b) == i + 1, "pingpong answered wrong");
        }
        Ok(t.elapsed().as_secs_f64() / n as f64)
    };
    let mut framed_run = || -> anyhow::Result<f64> {
        let t = Instant::now();
        for seq in 0..n {
            ch.send(&Ping { seq })?;
            let Pong { seq: got } = ch.recv()?.context("echo hung up")?;
            anyhow::ensure!(got == seq + 1, "echo answered {got} to {seq}");
        }
        Ok(t.elapsed().as_secs_f64() / n as f64)
    };
    let mut stats = interleaved(repeats, &mut [&mut raw_run, &mut framed_run])?;
    drop(dog);
    drop((ch, raw_in));
    raw.wait_timeout(Duration::from_secs(5))?;
    echo.wait_timeout(Duration::from_secs(5))?;
    let framed = stats.pop().context("framed figures")?;
    let raw = stats.pop().context("raw figures")?;
    Ok((raw, framed))
}

/// One report line for a setup.
fn describe(row: &Row, pinned: bool) -> String {
    let t = |s: &Stats| {
        format!(
            "{} ({}..{})",
            human_time(s.median),
            human_time(s.min),
            human_time(s.max)
        )
    };
    let mut line = format!(
        "{:<31} raw {}  framed {} = {:.2}x raw",
        row.setup.name(pinned),
        t(&row.raw),
        t(&row.framed),
        row.framed_vs_raw()
    );
    if let Some(py) = row.cpython {
        line.push_str(&format!(
            "  CPython Pipe {} (framed {:.2}x{})",
            human_time(py),
            row.framed.median / py,
            row.shown_note()
                .map(|n| format!("; {n}"))
                .unwrap_or_default()
        ));
    }
    line
}

/// A setup's figures for the verdict's detail.
fn short(row: &Row, pinned: bool) -> String {
    let mut s = format!(
        "{}: framed/raw {:.2}x",
        row.setup.name(pinned),
        row.framed_vs_raw()
    );
    if let Some(py) = row.cpython {
        s.push_str(&format!(", framed/CPython {:.2}x", row.framed.median / py));
        if let Some(note) = row.shown_note() {
            s.push_str(&format!(" ({note})"));
        }
    }
    s
}

/// What a setup says about the CPython half of the claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PyHalf {
    /// CPython was not measured.
    NotMeasured,
    /// Measured and printed, not judged (see [`Setup::judged`]).
    Shown,
    /// Judged: framed <= 0.5x CPython holds, >= 0.8x fails, between undecided.
    Judged(Judgement),
}

/// framed/raw at or below this holds the raw half of the claim...
const RAW_HOLDS_AT: f64 = 1.3;
/// ...at or above this fails it; between, the run cannot decide.
const RAW_FAILS_AT: f64 = 1.6;
/// framed/CPython at or below this holds the CPython half...
const PY_HOLDS_AT: f64 = 0.5;
/// ...at or above this fails it.
const PY_FAILS_AT: f64 = 0.8;

fn py_half(judged: bool, framed: f64, cpython: Option<f64>) -> PyHalf {
    match cpython {
        None => PyHalf::NotMeasured,
        Some(_) if !judged => PyHalf::Shown,
        Some(py) => PyHalf::Judged(Judgement::at_most(framed / py, PY_HOLDS_AT, PY_FAILS_AT)),
    }
}

/// The verdict over every setup's `(framed/raw, CPython half)`: a clear
/// miss anywhere disproves the claim; a figure in a band leaves it
/// undecided (`Info`); a pass needs the CPython half judged (and passed) in
/// at least one setup, or it is only `Info` (it proves nothing about that
/// half).
#[cfg(test)]
fn judge(rows: impl IntoIterator<Item = (f64, PyHalf)>) -> Verdict {
    judgement(rows).0
}

/// [`judge`]'s verdict, and whether the figures left it undecided (a band,
/// not a missing CPython), so that the driver measures again.
fn judgement(rows: impl IntoIterator<Item = (f64, PyHalf)>) -> (Verdict, bool) {
    let (mut all, mut judged) = (Judgement::Holds, false);
    for (framed_vs_raw, py) in rows {
        all = all.and(Judgement::at_most(
            framed_vs_raw,
            RAW_HOLDS_AT,
            RAW_FAILS_AT,
        ));
        if let PyHalf::Judged(j) = py {
            all = all.and(j);
            judged = true;
        }
    }
    match all {
        Judgement::Holds if !judged => (Verdict::Info, false),
        j => (j.verdict(), j == Judgement::Undecided),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cpython_half_is_judged_in_the_named_setups_only() {
        let setup = |one_cpu, spin_us| Setup {
            prefix: "",
            one_cpu,
            spin: Duration::from_micros(spin_us),
        };
        assert!(!setup(false, 0).judged(), "blocking across CPUs: shown");
        assert!(setup(false, 50).judged());
        assert!(setup(true, 0).judged());
        assert_eq!(py_half(true, 1.1, None), PyHalf::NotMeasured);
        assert_eq!(py_half(false, 9.0, Some(10.0)), PyHalf::Shown);
        assert_eq!(
            py_half(true, 5.0, Some(10.0)),
            PyHalf::Judged(Judgement::Holds)
        );
        assert_eq!(
            py_half(true, 6.0, Some(10.0)),
            PyHalf::Judged(Judgement::Undecided)
        );
        assert_eq!(
            py_half(true, 8.0, Some(10.0)),
            PyHalf::Judged(Judgement::Fails)
        );
    }

    #[test]
    fn one_miss_anywhere_disproves_and_a_pass_needs_a_judged_setup() {
        use Judgement::{Fails, Holds, Undecided};
        use PyHalf::*;
        assert_eq!(judge([(1.1, NotMeasured)]), Verdict::Info);
        assert_eq!(judge([(1.7, NotMeasured)]), Verdict::DoesNotHold);
        assert_eq!(judge([(1.1, Judged(Holds))]), Verdict::Holds);
        assert_eq!(judge([(1.7, Judged(Holds))]), Verdict::DoesNotHold);
        assert_eq!(
            judge([(1.0, Shown), (1.0, Judged(Holds)), (1.1, Judged(Fails))]),
            Verdict::DoesNotHold,
            "the CPython half failing alone, in one setup, disproves"
        );
        assert_eq!(judge([(1.0, Shown), (1.0, Judged(Holds))]), Verdict::Holds);
        assert_eq!(judge([(1.0, Shown)]), Verdict::Info);
        assert_eq!(
            judge([(1.7, Shown), (1.0, Judged(Holds))]),
            Verdict::DoesNotHold,
            "the raw half counts in a shown setup too"
        );
        assert_eq!(
            judge([(1.4, Shown), (1.0, Judged(Holds))]),
            Verdict::Info,
            "framed/raw in the band: undecided, not a flip to does-not-hold"
        );
        assert_eq!(judge([(1.0, Judged(Undecided))]), Verdict::Info);
    }
}
