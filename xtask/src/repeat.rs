//! `--repeat N`: every experiment run N times, and per experiment how often
//! each verdict came out and how its key figure spread over the runs. This is
//! what a user runs before trusting a verdict: a claim whose runs disagree is
//! marked *unstable*, and its majority verdict is shown beside the counts.

use serde::Serialize;

use crate::contract::measure::Stats;
use crate::contract::record::{Record, Verdict};

/// Every run of one experiment, gathered across the rounds.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    /// The demo's name.
    pub demo: String,
    /// The experiment's name.
    pub experiment: String,
    /// The verdict of each run, in the order they ran.
    pub verdicts: Vec<Verdict>,
    /// The key figure's name and unit (the first metric of the first run).
    pub key: Option<(String, String)>,
    /// The key figure of each run that reported it.
    pub figures: Vec<f64>,
    /// Why runs did not hold: the verdict and detail of each such run
    /// (the first [`MAX_NOTES`]), so a log can say why a run was `info`.
    pub notes: Vec<(Verdict, String)>,
}

/// Details kept per experiment of the runs that did not hold.
pub const MAX_NOTES: usize = 3;

/// The verdicts in the order they are listed.
const ORDER: [Verdict; 3] = [Verdict::Holds, Verdict::DoesNotHold, Verdict::Info];

impl Tally {
    /// How many runs there were.
    pub fn runs(&self) -> usize {
        self.verdicts.len()
    }

    /// How many runs gave `v`.
    pub fn count(&self, v: Verdict) -> usize {
        self.verdicts.iter().filter(|&&x| x == v).count()
    }

    /// The most frequent verdict. A tie goes to `info` when it is among the
    /// tied (the runs could not decide), else to the one listed first.
    pub fn majority(&self) -> Verdict {
        let best = ORDER.iter().map(|&v| self.count(v)).max().unwrap_or(0);
        let tied: Vec<Verdict> = ORDER
            .into_iter()
            .filter(|&v| self.count(v) == best)
            .collect();
        if tied.len() > 1 && tied.contains(&Verdict::Info) {
            Verdict::Info
        } else {
            tied[0]
        }
    }

    /// True when the runs did not all give the same verdict.
    pub fn unstable(&self) -> bool {
        ORDER.iter().filter(|&&v| self.count(v) > 0).count() > 1
    }

    /// `holds 5/5`, or `holds 3/5 · does-not-hold 2/5`, most frequent first.
    pub fn counts_text(&self) -> String {
        let mut seen: Vec<(Verdict, usize)> = ORDER
            .iter()
            .map(|&v| (v, self.count(v)))
            .filter(|&(_, n)| n > 0)
            .collect();
        seen.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
        seen.iter()
            .map(|(v, n)| format!("{} {n}/{}", v.as_str(), self.runs()))
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// Median, min and max of the key figure over the runs.
    pub fn figure_stats(&self) -> Option<Stats> {
        (!self.figures.is_empty()).then(|| Stats::of(&self.figures))
    }

    /// The run whose key figure is the median one: a real measured record
    /// that stands for all the runs (the report shows it).
    pub fn median_index(&self) -> usize {
        let mut order: Vec<usize> = (0..self.figures.len()).collect();
        order.sort_by(|&a, &b| self.figures[a].total_cmp(&self.figures[b]));
        order
            .get(order.len().saturating_sub(1) / 2)
            .copied()
            .unwrap_or(0)
    }

    /// The summary record `--json` prints after every run's records.
    pub fn summary(&self) -> Summary {
        let stats = self.figure_stats();
        let (name, unit) = self.key.clone().unzip();
        Summary {
            summary: SUMMARY_SCHEMA,
            demo: self.demo.clone(),
            experiment: self.experiment.clone(),
            runs: self.runs(),
            holds: self.count(Verdict::Holds),
            does_not_hold: self.count(Verdict::DoesNotHold),
            info: self.count(Verdict::Info),
            majority: self.majority(),
            unstable: self.unstable(),
            key_figure: name,
            unit,
            median: stats.map(|s| s.median),
            min: stats.map(|s| s.min),
            max: stats.map(|s| s.max),
        }
    }
}

/// The version of [`Summary`]'s shape; its `summary` field tells a summary
/// line apart from a record line in the same stream.
pub const SUMMARY_SCHEMA: u32 = 1;

/// One experiment over all runs, as one JSON line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Always [`SUMMARY_SCHEMA`]; records have no `summary` field.
    pub summary: u32,
    /// The demo.
    pub demo: String,
    /// The experiment.
    pub experiment: String,
    /// Number of runs.
    pub runs: usize,
    /// Runs that held.
    pub holds: usize,
    /// Runs that did not hold.
    pub does_not_hold: usize,
    /// Runs that only informed.
    pub info: usize,
    /// The most frequent verdict.
    pub majority: Verdict,
    /// True when the runs disagreed.
    pub unstable: bool,
    /// The key figure's metric name.
    pub key_figure: Option<String>,
    /// Its unit.
    pub unit: Option<String>,
    /// Its median over the runs.
    pub median: Option<f64>,
    /// Its smallest value.
    pub min: Option<f64>,
    /// Its largest value.
    pub max: Option<f64>,
}

