//! `--trace FILE` on an experiment: every VM run the experiment makes while
//! [`Tracing`] is alive is recorded and collected here, then written as one
//! trace file with a process per run.
//!
//! The collector is process-wide (an experiment's runs come from helpers
//! that do not know about tracing), behind a mutex that only
//! [`crate::vm::run()`] touches, once before and once after a run, never
//! while VM threads execute. A budget of events bounds the file: runs past
//! it still run, untraced, and the file says how many.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::Trace;

/// Events one VM thread may record in a traced experiment run.
pub const PER_THREAD: usize = 200_000;
/// Events all the runs of one traced experiment may record together
/// (about 100 bytes each in the file).
pub const BUDGET: usize = 2_000_000;

#[derive(Debug)]
struct Collector {
    runs: Vec<Trace>,
    events: usize,
    untraced: usize,
}

static SINK: Mutex<Option<Collector>> = Mutex::new(None);

fn sink() -> MutexGuard<'static, Option<Collector>> {
    SINK.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How many events each thread of the next run should record: `None` when
/// no experiment is being traced or its budget is spent.
pub fn wanted() -> Option<usize> {
    let mut s = sink();
    let c = s.as_mut()?;
    if c.events >= BUDGET {
        c.untraced += 1;
        return None;
    }
    Some(PER_THREAD)
}

/// Hands a recorded run to the collector (dropped when none is active).
pub fn collect(trace: Trace) {
    if let Some(c) = sink().as_mut() {
        c.events += trace.events();
        c.runs.push(trace);
    }
}

/// While alive, every VM run is traced; [`Tracing::finish`] writes the file.
/// Dropping it unfinished (an experiment that failed) stops collecting and
/// writes nothing.
///
/// ```
/// use gil_sim::trace::sink::{self, Tracing};
/// assert!(sink::wanted().is_none());
/// let dir = std::env::temp_dir().join(format!("gil-sim-doc-{}.json", std::process::id()));
/// let t = Tracing::start(Some(&dir));
/// assert!(sink::wanted().is_some());
/// let said = t.finish()?.unwrap();
/// assert!(said.contains("0 runs"));
/// assert!(sink::wanted().is_none());
/// # std::fs::remove_file(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
#[must_use = "finish() writes the trace"]
pub struct Tracing {
    path: Option<PathBuf>,
}

impl Tracing {
    /// Starts collecting if `path` is given; otherwise does nothing.
    pub fn start(path: Option<&Path>) -> Tracing {
        if path.is_some() {
            *sink() = Some(Collector {
                runs: Vec::new(),
                events: 0,
                untraced: 0,
            });
        }
        Tracing {
            path: path.map(Path::to_path_buf),
        }
    }

    /// Stops collecting and writes the file; returns a line saying what was
    /// written (`None` when tracing was off).
    pub fn finish(mut self) -> anyhow::Result<Option<String>> {
        let Some(path) = self.path.take() else {
            return Ok(None);
        };
        let Some(c) = sink().take() else {
            return Ok(None);
        };
        super::chrome::write(&path, &c.runs)?;
        let dropped: u64 = c.runs.iter().map(Trace::dropped).sum();
        let mut line = format!(
            "trace: {} runs, {} events written to {} (open it at https://ui.perfetto.dev)",
            c.runs.len(),
            c.events,
            path.display()
        );
        if c.untraced > 0 {
            line.push_str(&format!(
                "; {} later runs untraced (budget of {BUDGET} events spent)",
                c.untraced
            ));
        }
        if dropped > 0 {
            line.push_str(&format!(
                "; {dropped} events past a thread's buffer of {PER_THREAD} dropped"
            ));
        }
        Ok(Some(line))
    }
}

impl Drop for Tracing {
    fn drop(&mut self) {
        if self.path.is_some() {
            sink().take();
        }
    }
}
