//! The demo CLI every binary shares: `list`, no-argument run of everything,
//! one experiment by name with its flags, global `--quick`, `--json` and
//! `--repeats`; exit 0 when the experiments ran, 2 on bad arguments, 1 when
//! the program itself failed.
//!
//! A crate describes itself with a [`Demo`]: its experiments ([`Entry`],
//! built from an [`Experiment`] with [`Entry::of`]) and any extra commands
//! ([`ToolEntry`], built from a [`Tool`]). `main.rs` is then one line:
//! `fn main() -> ExitCode { DEMO.main() }`.

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Arg, ArgAction, ArgMatches, Command};
use serde_json::{Map, Value};

use super::record::{Report, Verdict};

/// Global settings every experiment sees.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    /// Small sizes: a whole crate in a few seconds.
    pub quick: bool,
    /// JSON records on stdout; human text goes to stderr.
    pub json: bool,
    /// Measured repetitions, when the user set `--repeats`.
    pub repeats: Option<usize>,
}

impl Ctx {
    /// The number of measured runs: `--repeats` if given, else `quick` or `full`.
    pub fn repeats_or(&self, full: usize, quick: usize) -> usize {
        self.repeats
            .unwrap_or(if self.quick { quick } else { full })
            .max(1)
    }

    /// `quick` under `--quick`, else `full`: for sizes the user did not set.
    pub fn pick<T>(&self, full: T, quick: T) -> T {
        if self.quick { quick } else { full }
    }
}

/// One experiment: its flags are a `clap::Args` struct that also serializes
/// into the record's `params`.
pub trait Experiment: clap::Args + serde::Serialize {
    /// The experiment's name on the command line (`cpu-bound`).
    const NAME: &'static str;
    /// The claim it tests, one sentence.
    const CLAIM: &'static str;
    /// Runs the experiment: measure, check, compute the verdict.
    fn run(&self, ctx: &Ctx) -> anyhow::Result<Report>;
}

/// A command of a demo that is not an experiment (e.g. `gil-sim dis`).
pub trait Tool: clap::Args {
    /// The command's name.
    const NAME: &'static str;
    /// One line of help.
    const ABOUT: &'static str;
    /// Runs the command, printing to stdout.
    fn run(&self, ctx: &Ctx) -> anyhow::Result<()>;
}

/// What a type-erased experiment returns: its report and its parsed flags.
type Ran = anyhow::Result<(Report, Map<String, Value>)>;

/// An experiment, type-erased so a demo can list them in a `static`.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// See [`Experiment::NAME`].
    pub name: &'static str,
    /// See [`Experiment::CLAIM`].
    pub claim: &'static str,
    args: fn(Command) -> Command,
    run: fn(&ArgMatches, &Ctx) -> Ran,
}

impl Entry {
    /// The entry for experiment `E`.
    pub const fn of<E: Experiment>() -> Entry {
        Entry {
            name: E::NAME,
            claim: E::CLAIM,
            args: E::augment_args,
            run: run_erased::<E>,
        }
    }
}

fn run_erased<E: Experiment>(
    m: &ArgMatches,
    ctx: &Ctx,
) -> anyhow::Result<(Report, Map<String, Value>)> {
    let params = E::from_arg_matches(m)?;
    let flags = match serde_json::to_value(&params)? {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    Ok((params.run(ctx)?, flags))
}

/// A [`Tool`], type-erased.
#[derive(Debug, Clone, Copy)]
pub struct ToolEntry {
    name: &'static str,
    about: &'static str,
    args: fn(Command) -> Command,
    run: fn(&ArgMatches, &Ctx) -> anyhow::Result<()>,
}

impl ToolEntry {
    /// The entry for tool `T`.
    pub const fn of<T: Tool>() -> ToolEntry {
        ToolEntry {
            name: T::NAME,
            about: T::ABOUT,
            args: T::augment_args,
            run: tool_erased::<T>,
        }
    }
}

fn tool_erased<T: Tool>(m: &ArgMatches, ctx: &Ctx) -> anyhow::Result<()> {
    T::from_arg_matches(m)?.run(ctx)
}

/// A demo binary: its name, what it teaches, its experiments and tools.
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
        for e in self.experiments {
            cmd = cmd.subcommand((e.args)(Command::new(e.name).about(e.claim)));
        }
        for t in self.tools {
            cmd = cmd.subcommand((t.args)(Command::new(t.name).about(t.about)));
        }
        cmd
    }

    /// Parses `std::env::args_os()` and runs; the whole of a demo's `main`.
    pub fn main(&self) -> ExitCode {
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
            println!(
                "{}: no experiments yet; this demo is not built yet.",
                self.name
            );
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
        }
        ExitCode::SUCCESS
    }

    fn run_all(&self, ctx: &Ctx) -> ExitCode {
        if self.experiments.is_empty() {
            eprintln!(
                "{}: no experiments yet; this demo is not built yet.",
                self.name
            );
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
            match (e.run)(m, ctx) {
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
        text.push_str(&format!("  {name:<28} {value:>12.4} {unit}\n"));
    }
    let verdict = match report.verdict {
        Verdict::Holds => "HOLDS",
        Verdict::DoesNotHold => "DOES NOT HOLD",
        Verdict::Info => "INFO",
    };
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
