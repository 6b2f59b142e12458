//! Claim: a GUI stays responsive during a long task only if the task runs
//! in a second thread *and* releases the GIL (native code, as NumPy or a C
//! extension does). In the UI thread the task freezes a frame; in a second
//! thread as bytecode, every frame waits about one switch interval for the
//! GIL under the new GIL (no wait without a GIL at all).
//!
//! The UI thread draws (a little bytecode) and sleeps 16 ms, frame after
//! frame, as a Tk or Qt event loop redrawing at 60 Hz would. A frame's time
//! is the time from one frame's sleep to the next, read from the run's
//! trace (the UI thread's I/O spans). Per policy, four runs: the UI alone,
//! the long task inline in the UI thread, the task in a second thread as
//! bytecode, and in a second thread as GIL-releasing native work.

use std::time::Duration;

use crate::contract::judge::MIN_BASELINE;
use crate::contract::measure::human_time;
use crate::contract::scaled::Scaled;
use crate::contract::series::GuiFrames;
use crate::contract::{Ctx, Experiment, Judgement, Machine, Report};
use crate::flags::{Secs, policies_or_all, secs};
use crate::gil::Policy;
use crate::parallel_baseline::parallel_baseline;
use crate::vm::builtin_programs::{
    self, GUI_DRAW_ITERS as DRAW_ITERS, GUI_FRAME_SLEEP as FRAME_SLEEP,
};

mod frames;

use frames::{Arrangement, frame_times, quantile};

/// The default of `--frames`.
const FRAMES: Scaled<u64> = Scaled::new(20, 10);

/// A smooth frame: its median at most this much above the UI alone holds,
/// at least [`JANKY`] fails.
const SMOOTH: Duration = Duration::from_millis(2);
const JANKY: Duration = Duration::from_millis(5);
/// A frozen frame: the worst at least this many times the UI alone's median.
const FROZEN: f64 = 4.0;
const NOT_FROZEN: f64 = 2.0;

/// Flags of `gui-responsiveness`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct GuiResponsiveness {
    /// Frames the UI thread draws per run.
    #[arg(long, value_parser = clap::value_parser!(u64).range(6..=10_000), help = FRAMES.help("Frames the UI thread draws per run"))]
    pub frames: Option<u64>,
    /// How long the inline task runs (loop iterations of bytecode) [default: 10M, about 130 ms].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=2_000_000_000))]
    pub task: Option<u64>,
    /// GIL policies to measure (repeatable) [default: all].
    #[arg(long = "gil", value_enum)]
    pub gil: Vec<Policy>,
    /// Switch interval of py39/py311.
    #[arg(long, value_parser = secs, default_value = "5ms")]
    pub switch_interval: Secs,
}

impl Experiment for GuiResponsiveness {
    const NAME: &'static str = "gui-responsiveness";
    const CLAIM: &'static str = "a UI stays responsive during a long task only if the task runs in another thread and releases the GIL (native code); as bytecode in a thread each frame waits about a switch interval";

