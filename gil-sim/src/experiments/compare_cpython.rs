//! Claim: the simulator behaves like CPython. The same workloads run as
//! small Python scripts (`gil-sim/python/`) with each interpreter given
//! (`--python`, repeatable; default `python3` on `PATH`) and on the VM
//! under the policy that models that interpreter's version, side by side in
//! the same run: CPU-bound ratio, I/O speedup, convoy latency, lost updates,
//! and loop speed. Without a Python it says so and skips.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use crate::contract::python::Python;
use crate::contract::{Ctx, Experiment, Report, Stats, Verdict, measure::human_time};
use crate::experiments::common::{Variant, config, countdown_run, interleave};
use crate::experiments::workloads::{convoy_run, io_run, race_run};
use crate::gil::Policy;
use crate::vm::programs::Variant as Counter;

/// Flags of `compare-cpython`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct CompareCpython {
    /// A Python interpreter to compare with (repeatable) [default: python3 on PATH].
    #[arg(long = "python", value_name = "PATH")]
    pub python: Vec<PathBuf>,
    /// Countdown iterations for CPython's CPU-bound run [default: 5M; quick: 1M].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1000..=1_000_000_000))]
    pub n: Option<u64>,
    /// Blocking calls in the convoy run [default: 40; quick: 12].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub convoy_calls: Option<u64>,
}

const LIMIT: Duration = Duration::from_secs(60);
const IO_THREADS: usize = 4;
const INTERVAL: Duration = Duration::from_millis(5);
const BLOCK: Duration = Duration::from_millis(1);
/// The race runs with a 1 ms interval on both sides: enough switches in a
/// short run that a policy which can lose updates almost surely does.
const RACE_INTERVAL: Duration = Duration::from_millis(1);

fn script(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/python")).join(name)
}

fn num(v: &Value, key: &str) -> anyhow::Result<f64> {
    v.get(key)
        .and_then(Value::as_f64)
        .ok_or_else(|| anyhow::anyhow!("no number {key:?} in {v}"))
}

fn one(py: &Python, name: &str, args: &[String]) -> anyhow::Result<Value> {
    py.run_json(&script(name), args, LIMIT)?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("{name} printed nothing"))
}

/// One figure on both sides, and how close they must be (None: not judged).
struct Row {
    name: &'static str,
    unit: &'static str,
    cpython: f64,
    sim: f64,
    tolerance: Option<f64>,
}

impl Row {
    fn ok(&self) -> bool {
        self.tolerance
            .is_none_or(|t| (self.sim / self.cpython - 1.0).abs() <= t)
    }
}

