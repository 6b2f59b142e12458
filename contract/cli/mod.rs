//! The demo CLI every binary shares: `list`, no-argument run of everything,
//! one experiment by name with its flags, global `--quick`, `--json` and
//! `--repeats`; exit 0 when the experiments ran, 2 on bad arguments, 1 when
//! the program itself failed.
//!
//! A crate describes itself with a [`Demo`]: its experiments ([`Entry`],
//! built from an [`Experiment`](super::Experiment) with [`Entry::of`]) and any extra commands
//! ([`ToolEntry`], built from a [`Tool`](super::Tool)). `main.rs` is then one line:
//! `fn main() -> ExitCode { DEMO.main() }`.

mod emit;
mod guarded;

use std::ffi::OsString;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Arg, ArgAction, ArgMatches, Command};

use super::experiment::{Ctx, Entry, ToolEntry};
use super::record::{Listed, ListedTool, Listing};
use emit::{emit, fail};
use guarded::{note_panic, run_caught};

/// What `list` and a full run say of a demo with no experiments.
const NOT_BUILT: &str = "no experiments yet; this demo is not built yet.";

/// A demo binary: its name, what it teaches, its experiments and tools.
///
/// # Example
#[doc = concat!("```\nuse ", env!("CARGO_CRATE_NAME"), "::contract::{Ctx, Demo, Entry, Experiment, Report, Verdict};\n\n/// `sum` adds 1..=n and checks it against n(n+1)/2.\n#[derive(Debug, clap::Args, serde::Serialize)]\nstruct Sum {\n    /// How many numbers.\n    #[arg(long, default_value_t = 100)]\n    n: u64,\n}\n\nimpl Experiment for Sum {\n    const NAME: &'static str = \"sum\";\n    const CLAIM: &'static str = \"the sum of 1..=n is n(n+1)/2\";\n    fn run(&mut self, _ctx: &Ctx) -> anyhow::Result<Report> {\n        let got: u64 = (1..=self.n).sum();\n        let ok = got == self.n * (self.n + 1) / 2;\n        Ok(Report::new(Verdict::from_bool(ok), format!(\"sum {got}\")).metric(\"sum\", got as f64, \"\"))\n    }\n}\n\nstatic DEMO: Demo = Demo { name: \"example\", about: \"an example\", experiments: &[Entry::of::<Sum>()], tools: &[] };\nassert_eq!(DEMO.main_from([\"example\", \"sum\", \"--n\", \"10\"]), std::process::ExitCode::SUCCESS);\nassert_eq!(DEMO.main_from([\"example\", \"sum\", \"--n\", \"ten\"]), std::process::ExitCode::from(2));\n```")]
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
                "One JSON record per experiment on stdout (schema 2); human text on stderr",
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
            let positionals: String = c
                .get_positionals()
                .map(|a| {
                    let name = a.get_id().as_str().to_uppercase();
                    if a.is_required_set() {
                        format!(" <{name}>")
                    } else {
                        format!(" [{name}]")
                    }
                })
                .collect();
            let usage = format!("{} {} [OPTIONS]{positionals}", self.name, c.get_name());
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
        std::panic::set_hook(Box::new(note_panic));
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

    /// What `list --json` prints: the typed [`Listing`] that xtask reads.
    pub fn listing(&self) -> Listing {
        Listing {
            demo: self.name.to_string(),
            experiments: (self.experiments.iter())
                .map(|e| Listed {
                    name: e.name.to_string(),
                    claim: e.claim.to_string(),
                })
                .collect(),
            tools: (self.tools.iter())
                .map(|t| ListedTool {
                    name: t.name.to_string(),
                    about: t.about.to_string(),
                })
                .collect(),
        }
    }

    fn list(&self, ctx: &Ctx) -> ExitCode {
        if ctx.json {
            let listing = self.listing();
            println!(
                "{}",
                serde_json::to_string(&listing).expect("a listing is plain data")
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

fn flag(name: &'static str, help: &'static str) -> Arg {
    Arg::new(name)
        .long(name)
        .global(true)
        .action(ArgAction::SetTrue)
        .help(help)
}
