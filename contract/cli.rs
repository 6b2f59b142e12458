//! The demo CLI every binary shares: `list`, no-argument run of everything,
//! one experiment by name with its flags, global `--quick`, `--json` and
//! `--repeats`; exit 0 when the experiments ran, 2 on bad arguments, 1 when
//! the program itself failed.
//!
//! A crate describes itself with a [`Demo`]: its experiments ([`Entry`],
//! built from an [`Experiment`](super::Experiment) with [`Entry::of`]) and any extra commands
//! ([`ToolEntry`], built from a [`Tool`](super::Tool)). `main.rs` is then one line:
//! `fn main() -> ExitCode { DEMO.main() }`.

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::{Map, Value};

use super::experiment::{Ctx, Entry, ToolEntry};
use super::judge::{ATTEMPT_BUDGET, ATTEMPTS};
use super::record::{Report, Verdict};
use super::steal::{CpuTimes, STEAL_LIMIT};

/// What `list` and a full run say of a demo with no experiments.
const NOT_BUILT: &str = "no experiments yet; this demo is not built yet.";

/// A demo binary: its name, what it teaches, its experiments and tools.
///
/// # Example
#[doc = concat!("```\nuse ", env!("CARGO_CRATE_NAME"), "::contract::{Ctx, Demo, Entry, Experiment, Report, Verdict};\n\n/// `sum` adds 1..=n and checks it against n(n+1)/2.\n#[derive(Debug, clap::Args, serde::Serialize)]\nstruct Sum {\n    /// How many numbers.\n    #[arg(long, default_value_t = 100)]\n    n: u64,\n}\n\nimpl Experiment for Sum {\n    const NAME: &'static str = \"sum\";\n    const CLAIM: &'static str = \"the sum of 1..=n is n(n+1)/2\";\n    fn run(&self, _ctx: &Ctx) -> anyhow::Result<Report> {\n        let got: u64 = (1..=self.n).sum();\n        let ok = got == self.n * (self.n + 1) / 2;\n        Ok(Report::new(Verdict::from_bool(ok), format!(\"sum {got}\")).metric(\"sum\", got as f64, \"\"))\n    }\n}\n\nstatic DEMO: Demo = Demo { name: \"example\", about: \"an example\", experiments: &[Entry::of::<Sum>()], tools: &[] };\nassert_eq!(DEMO.main_from([\"example\", \"sum\", \"--n\", \"10\"]), std::process::ExitCode::SUCCESS);\nassert_eq!(DEMO.main_from([\"example\", \"sum\", \"--n\", \"ten\"]), std::process::ExitCode::from(2));\n```")]
#[derive(Debug)]
pub struct Demo {
    /// The binary's name (`gil-sim`).
    pub name: &'static str,
    /// One line on what the demo shows.
    pub about: &'static str,
    /// The experiments, in the order a full run takes them.
    pub experiments: &'static [Entry],
    /// Extra commands that are not experiments.
    pub tools: &'static [ToolEntry],
}

