//! The measurements themselves: every workload run by a CPython script and
//! by the simulator under the matching policy, taking turns, calibrated to
//! last as long on both sides.

use std::time::Duration;

use serde_json::Value;

use super::row::Row;
use crate::contract::python::Python;
use crate::contract::{Ctx, Report, Stats};
use crate::gil::Policy;
use crate::interleave::{Variant, interleave};
use crate::python_scripts::{bounded, num, one};
use crate::workloads::{config, convoy_run, countdown_run, io_run};

const IO_THREADS: usize = 4;
const INTERVAL: Duration = Duration::from_millis(5);
const BLOCK: Duration = Duration::from_millis(1);
/// Largest countdown the calibration may ask the simulator for.
const MAX_SIM_COUNTDOWN: f64 = 2.0e9;

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
    let reps = ctx.repeats_or(5, 5);
    // The I/O runs are short (tens of ms): three repetitions even in quick
    // mode, so one descheduled run on a busy machine does not decide.
    let io_reps = reps.max(3);
    // Quick mode keeps the full I/O sizes: at 5 calls of 2 ms, CPython's own
    // speedup swung from 2.4x to 3.7x between runs.
    let (io_calls, io_block) = (10u64, 5.0e-3);

    let speed = one(py, "loop_speed.py", &[n.to_string()])?;
    let gil_enabled = speed
        .get("gil_enabled")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let policy = Policy::for_cpython(py.version, gil_enabled);
    let cfg = config(policy, INTERVAL);
    // Calibrate: the simulator counts down N_sim in the time CPython counts down N.
    let sim_secs = countdown_run(&cfg, n, 1)?.min(countdown_run(&cfg, n, 1)?);
    let py_iter_rate = bounded(num(&speed, "iters_per_s")?, "iters_per_s", 1e3, 1e11)?;
    let n_sim = ((n as f64 / sim_secs.max(1e-9)) / py_iter_rate * n as f64)
        .clamp(1000.0, MAX_SIM_COUNTDOWN) as u64;
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
    // Each side takes the fastest of 3 interleaved pairs per round: a
    // CPython thread's speed moves by 10-20% with where its frame and
    // objects land, so a single pair often made two threads look faster
    // than one.
    for _ in 0..reps {
        let cpu = one(py, "cpu_bound.py", &[n.to_string(), "2".into(), "3".into()])?;
        py_ratios.push(bounded(num(&cpu, "ratio")?, "ratio", 1e-3, 1e3)?);
        let s = interleave(
            3,
            vec![
                Box::new(move || countdown_run(c, n_sim, 1)) as Variant<'_>,
                Box::new(move || countdown_run(c, n_sim, 2)),
            ],
        )?;
        sim_ratios.push(s[1].min / s[0].min);
    }
    let (py_stats, sim_stats) = (Stats::of(&py_ratios), Stats::of(&sim_ratios));
    let (py_cpu, sim_cpu) = (py_stats.median, sim_stats.median);
    let io = one(
        py,
        "io_bound.py",
        &[
            IO_THREADS.to_string(),
            io_calls.to_string(),
            io_block.to_string(),
            io_reps.to_string(),
        ],
    )?;
    let block = Duration::from_secs_f64(io_block);
    let si = interleave(
        io_reps,
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
    // The median of three runs on each side, taking turns: a disturbed run
    // can lengthen the convoy (the I/O thread descheduled) or shorten it
    // (the CPU thread descheduled, so the GIL is free), so neither the
    // lowest nor a single run will do.
    let (mut py_convoys, mut sim_convoys) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        let py = one(py, "convoy.py", &convoy_args(1))?;
        py_convoys.push(bounded(num(&py, "median_s")?, "median_s", 0.0, 60.0)?);
        sim_convoys.push(convoy_run(&cfg, calls, 1, BLOCK)?.median_s);
    }
    let (py_convoy, sim_convoy) = (
        Stats::of(&py_convoys).median,
        Stats::of(&sim_convoys).median,
    );
    let (race_rows, losses_match) = super::race::races(ctx, py, policy, report)?;
    let judged = policy == Policy::Py311;
    let t = Some;
    let mut rows = vec![
        Row {
            name: "cpu_ratio",
            unit: "x (2 threads/sequential)",
            cpython: py_cpu,
            sim: sim_cpu,
            tolerance: t(0.15),
            judged,
            ranges: Some(((py_stats.min, py_stats.max), (sim_stats.min, sim_stats.max))),
        },
        Row {
            name: "io_speedup",
            unit: "x",
            cpython: bounded(num(&io, "speedup")?, "speedup", 1e-3, 1e4)?,
            sim: si[0].median / si[1].median,
            tolerance: t(0.15),
            judged,
            ranges: None,
        },
        Row {
            name: "convoy_latency",
            unit: "s",
            cpython: py_convoy,
            sim: sim_convoy,
            tolerance: t(0.30),
            judged,
            ranges: None,
        },
    ];
    rows.extend(race_rows);
    rows.push(Row {
        name: "loop_minstr_per_s",
        unit: "M instr/s",
        cpython: bounded(num(&speed, "instrs_per_s")?, "instrs_per_s", 1.0, 1e12)? / 1e6,
        sim: 8.0 * n as f64 / sim_secs / 1e6,
        tolerance: None,
        judged: false,
        ranges: None,
    });
    Ok((policy, rows, losses_match))
}