    fn run(&mut self, ctx: &Ctx) -> anyhow::Result<Report> {
        let frames = *self.frames.get_or_insert(FRAMES.pick(ctx.quick));
        let task = *self.task.get_or_insert(10_000_000);
        let policies = policies_or_all(&self.gil);
        self.gil = policies.clone();
        let interval = self.switch_interval.0;
        let p = builtin_programs::gui(i64::try_from(task)?);
        let cores = Machine::current().cores;
        let baseline = parallel_baseline(2, 3)?;
        // The threaded arrangements need a second core to be smooth at all.
        let parallel = cores >= 2 && baseline >= MIN_BASELINE;
        let mut report = Report::new(crate::contract::Verdict::Info, "");
        report.say(format!(
            "the UI thread draws ({DRAW_ITERS} loop iterations) and sleeps {} per frame, {frames} frames; plain Rust threads get {baseline:.2}x right now",
            human_time(FRAME_SLEEP.as_secs_f64())
        ));
        report.say(format!(
            "{:<6} {:<40} {:>10} {:>10} {:>10}",
            "policy", "where the long task runs", "median", "p99", "worst"
        ));
        let mut parts = Vec::new();
        let mut summary = Vec::new();
        let mut points = Vec::new();
        for &policy in &policies {
            let mut med = [0.0; 4];
            let mut p99 = [0.0; 4];
            let mut worst = [0.0; 4];
            for (i, how) in Arrangement::ALL.into_iter().enumerate() {
                let t = frame_times(&p, policy, interval, how, frames)?;
                med[i] = quantile(&t, 0.5);
                p99[i] = quantile(&t, 0.99);
                worst[i] = quantile(&t, 1.0);
                report.say(format!(
                    "{:<6} {:<40} {:>10} {:>10} {:>10}",
                    policy.name(),
                    how.label(),
                    human_time(med[i]),
                    human_time(p99[i]),
                    human_time(worst[i])
                ));
            }
            let delay = |i: usize| med[i] - med[0];
            points.push(GuiFrames {
                gil: policy.name().into(),
                alone_frame_s: med[0],
                inline_worst_frame_s: worst[1],
                bytecode_thread_delay_s: delay(2),
                native_thread_delay_s: delay(3),
            });
            let (smooth, janky) = (SMOOTH.as_secs_f64(), JANKY.as_secs_f64());
            // In the UI thread the task freezes a frame, under every policy.
            let frozen = Judgement::at_least(worst[1] / med[0], FROZEN, NOT_FROZEN);
            // Native work in a thread: smooth, given a second core.
            let native = Judgement::at_most(delay(3), smooth, janky);
            // Bytecode in a thread: smooth without a GIL; under the new GIL
            // each frame waits for the switch interval; py2 is shown only.
            let bytecode = match policy {
                Policy::Nogil => Some(Judgement::at_most(delay(2), smooth, janky)),
                Policy::Py39 | Policy::Py311 => Some(Judgement::at_least(
                    delay(2),
                    0.5 * interval.as_secs_f64(),
                    0.2 * interval.as_secs_f64(),
                )),
                Policy::Py2 => None,
            };
            let threaded = Judgement::all([native].into_iter().chain(bytecode));
            parts.push(frozen);
            parts.push(if parallel {
                threaded
            } else {
                Judgement::Undecided
            });
            summary.push(format!(
                "{}: frame {} alone, worst {} with the task inline, {} with it as bytecode in a thread, {} as native",
                policy.name(),
                human_time(med[0]),
                human_time(worst[1]),
                human_time(med[2]),
                human_time(med[3])
            ));
        }
        let judgement = Judgement::all(parts);
        key_figures(&mut report, &points);
        report.verdict = judgement.verdict();
        report.undecided = judgement == Judgement::Undecided;
        report.detail = format!(
            "{}{}",
            summary.join("; "),
            if parallel {
                String::new()
            } else {
                "; threads not judged: the machine gives no parallelism right now".into()
            }
        );
        Ok(report)
    }
}

/// The figures the verdict's bars read, each at its edge over the policies,
/// key figure first: the least a frame waited with bytecode in a thread
/// under the new GIL (py39, py311: judged at least half an interval), the
/// most it waited with native work in a thread (judged at most
/// [`SMOOTH`]), the least the task inline froze a frame (judged at least
/// [`FROZEN`] times the frame alone). Each policy's figures are the series.
fn key_figures(report: &mut Report, points: &[GuiFrames]) {
    let new_gil = [Policy::Py39.name(), Policy::Py311.name()];
    let bytecode = points
        .iter()
        .filter(|p| new_gil.contains(&p.gil.as_str()))
        .map(|p| p.bytecode_thread_delay_s)
        .reduce(f64::min);
    if let Some(d) = bytecode {
        report.push_metric("new_gil_bytecode_thread_delay_s", d, "s");
    }
    let native = points.iter().map(|p| p.native_thread_delay_s);
    if let Some(d) = native.reduce(f64::max) {
        report.push_metric("worst_native_thread_delay_s", d, "s");
    }
    let freeze = points
        .iter()
        .map(|p| p.inline_worst_frame_s / p.alone_frame_s);
    if let Some(f) = freeze.reduce(f64::min) {
        report.push_metric("least_inline_freeze", f, "x (worst frame inline/alone)");
    }
    report.push_series(points);
}