impl Demo {
    /// The clap command: global flags, `list`, one subcommand per experiment and tool.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(self.name)
            .about(self.about)
            .after_help(
                "With no command, runs every experiment with its defaults.\n\
                 Exit status: 0 when the experiments ran (whatever the verdicts), \
                 2 on bad arguments, 1 when the program failed.\n\
                 `<experiment> --help` shows an experiment's own flags.",
            )
            .arg(flag(
                "quick",
                "Small sizes: the whole demo in a few seconds",
            ))
            .arg(flag(
                "json",
                "One JSON record per experiment on stdout (schema 1); human text on stderr",
            ))
            .arg(
                Arg::new("repeats")
                    .long("repeats")
                    .global(true)
                    .value_name("R")
                    .value_parser(clap::value_parser!(u32).range(1..))
                    .help("Measured repetitions per figure (after a warm-up run)"),
            )
            .subcommand(
                Command::new("list").about("List the experiments and the claim each one tests"),
            );
        // The help of each command starts with its claim (a derived
        // `Args` would put its struct's doc comment there), negative
        // numbers reach the value parsers (so `--threads -1` is told the
        // valid range, not "unexpected argument"), and the usage line is
        // the command's own, whatever flag an error mentions.
        let sub = |c: Command, about: &'static str| {
            let usage = format!("{} {} [OPTIONS]", self.name, c.get_name());
            c.about(about)
                .long_about(None)
                .override_usage(usage)
                .mut_args(|a| {
                    if a.get_action().takes_values() {
                        a.allow_negative_numbers(true)
                    } else {
                        a
                    }
                })
        };
        for e in self.experiments {
            cmd = cmd.subcommand(sub((e.args)(Command::new(e.name)), e.claim));
        }
        for t in self.tools {
            cmd = cmd.subcommand(sub((t.args)(Command::new(t.name)), t.about));
        }
        cmd
    }

    /// Parses `std::env::args_os()` and runs; the whole of a demo's `main`.
    ///
    /// A panic inside an experiment (a bug, or a resource the OS refused:
    /// no thread left under `ulimit -u`) ends that experiment with a
    /// one-line error naming where it happened, and the demo exits 1, not
    /// 101 with a backtrace.
    pub fn main(&self) -> ExitCode {
        std::panic::set_hook(Box::new(|info| {
            let line = format!(
                "panicked at {}: {}",
                info.location()
                    .map_or("?".into(), |l| format!("{}:{}", l.file(), l.line())),
                panic_text(info.payload())
            );
            // Inside an experiment the driver reports it (one line); elsewhere say it here.
            if IN_EXPERIMENT.load(Ordering::SeqCst) {
                *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = Some(line);
            } else {
                eprintln!("{line}");
            }
        }));
        self.main_from(std::env::args_os())
    }

    /// As [`Demo::main`], with explicit arguments (the first is the program name).
    pub fn main_from<I, T>(&self, args: I) -> ExitCode
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let matches = match self.command().try_get_matches_from(args) {
            Ok(m) => m,
            Err(e) => {
                let _ = e.print();
                if e.kind() == clap::error::ErrorKind::InvalidSubcommand {
                    eprintln!("`{} list` names every experiment and its claim.", self.name);
                }
                // An unsigned flag given a negative number: say what it takes.
                if let Some(clap::error::ContextValue::String(v)) =
                    e.get(clap::error::ContextKind::InvalidValue)
                    && v.starts_with('-')
                    && v[1..].parse::<f64>().is_ok()
                {
                    eprintln!(
                        "{v}: this flag takes a count or size, at least 1 (its range is in `--help`)."
                    );
                }
                return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
            }
        };
        let ctx = Ctx {
            quick: matches.get_flag("quick"),
            json: matches.get_flag("json"),
            repeats: matches.get_one::<u32>("repeats").map(|&r| r as usize),
        };
        match matches.subcommand() {
            Some(("list", _)) => self.list(&ctx),
            Some((name, sub)) => {
                if let Some(e) = self.experiments.iter().find(|e| e.name == name) {
                    return self.run_entries(&[(e, sub.clone())], &ctx);
                }
                let tool = self
                    .tools
                    .iter()
                    .find(|t| t.name == name)
                    .expect("clap knows every subcommand");
                match (tool.run)(sub, &ctx) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => fail(self.name, name, &e),
                }
            }
            None => self.run_all(&ctx),
        }
    }

    fn list(&self, ctx: &Ctx) -> ExitCode {
        if ctx.json {
            let list: Vec<Value> = self
                .experiments
                .iter()
                .map(|e| serde_json::json!({"name": e.name, "claim": e.claim}))
                .collect();
            println!(
                "{}",
                serde_json::json!({"demo": self.name, "experiments": list})
            );
        } else if self.experiments.is_empty() {
            println!("{}: {NOT_BUILT}", self.name);
        } else {
            let width = self
                .experiments
                .iter()
                .map(|e| e.name.len())
                .max()
                .unwrap_or(0);
            for e in self.experiments {
                println!("{:width$}  {}", e.name, e.claim);
            }
            if !self.tools.is_empty() {
                println!("\ntools:");
                for t in self.tools {
                    println!("{:width$}  {}", t.name, t.about);
                }
            }
        }
        ExitCode::SUCCESS
    }

    fn run_all(&self, ctx: &Ctx) -> ExitCode {
        if self.experiments.is_empty() {
            eprintln!("{}: {NOT_BUILT}", self.name);
            return ExitCode::SUCCESS;
        }
        let mut runs = Vec::new();
        for e in self.experiments {
            match (e.args)(Command::new(e.name)).try_get_matches_from([e.name]) {
                Ok(m) => runs.push((e, m)),
                Err(err) => {
                    return fail(self.name, e.name, &anyhow::anyhow!("default flags: {err}"));
                }
            }
        }
        self.run_entries(&runs, ctx)
    }

    fn run_entries(&self, runs: &[(&Entry, ArgMatches)], ctx: &Ctx) -> ExitCode {
        let mut failed = false;
        for (e, m) in runs {
            let started = Instant::now();
            match run_caught(e, m, ctx, started) {
                Ok((report, flags)) => emit(self.name, e, report, flags, ctx, started),
                Err(err) => {
                    fail(self.name, e.name, &err);
                    failed = true;
                }
            }
        }
        if failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        }
    }
}

