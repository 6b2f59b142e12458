//! The flags the experiments share: durations given as `5ms` (and shown as
//! seconds in the JSON params), the policies to run, and `--trace FILE`.

use std::time::Duration;

use crate::contract::measure::parse_duration;
use crate::contract::{Ctx, Experiment, Report};
use crate::gil::Policy;

/// A duration flag (`5ms`) that shows as seconds in the JSON params.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Secs(pub Duration);

impl serde::Serialize for Secs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0.as_secs_f64())
    }
}

/// clap value parser for [`Secs`]: `5ms`, `250us`; zero is refused.
pub fn secs(s: &str) -> Result<Secs, String> {
    let d = parse_duration(s)?;
    if d.is_zero() || d > Duration::from_secs(10) {
        return Err(format!("{s:?}: must be above 0 and at most 10s"));
    }
    Ok(Secs(d))
}

/// The policies to run: the given ones, or all of them.
pub fn policies_or_all(given: &[Policy]) -> Vec<Policy> {
    if given.is_empty() {
        Policy::ALL.to_vec()
    } else {
        given.to_vec()
    }
}

/// `--trace FILE`, shared by every experiment: records the GIL events of
/// each VM run the experiment makes ([`crate::trace::sink`]).
#[derive(Debug, Clone, Default, clap::Args, serde::Serialize)]
pub struct TraceFlag {
    /// Record the GIL events of every VM run to FILE (Chrome Trace JSON:
    /// open it at <https://ui.perfetto.dev>).
    #[arg(long = "trace", value_name = "FILE")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<std::path::PathBuf>,
}

/// Any VM experiment with `--trace FILE` added: the experiment's own flags
/// and run, with its GIL events recorded around the run when asked. The
/// registry lists `Traced<CpuBound>`, not `CpuBound`, so the flag and its
/// handling are written once for every experiment.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct Traced<E: clap::Args> {
    /// The experiment's own flags.
    #[command(flatten)]
    #[serde(flatten)]
    pub experiment: E,
    /// `--trace FILE`.
    #[command(flatten)]
    #[serde(flatten)]
    pub trace: TraceFlag,
}

impl<E: Experiment> Experiment for Traced<E> {
    const NAME: &'static str = E::NAME;
    const CLAIM: &'static str = E::CLAIM;
    const TIMED: bool = E::TIMED;

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        self.trace.around(|| self.experiment.run(ctx))
    }
}

impl TraceFlag {
    /// Runs `measure` with tracing on when `--trace` was given, writes the
    /// file, and says so in the report.
    pub fn around(
        &self,
        measure: impl FnOnce() -> anyhow::Result<Report>,
    ) -> anyhow::Result<Report> {
        let tracing = crate::trace::sink::Tracing::start(self.trace.as_deref());
        let mut report = measure()?;
        if let Some(line) = tracing.finish()? {
            report.say(line);
        }
        Ok(report)
    }
}
