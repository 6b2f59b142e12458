//! What a demo is made of: [`Experiment`]s (a claim, its flags, its run) and
//! [`Tool`]s (extra commands), type-erased into [`Entry`] and [`ToolEntry`]
//! so a demo can list them in a `static`; and the [`Ctx`] every run sees.

use clap::{ArgMatches, Command};
use serde_json::{Map, Value};

use super::record::Report;

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
    /// Whether the verdict rests on timings. The driver does not accept a
    /// decided verdict of a timed experiment from a run in which the host
    /// took a large share of the CPU (see [`steal`](super::steal)). Counted
    /// facts (an update was lost, a deadlock happened) set this to `false`.
    const TIMED: bool = true;
    /// Runs the experiment: measure, check, compute the verdict. A flag the
    /// user left out is filled in with the default the run chose
    /// (`*self.n.get_or_insert(N.pick(ctx.quick))`): the driver records the
    /// flags after the run as the record's `params`, so they say what ran.
    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report>;
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
    /// See [`Experiment::TIMED`].
    pub timed: bool,
    pub(super) args: fn(Command) -> Command,
    pub(super) run: fn(&ArgMatches, &Ctx) -> Ran,
}

impl Entry {
    /// The entry for experiment `E`.
    pub const fn of<E: Experiment>() -> Entry {
        Entry {
            name: E::NAME,
            claim: E::CLAIM,
            timed: E::TIMED,
            args: E::augment_args,
            run: run_erased::<E>,
        }
    }
}

fn run_erased<E: Experiment>(m: &ArgMatches, ctx: &Ctx) -> Ran {
    let mut params = E::from_arg_matches(m)?;
    let report = params.run(ctx)?;
    let flags = match serde_json::to_value(&params)? {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    Ok((report, flags))
}

/// A [`Tool`], type-erased.
#[derive(Debug, Clone, Copy)]
pub struct ToolEntry {
    pub(super) name: &'static str,
    pub(super) about: &'static str,
    pub(super) args: fn(Command) -> Command,
    pub(super) run: fn(&ArgMatches, &Ctx) -> anyhow::Result<()>,
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
