//! Claim: the simulator behaves like CPython. The same workloads run as
//! small Python scripts (`gil-sim/python/`) with each interpreter given
//! (`--python`, repeatable; default `python3` on `PATH`) and on the VM
//! under the policy that models that interpreter's version, side by side in
//! the same run: CPU-bound ratio, I/O speedup, convoy latency, lost updates,
//! and loop speed. Without a Python it says so and skips.

use std::path::PathBuf;

use crate::contract::python::Python;
use crate::contract::scaled::Scaled;
use crate::contract::{Ctx, Experiment, Judgement, Report, Verdict, measure::human_time};
use crate::cpython_side_by_side::{MIN_GIL_RATIO, Row, measure, side_by_side};
use crate::gil::Policy;

/// The default of `--n`.
const N: Scaled<u64> = Scaled::new(3_000_000, 1_000_000);

/// The default of `--convoy-calls`.
const CONVOY_CALLS: Scaled<u64> = Scaled::new(40, 16);

/// Flags of `compare-cpython`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct CompareCpython {
    /// A Python interpreter to compare with (repeatable) [default: python3 on PATH].
    #[arg(long = "python", value_name = "PATH")]
    pub python: Vec<PathBuf>,
    /// Countdown iterations for CPython's CPU-bound run.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1000..=1_000_000_000), help = N.help("Countdown iterations for CPython's CPU-bound run"))]
    pub n: Option<u64>,
    /// Blocking calls in the convoy run.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000), help = CONVOY_CALLS.help("Blocking calls in the convoy run"))]
    pub convoy_calls: Option<u64>,
}

impl Experiment for CompareCpython {
    const NAME: &'static str = "compare-cpython";
    const CLAIM: &'static str = "the simulator's CPU-bound ratio, I/O speedup, convoy latency and lost updates match CPython's for the matching policy";

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let n = *self.n.get_or_insert(N.pick(ctx.quick));
        let convoy_calls = *self
            .convoy_calls
            .get_or_insert(CONVOY_CALLS.pick(ctx.quick));
        let paths: Vec<Option<PathBuf>> = if self.python.is_empty() {
            vec![None]
        } else {
            self.python.iter().cloned().map(Some).collect()
        };
        let mut report = Report::new(Verdict::Info, "");
        let (mut judged, mut all, mut compared) = (0, Judgement::Holds, 0);
        let mut summary: Vec<(String, Policy, Vec<Row>)> = Vec::new();
        for path in paths {
            let shown = path
                .as_ref()
                .map_or("python3".into(), |p| p.display().to_string());
            let Some(py) = Python::find(path.as_deref()) else {
                report.say(format!("{shown}: no Python found there; skipped"));
                continue;
            };
            let (policy, rows, losses_match) = match measure(ctx, &py, n, convoy_calls, &mut report)
            {
                Ok(r) => r,
                Err(e) => {
                    report.say(format!("{shown} {}: skipped: {e:#}", py.version_string()));
                    continue;
                }
            };
            compared += 1;
            report.say(format!(
                "  {:<18} {:>12} {:>12} {:>9}",
                "figure", "CPython", "gil-sim", "sim/CPy"
            ));
            for r in &rows {
                let show = |v: f64| match r.unit {
                    "s" => human_time(v),
                    "fraction" => format!("{:.1}%", v * 100.0),
                    _ => format!("{v:.3}"),
                };
                report.say(format!(
                    "  {:<18} {:>12} {:>12} {:>9}{}",
                    r.name,
                    show(r.cpython),
                    show(r.sim),
                    if r.cpython == 0.0 {
                        "-".to_string()
                    } else {
                        format!("{:.2}", r.sim / r.cpython)
                    },
                    tolerance_note(r)
                ));
            }
            report.say(format!(
                "  lost updates {} between CPython and gil-sim --gil {}",
                if losses_match { "agree" } else { "DISAGREE" },
                policy.name()
            ));
            if policy == Policy::Py311 {
                judged += 1;
                all = all
                    .and(Judgement::from_bool(losses_match))
                    .and(Judgement::all(rows.iter().map(Row::judge)));
            }
            summary.push((py.version_string(), policy, rows));
        }
        // The key figures: sim/CPython of the three figures judged under
        // the 3.10+ GIL (the first three rows), of the first interpreter
        // compared with py311 (else the first compared). Every interpreter's
        // figures, both sides, are the series.
        let key = summary.iter().find(|(_, p, _)| *p == Policy::Py311);
        if let Some((_, _, rows)) = key.or(summary.first()) {
            for r in rows.iter().take(3) {
                report.push_metric(
                    format!("{}_sim_over_cpython", r.name),
                    r.sim / r.cpython,
                    "x",
                );
            }
        }
        let points: Vec<_> = summary
            .iter()
            .filter_map(|(v, p, rows)| side_by_side(v, *p, rows))
            .collect();
        report.push_series(&points);
        if summary.len() > 1 {
            for line in summary_table(&summary) {
                report.say(line);
            }
        }
        if judged > 0 {
            report.judge(all);
            report.detail = format!(
                "{judged} interpreter(s) with the 3.10+ GIL compared with py311: {}",
                match all {
                    Judgement::Holds => "all figures within tolerance and lost updates agree",
                    Judgement::Fails => {
                        "a figure outside twice its tolerance, or lost updates disagree (see table)"
                    }
                    Judgement::Undecided => {
                        "undecided: a figure between its tolerance and twice it, or a disturbed \
                         CPU run (see table)"
                    }
                }
            );
        } else {
            report.detail = if compared == 0 {
                "no Python could be run: comparison skipped".into()
            } else {
                "compared, nothing judged (fidelity targets are set for the 3.10+ GIL)".into()
            };
        }
        Ok(report)
    }
}

