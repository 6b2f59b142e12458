//! `compare-cpython`'s measurements: each workload run by a CPython
//! script and by the simulator under the matching policy, side by side.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use crate::contract::python::Python;
use crate::contract::{Ctx, Report, Stats};
use crate::experiments::common::{Variant, config, countdown_run, interleave};
use crate::experiments::workloads::{convoy_run, io_run, race_run};
use crate::gil::Policy;
use crate::vm::programs::Variant as Counter;

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
pub(crate) struct Row {
    pub(crate) name: &'static str,
    pub(crate) unit: &'static str,
    pub(crate) cpython: f64,
    pub(crate) sim: f64,
    pub(crate) tolerance: Option<f64>,
}

impl Row {
    /// Within tolerance (or not judged)?
    pub(crate) fn ok(&self) -> bool {
        self.tolerance
            .is_none_or(|t| (self.sim / self.cpython - 1.0).abs() <= t)
    }
}

/// Runs every workload with `py` and with the simulator under the policy
/// that models it; returns the policy, the figures, and whether lost
/// updates agree. `n`: CPython's countdown; `calls`: the convoy's calls.
pub(crate) fn measure(
    ctx: &Ctx,
    py: &Python,
    n: u64,
    calls: u64,
    report: &mut Report,
) -> anyhow::Result<(Policy, Vec<Row>, bool)> {
    let reps = ctx.repeats_or(3, 1);
    let (io_calls, io_block) = ctx.pick((10u64, 5.0e-3), (5, 2.0e-3));
    let race_n = ctx.pick(500_000u64, 150_000);

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
    let sim_lost =
        |v| -> anyhow::Result<f64> { Ok(sim_exact - race_run(&race_cfg, v, 2, race_sim)? as f64) };
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

fn s_ratio(s: &[crate::contract::Stats]) -> f64 {
    s[0].median / s[1].median
}