/// True while an experiment runs under [`run_caught`].
static IN_EXPERIMENT: AtomicBool = AtomicBool::new(false);
/// Where and why the last panic inside an experiment happened.
static LAST_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// The text of a panic's payload.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// [`run_until_decided`], with a panic turned into an error.
fn run_caught(
    e: &Entry,
    m: &ArgMatches,
    ctx: &Ctx,
    started: Instant,
) -> anyhow::Result<(Report, Map<String, Value>)> {
    // A panic an earlier experiment caught itself must not be reported here.
    LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).take();
    IN_EXPERIMENT.store(true, Ordering::SeqCst);
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_until_decided(e, m, ctx, started)
    }));
    IN_EXPERIMENT.store(false, Ordering::SeqCst);
    out.unwrap_or_else(|payload| {
        let recorded = LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).take();
        Err(anyhow::anyhow!(
            "the experiment {}",
            recorded.unwrap_or_else(|| format!("panicked: {}", panic_text(&*payload)))
        ))
    })
}

/// Runs `e`; while its measurements cannot decide, runs it again, at most
/// [`ATTEMPTS`] times and not past [`ATTEMPT_BUDGET`]. Only an undecided
/// run is repeated, never a decided one, so a retry cannot tilt the verdict
/// towards either side: it only gives a disturbed machine a second chance
/// to say something. The detail says how many attempts it took.
fn run_until_decided(
    e: &Entry,
    m: &ArgMatches,
    ctx: &Ctx,
    started: Instant,
) -> anyhow::Result<(Report, Map<String, Value>)> {
    let mut attempt = 1;
    loop {
        let before = CpuTimes::now();
        let (mut report, flags) = (e.run)(m, ctx)?;
        if e.timed {
            distrust_if_stolen(&mut report, before, CpuTimes::now());
        }
        let again = report.undecided && attempt < ATTEMPTS && started.elapsed() < ATTEMPT_BUDGET;
        if !again {
            if attempt > 1 {
                let outcome = if report.undecided {
                    "still undecided"
                } else {
                    "decided"
                };
                report
                    .detail
                    .push_str(&format!(" [{outcome} on attempt {attempt} of {ATTEMPTS}]"));
            }
            return Ok((report, flags));
        }
        eprintln!(
            "  ({} {}: the measurements could not decide; measuring again, attempt {} of {ATTEMPTS})",
            e.name,
            report.detail,
            attempt + 1
        );
        attempt += 1;
    }
}