impl CompareCpython {
    fn compare(
        &self,
        ctx: &Ctx,
        py: &Python,
        report: &mut Report,
    ) -> anyhow::Result<(Policy, Vec<Row>, bool)> {
        let n = self.n.unwrap_or(ctx.pick(5_000_000, 1_000_000));
        let reps = ctx.repeats_or(5, 1);
        let calls = self.convoy_calls.unwrap_or(ctx.pick(40, 12));
        let (io_calls, io_block) = ctx.pick((10u64, 5.0e-3), (5, 2.0e-3));
        let race_n = ctx.pick(500_000u64, 300_000);

        let speed = one(py, "loop_speed.py", &[n.to_string()])?;
        let gil_enabled = speed
            .get("gil_enabled")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let policy = Policy::for_cpython(py.version, gil_enabled);
        let cfg = config(policy, INTERVAL);
        // Calibrate: the simulator counts down N_sim in the time CPython counts down N.
        let sim_secs = countdown_run(&cfg, n, 1)?.min(countdown_run(&cfg, n, 1)?);
        let py_iter_rate = num(&speed, "iters_per_s")?;
        let n_sim = ((n as f64 / sim_secs) / py_iter_rate * n as f64).max(1000.0) as u64;
        report.say(format!(
            "{} {} (gil {}): gil-sim --gil {}; calibrated countdown: CPython {n} ~ gil-sim {n_sim}",
            py.path.display(),
            py.version_string(),
            if gil_enabled { "on" } else { "off" },
            policy.name()
        ));

        // CPython and the simulator take turns, one repetition each, so a
        // slow phase of the machine hits both alike.
        let c = &cfg;
        let (mut py_ratios, mut sim_ratios) = (Vec::new(), Vec::new());
        for _ in 0..reps {
            let cpu = one(py, "cpu_bound.py", &[n.to_string(), "2".into(), "1".into()])?;
            py_ratios.push(num(&cpu, "ratio")?);
            let s = interleave(
                1,
                vec![
                    Box::new(move || countdown_run(c, n_sim, 1)) as Variant<'_>,
                    Box::new(move || countdown_run(c, n_sim, 2)),
                ],
            )?;
            sim_ratios.push(s[1].median / s[0].median);
        }
        let (py_cpu, sim_cpu) = (Stats::of(&py_ratios).median, Stats::of(&sim_ratios).median);
        let io = one(
            py,
            "io_bound.py",
            &[
                IO_THREADS.to_string(),
                io_calls.to_string(),
                io_block.to_string(),
                reps.to_string(),
            ],
        )?;
        let block = Duration::from_secs_f64(io_block);
        let si = interleave(
            reps,
            vec![
                Box::new(move || io_run(c, IO_THREADS, io_calls, block, true)) as Variant<'_>,
                Box::new(move || io_run(c, IO_THREADS, io_calls, block, false)),
            ],
        )?;
        let convoy_args = |cpu: u32| {
            [
                calls.to_string(),
                cpu.to_string(),
                INTERVAL.as_secs_f64().to_string(),
                BLOCK.as_secs_f64().to_string(),
            ]
        };
        let py_convoy = one(py, "convoy.py", &convoy_args(1))?;
        let sim_convoy = convoy_run(&cfg, calls, 1, BLOCK)?;
        let race = one(
            py,
            "race.py",
            &[race_n.to_string(), RACE_INTERVAL.as_secs_f64().to_string()],
        )?;
        let exact = num(&race, "expected")?;
        // The same duration of racing, not the same count: scale by speed.
        let race_cfg = config(policy, RACE_INTERVAL);
        let race_sim = (race_n as f64 * n_sim as f64 / n as f64) as u64;
        let sim_exact = 2.0 * race_sim as f64;
        let sim_lost = |v| -> anyhow::Result<f64> {
            Ok(sim_exact - race_run(&race_cfg, v, 2, race_sim)? as f64)
        };
        let (sim_plain, sim_call, sim_locked) = (
            sim_lost(Counter::Plain)?,
            sim_lost(Counter::WithCall)?,
            sim_lost(Counter::Locked)?,
        );
        let judged = policy == Policy::Py311;
        let t = |x: f64| judged.then_some(x);
        let rows = vec![
            Row {
                name: "cpu_ratio",
                unit: "x (2 threads/sequential)",
                cpython: py_cpu,
                sim: sim_cpu,
                tolerance: t(0.15),
            },
            Row {
                name: "io_speedup",
                unit: "x",
                cpython: num(&io, "speedup")?,
                sim: s_ratio(&si),
                tolerance: t(0.15),
            },
            Row {
                name: "convoy_latency",
                unit: "s",
                cpython: num(&py_convoy, "median_s")?,
                sim: sim_convoy.median_s,
                tolerance: t(0.30),
            },
            Row {
                name: "plain_lost",
                unit: "updates",
                cpython: exact - num(&race, "plain")?,
                sim: sim_plain,
                tolerance: None,
            },
            Row {
                name: "call_lost",
                unit: "updates",
                cpython: exact - num(&race, "with_call")?,
                sim: sim_call,
                tolerance: None,
            },
            Row {
                name: "locked_lost",
                unit: "updates",
                cpython: exact - num(&race, "locked")?,
                sim: sim_locked,
                tolerance: None,
            },
            Row {
                name: "loop_minstr_per_s",
                unit: "M instr/s",
                cpython: num(&speed, "instrs_per_s")? / 1e6,
                sim: 8.0 * n as f64 / sim_secs / 1e6,
                tolerance: None,
            },
        ];
        let losses_match = rows[3..6]
            .iter()
            .all(|r| (r.cpython > 0.0) == (r.sim > 0.0));
        Ok((policy, rows, losses_match))
    }
}

