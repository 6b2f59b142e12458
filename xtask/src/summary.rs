//! The summary table `run-all` ends with: demo, experiment, key figures,
//! verdict, wall time; one row per record, and a row for each demo that
//! failed, hung, printed garbage, or has no experiments yet.

use crate::runner::{Ending, Outcome};

/// How many metrics a row shows.
const KEY_FIGURES: usize = 2;

/// Renders the table for `outcomes`.
pub fn table(outcomes: &[Outcome]) -> String {
    let mut rows = vec![["demo", "experiment", "key figures", "verdict", "time"].map(String::from)];
    for o in outcomes {
        for (rec, secs) in &o.records {
            let figures = rec
                .key_figures(KEY_FIGURES)
                .iter()
                .map(|(name, value, unit)| format!("{name} {} {unit}", number(*value)))
                .collect::<Vec<_>>()
                .join(", ");
            rows.push([
                o.demo.clone(),
                rec.experiment.clone(),
                figures,
                rec.verdict.as_str().to_string(),
                format!("{secs:.1}s"),
            ]);
        }
        let problem = match &o.ending {
            Ending::Ok if o.records.is_empty() => Some("(no experiments yet)".to_string()),
            Ending::Ok => None,
            Ending::Failed(why) => Some(format!("FAILED: {why}")),
            Ending::BadOutput(why) => Some(format!("FAILED: invalid output: {why}")),
            Ending::TimedOut(limit) => {
                Some(format!("FAILED: hung past {}s; killed", limit.as_secs()))
            }
        };
        if let Some(problem) = problem {
            let verdict = if o.ok() { "-" } else { "error" };
            rows.push([
                o.demo.clone(),
                "-".into(),
                problem,
                verdict.into(),
                format!("{:.1}s", o.wall.as_secs_f64()),
            ]);
        }
    }
    render(&rows)
}

/// A number with about four significant digits.
fn number(v: f64) -> String {
    let a = v.abs();
    if a != 0.0 && !(0.01..100_000.0).contains(&a) {
        format!("{v:.3e}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    }
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
            t.contains("cpu-bound") && t.contains("speedup 1.930 x, efficiency 0.960"),
            "{t}"
        );
        assert!(t.contains("holds") && t.contains("1.5s"), "{t}");
        assert!(t.contains("(no experiments yet)"), "{t}");
        assert!(
            t.contains("FAILED: hung past 9s; killed") && t.contains("error"),
            "{t}"
        );
    }
}
