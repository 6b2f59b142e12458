//! A live progress line while a demo runs, on a terminal only: which
//! experiment is running, how many are done, and for how long it has run,
//! redrawn a few times a second; finished experiments print above it. When
//! stderr is not a terminal (CI logs, a file) nothing extra is written.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often the live line is redrawn.
const TICK: Duration = Duration::from_millis(250);
/// Erases the terminal line the cursor is on.
const CLEAR: &str = "\r\x1b[2K";

/// Where a demo's run stands.
#[derive(Debug)]
struct State {
    /// The demo's experiments, in run order (from its `list --json`).
    names: Vec<String>,
    /// How many have reported.
    done: usize,
    /// When the running experiment started.
    since: Instant,
}

impl State {
    /// The live line: `      ▸ latency (4 of 6) 12.3s`.
    fn line(&self, now: Instant) -> String {
        let running = self.names.get(self.done).map_or("…", String::as_str);
        format!(
            "      ▸ {running} ({} of {}) {:.1}s",
            (self.done + 1).min(self.names.len().max(1)),
            self.names.len(),
            now.duration_since(self.since).as_secs_f64()
        )
    }
}

/// The progress of one demo's run: [`Progress::say`] prints a finished
/// experiment's line; a ticker thread redraws the live line below it.
#[derive(Debug)]
pub struct Progress {
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    ticker: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts showing progress through `names`, if stderr is a terminal.
    pub fn start(names: Vec<String>) -> Progress {
        let state = Arc::new(Mutex::new(State {
            names,
            done: 0,
            since: Instant::now(),
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let ticker = std::io::stderr().is_terminal().then(|| {
            let (state, stop) = (Arc::clone(&state), Arc::clone(&stop));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let s = state.lock().unwrap_or_else(PoisonError::into_inner);
                    let mut err = std::io::stderr().lock();
                    let _ = write!(err, "{CLEAR}{}", s.line(Instant::now()));
                    let _ = err.flush();
                    drop(s);
                    std::thread::sleep(TICK);
                }
            })
        });
        Progress {
            state,
            stop,
            ticker,
        }
    }

    /// Prints `line` for an experiment that finished (above the live line)
    /// and moves on to the next one.
    pub fn say(&self, line: &str) {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let clear = if self.ticker.is_some() { CLEAR } else { "" };
        eprintln!("{clear}{line}");
        s.done += 1;
        s.since = Instant::now();
    }
}

impl Drop for Progress {
    /// Stops the ticker and erases the live line.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
            eprint!("{CLEAR}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_the_running_experiment_and_counts_from_one() {
        let t0 = Instant::now();
        let mut s = State {
            names: vec!["a".into(), "latency".into()],
            done: 1,
            since: t0,
        };
        let line = s.line(t0 + Duration::from_millis(12_300));
        assert_eq!(line, "      ▸ latency (2 of 2) 12.3s");
        s.done = 2; // all done: nothing is running any more
        assert!(s.line(t0).contains("▸ … (2 of 2)"), "{}", s.line(t0));
    }
}