fn s_ratio(s: &[crate::contract::Stats]) -> f64 {
    s[0].median / s[1].median
}

impl Experiment for CompareCpython {
    const NAME: &'static str = "compare-cpython";
    const CLAIM: &'static str = "the simulator's CPU-bound ratio, I/O speedup, convoy latency and lost updates match CPython's for the matching policy";

    fn run(&self, ctx: &Ctx) -> anyhow::Result<Report> {
        let paths: Vec<Option<PathBuf>> = if self.python.is_empty() {
            vec![None]
        } else {
            self.python.iter().cloned().map(Some).collect()
        };
        let mut report = Report::new(Verdict::Info, "");
        let (mut judged, mut all_ok, mut compared) = (0, true, 0);
        for path in paths {
            let shown = path
                .as_ref()
                .map_or("python3".into(), |p| p.display().to_string());
            let Some(py) = Python::find(path.as_deref()) else {
                report.say(format!("{shown}: no Python found there; skipped"));
                continue;
            };
            let (policy, rows, losses_match) = match self.compare(ctx, &py, &mut report) {
                Ok(r) => r,
                Err(e) => {
                    report.say(format!("{shown} {}: skipped: {e:#}", py.version_string()));
                    continue;
                }
            };
            compared += 1;
            let tag = format!("cp{}{}", py.version.0, py.version.1);
            report.say(format!(
                "  {:<18} {:>12} {:>12} {:>9}",
                "figure", "CPython", "gil-sim", "sim/CPy"
            ));
            for r in &rows {
                let show = |v: f64| {
                    if r.unit == "s" {
                        human_time(v)
                    } else {
                        format!("{v:.3}")
                    }
                };
                report.say(format!(
                    "  {:<18} {:>12} {:>12} {:>9.2}{}",
                    r.name,
                    show(r.cpython),
                    show(r.sim),
                    r.sim / r.cpython,
                    match r.tolerance {
                        Some(t) if r.ok() => format!("  within ±{:.0}%", t * 100.0),
                        Some(t) => format!("  OUTSIDE ±{:.0}%", t * 100.0),
                        None => String::new(),
                    }
                ));
            }
            report.say(format!(
                "  lost updates {} between CPython and gil-sim --gil {}",
                if losses_match { "agree" } else { "DISAGREE" },
                policy.name()
            ));
            if policy == Policy::Py311 {
                judged += 1;
                all_ok &= losses_match && rows.iter().all(Row::ok);
            }
            for r in &rows[..3] {
                report.push_metric(
                    format!("{tag}_{}_sim_over_cpython", r.name),
                    r.sim / r.cpython,
                    "x",
                );
            }
            for r in &rows {
                report.push_metric(format!("{tag}_{}_cpython", r.name), r.cpython, r.unit);
                report.push_metric(format!("{tag}_{}_sim", r.name), r.sim, r.unit);
            }
        }
        if judged > 0 {
            report.verdict = Verdict::from_bool(all_ok);
            report.detail = format!(
                "{judged} interpreter(s) with the 3.10+ GIL compared with py311: {}",
                if all_ok {
                    "all figures within tolerance and lost updates agree"
                } else {
                    "some figures outside tolerance (see table)"
                }
            );
        } else {
            report.detail = if compared == 0 {
                "no Python could be run: comparison skipped".into()
            } else {
                "compared, nothing judged (fidelity targets are set for the 3.10+ GIL)".into()
            };
        }
        let resolved = CompareCpython {
            n: Some(self.n.unwrap_or(ctx.pick(5_000_000, 1_000_000))),
            convoy_calls: Some(self.convoy_calls.unwrap_or(ctx.pick(40, 12))),
            ..self.clone()
        };
        Ok(report.params(&resolved))
    }
}
