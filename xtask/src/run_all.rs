//! `cargo xtask run-all` and `cargo xtask list`: build the demos once in
//! release, run each with `--json` under a time limit (every demo once a
//! round, for `--repeat N` rounds), show progress, and end with the summary
//! table.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::process::Command;
use std::time::Duration;

use crate::DEMOS;
use crate::contract::record::{Listing, Record};
use crate::progress::Progress;
use crate::runner::{Ending, Outcome, run_demo, stdout_with_limit};
use crate::workspace::build_release;

/// `run-all`'s options.
#[derive(Debug, Clone)]
pub struct Options {
    /// Pass `--quick` to every demo.
    pub quick: bool,
    /// Pass the records through on stdout (everything else goes to stderr).
    pub json: bool,
    /// The time limit for each demo.
    pub timeout: Duration,
    /// How many rounds: every demo runs once a round, so a slow phase of the
    /// machine hits every demo alike rather than all runs of one.
    pub repeat: usize,
}

/// Runs every demo; returns `true` when every one ran cleanly (whatever the
/// verdicts: an `info` or a `does-not-hold` is a result, not a failure).
pub fn run_all(opts: &Options) -> anyhow::Result<bool> {
    let rounds = run_demos(opts, |rec| {
        if opts.json {
            print_json(rec);
        }
    })?;
    let table = summary(&rounds, opts.repeat);
    if opts.json && opts.repeat > 1 {
        let records = rounds.iter().flatten().flat_map(|o| &o.records);
        for t in &crate::repeat::tally(records.map(|(rec, _)| rec)) {
            print_json(&t.summary());
        }
    }
    // The human summary goes to stdout, unless stdout carries the JSON lines.
    if opts.json {
        eprintln!("\n{table}");
    } else {
        println!("\n{table}");
    }
    Ok(report_failures(rounds.iter().flatten(), opts))
}

/// The summary table of `rounds`: one row per experiment, or, after
/// several rounds, each experiment's verdicts tallied across them.
pub fn summary(rounds: &[Vec<Outcome>], repeat: usize) -> String {
    if repeat > 1 {
        let records = rounds.iter().flatten().flat_map(|o| &o.records);
        let tallies = crate::repeat::tally(records.map(|(rec, _)| rec));
        crate::summary::repeat_table(&tallies, &failures(rounds))
    } else {
        crate::summary::table(rounds.iter().flatten())
    }
}

fn print_json(value: &impl serde::Serialize) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", serde_json::to_string(value).expect("serializes"));
}

/// The runs that failed, hung or printed garbage, whichever round.
fn failures(rounds: &[Vec<Outcome>]) -> Vec<&Outcome> {
    rounds.iter().flatten().filter(|o| !o.ok()).collect()
}

/// Builds the demos once and runs each under the time limit, `opts.repeat`
/// rounds of every demo in turn, showing progress on stderr; `sink` sees
/// every valid record as it arrives. Returns each round's outcomes.
pub fn run_demos(
    opts: &Options,
    mut sink: impl FnMut(&Record),
) -> anyhow::Result<Vec<Vec<Outcome>>> {
    let bins = build_release(&DEMOS)?;
    // Each demo's experiments, for the live line: asked once, and only
    // where the line shows (none if a demo cannot list them: its run then
    // shows only finished experiments).
    let names: BTreeMap<&str, Vec<String>> = if std::io::stderr().is_terminal() {
        DEMOS
            .iter()
            .filter_map(|d| Some((*d, listing(&bins[*d]).ok()?)))
            .map(|(d, l)| (d, l.experiments.into_iter().map(|e| e.name).collect()))
            .collect()
    } else {
        BTreeMap::new()
    };
    let repeat = opts.repeat.max(1);
    let mut rounds = Vec::with_capacity(repeat);
    for round in 1..=repeat {
        let mut outcomes = Vec::new();
        for (i, demo) in DEMOS.iter().enumerate() {
            let of_round = if repeat > 1 {
                format!(" (round {round}/{repeat})")
            } else {
                String::new()
            };
            eprintln!("[{}/{}] {demo}{of_round}", i + 1, DEMOS.len());
            let mut cmd = Command::new(&bins[*demo]);
            cmd.arg("--json");
            if opts.quick {
                cmd.arg("--quick");
            }
            let progress = Progress::start(names.get(demo).cloned().unwrap_or_default());
            let outcome = run_demo(demo, cmd, opts.timeout, |rec, secs| {
                progress.say(&format!(
                    "      {:<22} {:<14} {secs:>6.1}s",
                    rec.experiment,
                    rec.verdict.as_str()
                ));
                sink(rec);
            })?;
            drop(progress);
            if !outcome.ok() && outcome.ending != Ending::Interrupted {
                eprintln!(
                    "      {demo} failed; the end of its stderr:\n{}",
                    indent(&outcome.stderr_tail)
                );
            }
            outcomes.push(outcome);
            if crate::interrupt::interrupted() {
                break;
            }
        }
        rounds.push(outcomes);
        if crate::interrupt::interrupted() {
            break;
        }
    }
    Ok(rounds)
}

/// Says which demos failed and how to re-run each; `true` when none did.
pub fn report_failures<'a>(
    outcomes: impl IntoIterator<Item = &'a Outcome>,
    opts: &Options,
) -> bool {
    let failed: Vec<&Outcome> = outcomes.into_iter().filter(|o| !o.ok()).collect();
    for o in &failed {
        let why = match &o.ending {
            Ending::Interrupted => continue,
            Ending::TimedOut(_) => "hung",
            Ending::BadOutput(_) => "printed invalid output",
            _ => "failed",
        };
        let quick = if opts.quick { " --quick" } else { "" };
        eprintln!(
            "{} {why}; re-run: cargo xtask run {} --json{quick}",
            o.demo, o.demo
        );
    }
    failed.is_empty()
}

/// Prints every demo's experiments, read from each binary's `list --json`.
pub fn list() -> anyhow::Result<()> {
    let bins = build_release(&DEMOS)?;
    for demo in DEMOS {
        let listing = listing(&bins[demo])?;
        anyhow::ensure!(
            listing.demo == demo,
            "{demo} list --json names the demo {:?}",
            listing.demo
        );
        println!("{demo}");
        if listing.experiments.is_empty() {
            println!("  (no experiments yet; this demo is not built yet)");
        }
        for e in &listing.experiments {
            println!("  {:<20} {}", e.name, e.claim);
        }
        for t in &listing.tools {
            println!("  {:<20} (tool) {}", t.name, t.about);
        }
    }
    Ok(())
}

/// What the demo binary `bin` says it runs: its `list --json`, read under
/// a time limit.
fn listing(bin: &std::path::Path) -> anyhow::Result<Listing> {
    let (status, out) = stdout_with_limit(
        Command::new(bin).args(["list", "--json"]),
        Duration::from_secs(10),
    )?;
    anyhow::ensure!(
        status.is_some_and(|s| s.success()),
        "{} list failed",
        bin.display()
    );
    Listing::parse(&out).map_err(|e| anyhow::anyhow!("{} list --json printed {e}", bin.display()))
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("      | {l}\n")).collect()
}