/// Turns a decided verdict into an undecided one when the host took more
/// than [`STEAL_LIMIT`] of the machine's time between `before` and
/// `after`: such a run's timings describe the neighbours.
fn distrust_if_stolen(report: &mut Report, before: Option<CpuTimes>, after: Option<CpuTimes>) {
    let Some(stolen) = before.zip(after).and_then(|(b, a)| b.steal_fraction(a)) else {
        return;
    };
    if report.undecided || report.verdict == Verdict::Info || stolen <= STEAL_LIMIT {
        return;
    }
    report.detail = format!(
        "undecided: the host took {:.0}% of this machine's CPU time while it measured \
         (steal, limit {:.0}%), so this run's \"{}\" is not trusted; {}",
        stolen * 100.0,
        STEAL_LIMIT * 100.0,
        report.verdict.as_str(),
        report.detail
    );
    report.verdict = Verdict::Info;
    report.undecided = true;
}

fn flag(name: &'static str, help: &'static str) -> Arg {
    Arg::new(name)
        .long(name)
        .global(true)
        .action(ArgAction::SetTrue)
        .help(help)
}

fn fail(demo: &str, what: &str, err: &anyhow::Error) -> ExitCode {
    eprintln!("{demo} {what}: error: {err:#}");
    ExitCode::FAILURE
}

/// Prints one experiment's outcome: human text (stdout, or stderr under
/// `--json`) and, under `--json`, the record as one line on stdout.
fn emit(
    demo: &str,
    e: &Entry,
    report: Report,
    flags: Map<String, Value>,
    ctx: &Ctx,
    started: Instant,
) {
    let mut text = format!("== {demo} {}: {}\n", e.name, e.claim);
    for line in &report.lines {
        text.push_str(&format!("  {line}\n"));
    }
    for (name, value, unit) in &report.metrics {
        let (shown, unit) = super::show::metric(*value, unit);
        let line = format!("  {name:<32} {shown:>14} {unit}");
        text.push_str(line.trim_end());
        text.push('\n');
    }
    // `holds` -> `HOLDS`, `does-not-hold` -> `DOES NOT HOLD`.
    let verdict = report.verdict.as_str().to_uppercase().replace('-', " ");
    text.push_str(&format!(
        "  verdict: {verdict}: {} ({:.1}s)\n\n",
        report.detail,
        started.elapsed().as_secs_f64()
    ));
    let record = report.into_record(demo, e.name, e.claim, flags);
    if ctx.json {
        eprint!("{text}");
        let line = serde_json::to_string(&record).expect("a record always serializes");
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    } else {
        print!("{text}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counters with `steal` of `total`.
    fn times(total: u64, steal: u64) -> Option<CpuTimes> {
        Some(CpuTimes {
            busy: total / 2,
            steal,
            total,
        })
    }

    #[test]
    fn a_decided_verdict_measured_under_heavy_steal_is_not_trusted() {
        let mut r = Report::new(Verdict::DoesNotHold, "1.1x");
        distrust_if_stolen(&mut r, times(0, 0), times(1000, 200));
        assert_eq!((r.verdict, r.undecided), (Verdict::Info, true));
        assert!(
            r.detail.starts_with("undecided: the host took 20%"),
            "{}",
            r.detail
        );
        assert!(
            r.detail.ends_with("\"does-not-hold\" is not trusted; 1.1x"),
            "{}",
            r.detail
        );
    }

    #[test]
    fn light_steal_info_and_no_witness_change_nothing() {
        let quiet = Report::new(Verdict::Holds, "1.9x");
        let mut r = quiet.clone();
        distrust_if_stolen(&mut r, times(0, 0), times(1000, 40));
        assert_eq!(r, quiet);
        distrust_if_stolen(&mut r, None, times(0, 100));
        assert_eq!(r, quiet);
        let info = Report::new(Verdict::Info, "figures only");
        let mut r = info.clone();
        distrust_if_stolen(&mut r, times(0, 0), times(100, 90));
        assert_eq!(r, info);
    }
}
