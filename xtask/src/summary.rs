//! The summary table `run-all` ends with: demo, experiment, key figures,
//! verdict, wall time; one row per record, and a row for each demo that
//! failed, hung, printed garbage, or has no experiments yet. With
//! `--repeat N`, one row per experiment over all runs instead.

use crate::contract::record::{Record, Verdict};
use crate::contract::show;
use crate::repeat::Tally;
use crate::runner::{Ending, Outcome};

/// How many metrics a row shows.
const KEY_FIGURES: usize = 2;

/// Renders the table for `outcomes`.
pub fn table<'a>(outcomes: impl IntoIterator<Item = &'a Outcome>) -> String {
    let mut rows = vec![["demo", "experiment", "key figures", "verdict", "time"].map(String::from)];
    let mut notes = Vec::new();
    for o in outcomes {
        for (rec, secs) in &o.records {
            if rec.verdict != Verdict::Holds {
                notes.push(note(&rec.demo, &rec.experiment, rec.verdict, &rec.detail));
            }
            let figures = shown_figures(rec, KEY_FIGURES).join(", ");
            rows.push([
                o.demo.clone(),
                rec.experiment.clone(),
                figures,
                rec.verdict.as_str().to_string(),
                format!("{secs:.1}s"),
            ]);
        }
        rows.extend(problem_row(o));
    }
    with_notes(render(&rows), &notes)
}

/// `  demo experiment (info): detail`: why a run did not hold.
fn note(demo: &str, experiment: &str, verdict: Verdict, detail: &str) -> String {
    format!("  {demo} {experiment} ({}): {detail}\n", verdict.as_str())
}

/// The table, then why each run that did not hold came out as it did.
fn with_notes(mut table: String, notes: &[String]) -> String {
    if !notes.is_empty() {
        table.push_str("why these runs did not hold:\n");
        for n in notes {
            table.push_str(n);
        }
    }
    table
}

/// Renders `--repeat`'s table: per experiment the verdict counts, the
/// majority (marked unstable when the runs disagreed), and the key figure's
/// median with its range over the runs; then a row per failed run, and a
/// closing line with the count of experiments whose runs disagreed.
pub fn repeat_table(tallies: &[Tally], failed: &[&Outcome]) -> String {
    let mut rows = vec![
        [
            "demo",
            "experiment",
            "key figure: median [min..max]",
            "verdicts",
            "majority",
        ]
        .map(String::from),
    ];
    for t in tallies {
        let figure = match (&t.key, t.figure_stats()) {
            (Some((name, unit)), Some(s)) => {
                let (med, u) = show::metric(s.median, unit);
                let (lo, _) = show::metric(s.min, unit);
                let (hi, _) = show::metric(s.max, unit);
                format!("{name} {med} [{lo}..{hi}] {u}")
                    .trim_end()
                    .to_string()
            }
            _ => "-".into(),
        };
        let majority = t.majority().as_str();
        rows.push([
            t.demo.clone(),
            t.experiment.clone(),
            figure,
            t.counts_text(),
            if t.unstable() {
                format!("{majority} (unstable)")
            } else {
                majority.to_string()
            },
        ]);
    }
    for o in failed {
        rows.extend(problem_row(o));
    }
    let unstable = crate::repeat::disagreements(tallies);
    let notes: Vec<String> = tallies
        .iter()
        .flat_map(|t| {
            t.notes
                .iter()
                .map(|(v, d)| note(&t.demo, &t.experiment, *v, d))
        })
        .collect();
    format!(
        "{}{unstable} of {} experiments unstable (their runs disagreed)\n",
        with_notes(render(&rows), &notes),
        tallies.len()
    )
}

/// The row for a demo that failed, hung, printed garbage or has nothing yet.
fn problem_row(o: &Outcome) -> Option<[String; 5]> {
    let problem = match &o.ending {
        Ending::Ok if o.records.is_empty() => "(no experiments yet)".to_string(),
        Ending::Ok => return None,
        Ending::Failed(why) => format!("FAILED: {why}"),
        Ending::BadOutput(why) => format!("FAILED: invalid output: {why}"),
        Ending::TimedOut(limit) => format!("FAILED: hung past {}s; killed", limit.as_secs()),
        Ending::Interrupted => "interrupted".to_string(),
    };
    let verdict = if o.ok() { "-" } else { "error" };
    Some([
        o.demo.clone(),
        "-".into(),
        problem,
        verdict.into(),
        format!("{:.1}s", o.wall.as_secs_f64()),
    ])
}

/// What a row shows of a record: for a claim that failed in one of its
/// parts, the figure that failed it with its bar; else its first `n` key
/// figures. (The summary shows two, the report's table three.)
pub fn shown_figures(rec: &Record, n: usize) -> Vec<String> {
    if rec.verdict == Verdict::DoesNotHold
        && let Some((name, value, unit, on)) = rec.failed_figure()
    {
        return vec![show::failed_figure(name, value, unit, on.symbol(), on.bar)];
    }
    rec.key_figures(n)
        .iter()
        .map(|(name, value, unit)| show::figure(name, *value, unit))
        .collect()
}