/// How a row stands against its tolerance, for the table.
fn tolerance_note(r: &Row) -> String {
    let Some(t) = r.tolerance else {
        return String::new();
    };
    if r.disturbed() {
        return format!(
            "  disturbed run: a ratio below {MIN_GIL_RATIO} is impossible under a GIL (two threads beat one), not judged"
        );
    }
    let target = if r.judged {
        ""
    } else {
        " (target, not judged)"
    };
    match r.against_tolerance() {
        Judgement::Holds => format!("  within ±{:.0}%{target}", t * 100.0),
        Judgement::Fails => format!("  OUTSIDE ±{:.0}%{target}", t * 200.0),
        Judgement::Undecided => format!(
            "  outside ±{:.0}%, inside ±{:.0}%{target}",
            t * 100.0,
            t * 200.0
        ),
    }
}

/// One table over every interpreter compared: per figure, sim/CPython and
/// whether it is inside its tolerance (`ok`, `~` between the tolerance and
/// twice it, `NO` outside, `dist.` a disturbed run).
fn summary_table(summary: &[(String, Policy, Vec<Row>)]) -> Vec<String> {
    let mut lines = vec![format!(
        "  {:<22} {}",
        "sim/CPython",
        summary
            .iter()
            .map(|(v, p, _)| format!("{:>18}", format!("{v} ({})", p.name())))
            .collect::<String>()
    )];
    let names: Vec<&str> = summary[0].2.iter().map(|r| r.name).collect();
    for name in names {
        let cells: String = summary
            .iter()
            .map(|(_, _, rows)| {
                let Some(r) = rows.iter().find(|r| r.name == name) else {
                    return format!("{:>18}", "-");
                };
                let ratio = if r.cpython == 0.0 && r.sim == 0.0 {
                    "both 0".to_string()
                } else if r.cpython == 0.0 {
                    "CPy 0".to_string()
                } else {
                    format!("{:.2}", r.sim / r.cpython)
                };
                let mark = match (r.tolerance, r.disturbed(), r.against_tolerance()) {
                    (None, ..) => "",
                    (_, true, _) => " dist.",
                    (_, _, Judgement::Holds) => " ok",
                    (_, _, Judgement::Undecided) => " ~",
                    (_, _, Judgement::Fails) => " NO",
                };
                format!("{:>18}", format!("{ratio}{mark}"))
            })
            .collect();
        let tol = summary[0]
            .2
            .iter()
            .find(|r| r.name == name)
            .and_then(|r| r.tolerance)
            .map_or(String::new(), |t| format!(" ±{:.0}%", t * 100.0));
        lines.push(format!("  {:<22} {cells}", format!("{name}{tol}")));
    }
    lines
}
