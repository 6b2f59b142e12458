//! `gil-sim trace <workload>`: runs one workload under one GIL policy with
//! tracing on, checks its result, and writes the trace for Perfetto
//! (`--out`) and, with `--svg`, its timeline as a picture.

use std::path::PathBuf;
use std::time::Duration;

use crate::contract::{Ctx, Tool, measure::human_time};
use crate::flags::{Secs, secs};
use crate::gil::{GilConfig, Policy};
use crate::trace::{MarkKind, State, Trace, chrome, svg};
use crate::vm::{Job, Program, RunConfig, builtin_programs, run};
use crate::workloads::check_countdown;

/// What `trace` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Workload {
    /// `--threads` threads each count down `--n` (pure bytecode).
    CpuBound,
    /// One I/O thread makes `--n` blocking calls of `--block` beside
    /// `--threads - 1` spinning threads (the convoy effect).
    Convoy,
    /// `--threads` threads each do `counter += 1` `--n` times.
    Race,
    /// As `race`, under a `threading.Lock` (blocked threads show as lock waits).
    RaceLocked,
    /// `--threads` threads each make `--n` sleeps of `--block`.
    IoBound,
    /// `--threads` threads each make `--n` GIL-releasing native calls.
    Native,
}

impl Workload {
    /// The default `--n`: a run of some tens of milliseconds.
    fn default_n(self) -> u64 {
        match self {
            Workload::CpuBound => 2_000_000,
            Workload::Convoy => 10,
            Workload::Race | Workload::RaceLocked => 100_000,
            Workload::IoBound => 10,
            Workload::Native => 20,
        }
    }

    /// The program and one job per thread.
    fn build(self, threads: usize, n: u64, block: Duration) -> anyhow::Result<(Program, Vec<Job>)> {
        let n = i64::try_from(n)?;
        let same = |p: Program, func: &str| {
            let f = p.func(func).expect("the program defines it");
            let jobs = (0..threads).map(|_| Job::new(f, &[n])).collect();
            (p, jobs)
        };
        Ok(match self {
            Workload::CpuBound => same(builtin_programs::countdown(), "countdown"),
            Workload::Race => same(
                builtin_programs::counter(builtin_programs::Variant::Plain),
                "worker",
            ),
            Workload::RaceLocked => same(
                builtin_programs::counter(builtin_programs::Variant::Locked),
                "worker",
            ),
            Workload::IoBound => same(builtin_programs::io_sleep(block), "worker"),
            Workload::Native => same(builtin_programs::native(1_000_000, true), "worker"),
            Workload::Convoy => {
                let p = builtin_programs::convoy(block);
                let (io, spin) = (p.func("io").expect("io"), p.func("spin").expect("spin"));
                let mut jobs: Vec<Job> = (1..threads).map(|_| Job::new(spin, &[])).collect();
                jobs.push(Job::new(io, &[n]));
                (p, jobs)
            }
        })
    }
}

/// The `trace` command.
#[derive(Debug, clap::Args)]
pub struct TraceCmd {
    /// The workload to run and trace.
    #[arg(value_enum)]
    pub workload: Workload,
    /// The GIL policy.
    #[arg(long = "gil", value_enum, default_value = "py311")]
    pub gil: Policy,
    /// VM threads (for `convoy`: the I/O thread and `threads - 1` CPU threads).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=16))]
    pub threads: u64,
    /// Loop iterations per thread, or blocking calls [default: per workload: cpu-bound 2000000, convoy 10, race 100000, io-bound 10, native 20].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub n: Option<u64>,
    /// How long each blocking call of `convoy` and `io-bound` blocks.
    #[arg(long, value_parser = secs, default_value = "1ms")]
    pub block: Secs,
    /// Switch interval of py39/py311.
    #[arg(long, value_parser = secs, default_value = "5ms")]
    pub switch_interval: Secs,
    /// py2's check interval, in ticks.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    pub check_interval: u32,
    /// Where the Chrome Trace Event JSON goes (open it at <https://ui.perfetto.dev>).
    #[arg(long, default_value = "gil-trace.json")]
    pub out: PathBuf,
    /// Also draw the timeline as SVG here.
    #[arg(long)]
    pub svg: Option<PathBuf>,
    /// Spans (and as many marks) each thread may record; more are dropped and counted.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(16..=50_000_000))]
    pub capacity: u64,
}

impl TraceCmd {
    /// Runs the workload traced, checks its result, and returns the trace.
    pub fn record(&self) -> anyhow::Result<Trace> {
        let n = self.n.unwrap_or(self.workload.default_n());
        let threads = self.threads as usize;
        let (program, jobs) = self.workload.build(threads, n, self.block.0)?;
        let mut gil = GilConfig::new(self.gil);
        gil.switch_interval = self.switch_interval.0;
        gil.check_interval = self.check_interval;
        let mut cfg = RunConfig::new(gil);
        cfg.trace = Some(self.capacity as usize);
        let out = run(&program, &cfg, jobs)?;
        match self.workload {
            Workload::CpuBound => check_countdown(&out, n)?,
            Workload::Convoy => anyhow::ensure!(
                out.globals[0] == 1,
                "the I/O thread did not finish its calls"
            ),
            Workload::RaceLocked => anyhow::ensure!(
                out.globals[0] == n as i64 * threads as i64,
                "the locked counter lost updates: {}",
                out.globals[0]
            ),
            _ => {}
        }
        let trace = out.trace.expect("asked for a trace");
        anyhow::ensure!(
            trace.overlaps_within_threads() == 0,
            "the trace has overlapping spans on one thread"
        );
        Ok(trace)
    }
}

/// What a trace shows, in a few lines.
pub fn summary(trace: &Trace) -> String {
    let mut s = format!(
        "{}: {} over {} threads\n",
        trace.label,
        human_time(trace.elapsed_ns as f64 / 1e9),
        trace.threads.len()
    );
    for (i, t) in trace.threads.iter().enumerate() {
        let total = |st: State| -> f64 {
            trace
                .spans_of(i, st)
                .map(|s| (s.end_ns - s.begin_ns) as f64)
                .sum::<f64>()
                / 1e9
        };
        let requests = t
            .record
            .marks
            .iter()
            .filter(|m| m.kind == MarkKind::DropRequest)
            .count();
        s.push_str(&format!(
            "  {:<14} holding {:>9}  waiting {:>9}  I/O {:>9}  native {:>9}  drop requests {requests}  releases retaken at once {}\n",
            t.name,
            human_time(total(State::Holding)),
            human_time(total(State::Waiting)),
            human_time(total(State::Io)),
            human_time(total(State::Native)),
            t.record.retaken,
        ));
    }
    s.push_str(&format!(
        "  most threads holding the GIL at once (from the trace): {}; events {}, dropped {}\n",
        trace.most_holding_at_once(),
        trace.events(),
        trace.dropped()
    ));
    s
}

impl Tool for TraceCmd {
    const NAME: &'static str = "trace";
    const ABOUT: &'static str =
        "Trace one workload's GIL hand-offs: Chrome Trace JSON for Perfetto, and an SVG timeline";

    fn run(&self, _ctx: &Ctx) -> anyhow::Result<()> {
        let trace = self.record()?;
        print!("{}", summary(&trace));
        chrome::write(&self.out, std::slice::from_ref(&trace))?;
        println!(
            "wrote {} (open it at https://ui.perfetto.dev or chrome://tracing)",
            self.out.display()
        );
        if let Some(path) = &self.svg {
            std::fs::write(path, svg::timeline(&trace, &trace.label))
                .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
            println!("wrote {}", path.display());
        }
        Ok(())
    }
}