fn render(rows: &[[String; 5]]) -> String {
    let mut width = [0; 5];
    for row in rows {
        for (w, cell) in width.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .zip(width)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
        if i == 0 {
            let rule: Vec<String> = width.iter().map(|&w| "-".repeat(w)).collect();
            out.push_str(&rule.join("  "));
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::record::{Report, Verdict};
    use std::time::Duration;

    #[test]
    fn rows_show_figures_verdicts_and_problems() {
        let rec = Report::new(Verdict::Holds, "d")
            .metric("speedup", 1.93, "x")
            .metric("efficiency", 0.96, "")
            .into_record("p", "cpu-bound", "c", Default::default());
        let outcomes = [
            Outcome {
                demo: "p".into(),
                records: vec![(rec, 1.5)],
                ending: Ending::Ok,
                stderr_tail: String::new(),
                wall: Duration::from_secs(2),
            },
            Outcome {
                demo: "q".into(),
                records: vec![],
                ending: Ending::Ok,
                stderr_tail: String::new(),
                wall: Duration::ZERO,
            },
            Outcome {
                demo: "r".into(),
                records: vec![],
                ending: Ending::TimedOut(Duration::from_secs(9)),
                stderr_tail: String::new(),
                wall: Duration::from_secs(9),
            },
        ];
        let t = table(&outcomes);
        assert!(
            t.contains("cpu-bound") && t.contains("speedup 1.93×, efficiency 0.960"),
            "{t}"
        );
        assert!(t.contains("holds") && t.contains("1.5s"), "{t}");
        assert!(t.contains("(no experiments yet)"), "{t}");
        assert!(
            t.contains("FAILED: hung past 9s; killed") && t.contains("error"),
            "{t}"
        );
    }

    #[test]
    fn the_repeat_table_counts_verdicts_and_marks_disagreement() {
        let rec = |exp: &str, v, f| {
            Report::new(v, "d").metric("speedup", f, "x").into_record(
                "p",
                exp,
                "c",
                Default::default(),
            )
        };
        let recs = [
            rec("steady", Verdict::Holds, 1.9),
            rec("flaky", Verdict::Holds, 1.0),
            rec("steady", Verdict::Holds, 2.0),
            rec("flaky", Verdict::DoesNotHold, 3.0),
            rec("steady", Verdict::Holds, 1.8),
            rec("flaky", Verdict::Holds, 2.0),
        ];
        let hung = Outcome {
            demo: "r".into(),
            records: vec![],
            ending: Ending::TimedOut(Duration::from_secs(9)),
            stderr_tail: String::new(),
            wall: Duration::from_secs(9),
        };
        let t = repeat_table(&crate::repeat::tally(&recs), &[&hung]);
        let line = |exp: &str| {
            t.lines()
                .find(|l| l.contains(exp))
                .unwrap_or("")
                .to_string()
        };
        assert!(
            line("steady").contains("speedup 1.90× [1.80×..2.00×]"),
            "{t}"
        );
        assert!(
            line("steady").contains("holds 3/3") && !line("steady").contains("unstable"),
            "{t}"
        );
        assert!(
            line("flaky").contains("holds 2/3 · does-not-hold 1/3"),
            "{t}"
        );
        assert!(line("flaky").contains("holds (unstable)"), "{t}");
        assert!(t.contains("FAILED: hung past 9s"), "{t}");
        assert!(t.contains("1 of 2 experiments unstable"), "{t}");
        // Why the run that did not hold came out so, in the log itself.
        assert!(
            t.contains("why these runs did not hold:") && t.contains("p flaky (does-not-hold): d"),
            "{t}"
        );
        assert!(!t.contains("p steady ("), "{t}");
    }

    #[test]
    fn a_claim_that_failed_shows_the_figure_that_failed_it_with_its_bar() {
        let mut report = Report::new(Verdict::DoesNotHold, "d")
            .metric("lock_over_std_mutex", 0.99, "x")
            .metric("queue_mpmc_over_cpython", 44.0, "x");
        report.failed_on = Some(crate::contract::record::FailedOn {
            metric: "queue_mpmc_over_cpython".into(),
            op: ">=".into(),
            bar: 50.0,
        });
        let rec = report.into_record("t", "cost", "c", Default::default());
        assert_eq!(
            shown_figures(&rec, KEY_FIGURES).join(", "),
            "queue_mpmc_over_cpython 44.00× (needs ≥ 50.00×)"
        );
        // The same figures under a verdict that is not a failure: key figures.
        let mut holds = rec.clone();
        holds.verdict = Verdict::Info;
        assert!(shown_figures(&holds, KEY_FIGURES)[0].starts_with("lock_over_std_mutex 0.99×"));
    }
}