/// True when `line` is a [`Summary`] (it has a top-level `summary` field).
pub fn is_summary_line(line: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(line)
        .is_ok_and(|v| v.get("summary").is_some_and(serde_json::Value::is_u64))
}

/// Gathers `records` (every round's, in any order) per experiment, in the
/// order experiments first appear.
pub fn tally<'a>(records: impl IntoIterator<Item = &'a Record>) -> Vec<Tally> {
    let mut out: Vec<Tally> = Vec::new();
    for rec in records {
        let i = match out
            .iter()
            .position(|t| t.demo == rec.demo && t.experiment == rec.experiment)
        {
            Some(i) => i,
            None => {
                out.push(Tally {
                    demo: rec.demo.clone(),
                    experiment: rec.experiment.clone(),
                    verdicts: Vec::new(),
                    key: rec
                        .key_figures(1)
                        .first()
                        .map(|&(n, _, u)| (n.to_string(), u.to_string())),
                    figures: Vec::new(),
                    notes: Vec::new(),
                });
                out.len() - 1
            }
        };
        let t = &mut out[i];
        t.verdicts.push(rec.verdict);
        if rec.verdict != Verdict::Holds && t.notes.len() < MAX_NOTES {
            t.notes.push((rec.verdict, rec.detail.clone()));
        }
        if let Some((name, _)) = &t.key
            && let Some(v) = rec.metrics.get(name).and_then(serde_json::Value::as_f64)
        {
            t.figures.push(v);
        }
    }
    out
}

/// How many experiments' runs disagreed.
pub fn disagreements(tallies: &[Tally]) -> usize {
    tallies.iter().filter(|t| t.unstable()).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::record::Report;

    fn rec(exp: &str, v: Verdict, figure: f64) -> Record {
        Report::new(v, "d")
            .metric("speedup", figure, "x")
            .into_record("demo", exp, "c", Default::default())
    }

    #[test]
    fn runs_that_agree_are_stable_and_counted() {
        let recs: Vec<Record> = [1.9, 2.0, 1.8]
            .iter()
            .map(|&f| rec("a", Verdict::Holds, f))
            .collect();
        let t = &tally(&recs)[0];
        assert_eq!(
            (t.runs(), t.majority(), t.unstable()),
            (3, Verdict::Holds, false)
        );
        assert_eq!(t.counts_text(), "holds 3/3");
        let s = t.figure_stats().unwrap();
        assert_eq!((s.median, s.min, s.max), (1.9, 1.8, 2.0));
        assert_eq!(t.figures[t.median_index()], 1.9);
    }

    #[test]
    fn runs_that_disagree_are_unstable_with_the_majority_first() {
        let recs = [
            rec("a", Verdict::DoesNotHold, 1.0),
            rec("b", Verdict::Info, 5.0),
            rec("a", Verdict::Holds, 2.0),
            rec("a", Verdict::Holds, 3.0),
        ];
        let all = tally(&recs);
        assert_eq!(all.len(), 2);
        assert_eq!(
            (all[0].experiment.as_str(), all[1].experiment.as_str()),
            ("a", "b")
        );
        let a = &all[0];
        assert!(a.unstable());
        assert_eq!(a.majority(), Verdict::Holds);
        assert_eq!(a.counts_text(), "holds 2/3 · does-not-hold 1/3");
        assert_eq!(disagreements(&all), 1);
        let line = serde_json::to_string(&a.summary()).unwrap();
        assert!(
            is_summary_line(&line) && !is_summary_line(&serde_json::to_string(&recs[0]).unwrap())
        );
        let json: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(json["summary"], 1);
        assert_eq!(json["majority"], "holds");
        assert_eq!(
            (json["holds"].as_u64(), json["does_not_hold"].as_u64()),
            (Some(2), Some(1))
        );
        assert_eq!(json["median"], 2.0);
    }

    #[test]
    fn a_tie_with_info_is_undecided() {
        let recs = [rec("a", Verdict::Holds, 1.0), rec("a", Verdict::Info, 1.0)];
        assert_eq!(tally(&recs)[0].majority(), Verdict::Info);
        let recs = [
            rec("a", Verdict::Holds, 1.0),
            rec("a", Verdict::DoesNotHold, 1.0),
        ];
        assert_eq!(tally(&recs)[0].majority(), Verdict::Holds);
    }
}
