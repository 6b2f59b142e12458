//! The report's "watch the GIL" section: timelines that `gil-sim trace`
//! records and draws, written beside the page as SVG and as the Chrome
//! Trace JSON that Perfetto opens. xtask only chooses the runs and lays
//! the pictures out; the drawing is gil-sim's (`gil_sim::trace::svg`).

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// One timeline to record: what it shows and how `gil-sim trace` makes it.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Anchor and file stem (`timeline-cpu-py2`).
    pub id: &'static str,
    /// The heading above the picture.
    pub title: &'static str,
    /// What to look for in it.
    pub look_for: &'static str,
    /// The traced program (`cpu-bound`, `convoy`); every run has 2 threads.
    pub program: &'static str,
    /// The GIL policy (`py2`, `py311`, `nogil`).
    pub gil: &'static str,
    /// The switch interval, where the run sets one (`5ms`).
    pub interval: Option<&'static str>,
    /// The program's size in quick mode (`--n`), a smaller run.
    pub quick_n: &'static str,
}

impl Spec {
    /// The `gil-sim trace` arguments of the run (without quick mode's size).
    pub fn args(&self) -> Vec<&'static str> {
        let mut args = vec![self.program, "--gil", self.gil, "--threads", "2"];
        if let Some(interval) = self.interval {
            args.extend(["--switch-interval", interval]);
        }
        args
    }
}

/// The timelines of the report, in the lecture's order.
pub const SPECS: &[Spec] = &[
    Spec {
        id: "timeline-cpu-py2",
        title: "Two CPU-bound threads under CPython 2.7's GIL",
        look_for: "Every 100 ticks the holder releases the GIL and takes it straight back; on a multi-core machine the woken waiter rarely gets there first, so the GIL changes hands irregularly and each thread spends long stretches waiting.",
        program: "cpu-bound",
        gil: "py2",
        interval: None,
        quick_n: "500000",
    },
    Spec {
        id: "timeline-cpu-py311",
        title: "Two CPU-bound threads under the new GIL (3.10+)",
        look_for: "The waiter sleeps one switch interval (5 ms), raises a drop request (the tick above its lane), and the holder hands over at its next check point: strict turns of about 5 ms, never both running.",
        program: "cpu-bound",
        gil: "py311",
        interval: None,
        quick_n: "1500000",
    },
    Spec {
        id: "timeline-cpu-nogil",
        title: "Two CPU-bound threads, free-threaded (no GIL)",
        look_for: "No lock to wait for: both lanes hold from start to end, side by side.",
        program: "cpu-bound",
        gil: "nogil",
        interval: None,
        quick_n: "1500000",
    },
    Spec {
        id: "timeline-convoy-5ms",
        title: "The convoy: an I/O thread beside a CPU-bound thread, 5 ms interval",
        look_for: "Each 1 ms blocking call (blue) is followed by a wait for the GIL (red) of about one switch interval: the CPU thread keeps the GIL until the I/O thread's drop request.",
        program: "convoy",
        gil: "py311",
        interval: Some("5ms"),
        quick_n: "6",
    },
    Spec {
        id: "timeline-convoy-1ms",
        title: "The same convoy at a 1 ms interval",
        look_for: "A shorter interval shortens each wait to about 1 ms: I/O responds sooner, at the price of more switches.",
        program: "convoy",
        gil: "py311",
        interval: Some("1ms"),
        quick_n: "6",
    },
];

/// A recorded timeline, ready for the page.
#[derive(Debug, Clone)]
pub struct Timeline {
    /// Its spec.
    pub spec: Spec,
    /// The SVG document gil-sim drew.
    pub svg: String,
    /// The trace file's name, beside the page.
    pub json: String,
    /// What `gil-sim trace` printed about the run (its measured figures).
    pub summary: String,
}

/// How long one traced run may take.
const LIMIT: Duration = Duration::from_secs(60);

/// Records every timeline of [`SPECS`] with the `gil-sim` binary, writing
/// `<id>.json` and `<id>.svg` into `out`.
pub fn record(gil_sim: &Path, out: &Path, quick: bool) -> anyhow::Result<Vec<Timeline>> {
    SPECS
        .iter()
        .map(|spec| {
            let json = format!("{}.json", spec.id);
            let svg_path = out.join(format!("{}.svg", spec.id));
            let mut cmd = Command::new(gil_sim);
            cmd.arg("trace").args(spec.args());
            if quick {
                cmd.args(["--n", spec.quick_n]);
            }
            cmd.arg("--out").arg(out.join(&json));
            cmd.arg("--svg").arg(&svg_path);
            let mut child = cmd
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .map_err(|e| anyhow::anyhow!("starting {}: {e}", gil_sim.display()))?;
            let status = crate::runner::wait_with_limit(&mut child, LIMIT)?;
            let mut summary = String::new();
            let mut err = String::new();
            if let Some(mut o) = child.stdout.take() {
                o.read_to_string(&mut summary)?;
            }
            if let Some(mut e) = child.stderr.take() {
                e.read_to_string(&mut err)?;
            }
            anyhow::ensure!(
                status.is_some_and(|s| s.success()),
                "gil-sim trace {} failed ({}): {}",
                spec.args().join(" "),
                status.map_or("timed out".to_string(), |s| s.to_string()),
                err.trim()
            );
            let svg = std::fs::read_to_string(&svg_path)
                .map_err(|e| anyhow::anyhow!("reading {}: {e}", svg_path.display()))?;
            // The summary without the lines naming the files written.
            let summary = summary
                .lines()
                .filter(|l| !l.starts_with("wrote "))
                .collect::<Vec<_>>()
                .join("\n");
            Ok(Timeline {
                spec: *spec,
                svg,
                json,
                summary,
            })
        })
        .collect()
}
