//! Claim: one `Event.set()` releases every thread waiting for it (a start
//! signal), even when `clear()` follows at once, and a stop event ends
//! worker loops promptly.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Instant;

use crate::Event;
use crate::busy_work::busy;
use crate::contract::measure::{Stats, human_time};
use crate::contract::{Ctx, Experiment, Report, Verdict};
use crate::spawn::spawn_each;
use crate::durations::{WATCHDOG, ms};

/// Flags of `event`.
#[derive(Debug, Clone, clap::Args, serde::Serialize)]
pub struct EventExp {
    /// Waiting threads.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub waiters: u32,
}

/// `waiters` threads wait for `go`; returns how many saw it and each one's
/// wake-up delay after `set`, in seconds. With `clear_at_once` the event is
/// cleared right after being set.
fn start_signal(waiters: u32, clear_at_once: bool) -> anyhow::Result<(usize, Vec<f64>)> {
    let go = Event::new();
    let delays = Mutex::new(Vec::new());
    let set_at = Mutex::new(None::<Instant>);
    let woken = std::thread::scope(|s| -> anyhow::Result<usize> {
        let started = spawn_each(s, waiters as usize, "waiting thread", |_| {
            || {
                    let ok = go.wait(Some(WATCHDOG));
                    let now = Instant::now();
                    if let Some(t) = *set_at.lock().unwrap_or_else(|e| e.into_inner()) {
                        delays
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((now - t).as_secs_f64());
                    }
                    ok
            }
        });
        // A limit on threads (`ulimit -u`): release the waiters already
        // started instead of leaving them to the watchdog.
        let hs = started.or_release(|| go.set())?;
        // Every thread must already wait: only those are promised a wake-up.
        let start = Instant::now();
        while go.waiters() < waiters as usize && start.elapsed() < WATCHDOG {
            std::thread::sleep(ms(1));
        }
        *set_at.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        go.set();
        if clear_at_once {
            go.clear();
        }
        Ok(hs
            .into_iter()
            .map(|h| h.join().unwrap_or(false))
            .filter(|&ok| ok)
            .count())
    })?;
    Ok((woken, delays.into_inner().unwrap_or_default()))
}

/// Workers loop until `stop` is set; returns (iterations done, seconds from
/// `set` until the last worker left, workers that ran before the stop).
fn stop_signal(workers: u32) -> anyhow::Result<(u64, f64, u32)> {
    let stop = Event::new();
    let work = AtomicU64::new(0);
    let running = AtomicU32::new(0);
    let mut set_at = Instant::now();
    let mut ran = 0;
    std::thread::scope(|s| -> anyhow::Result<()> {
        let started = spawn_each(s, workers as usize, "worker", |w| {
            let (stop, work, running) = (&stop, &work, &running);
            let w = w as u64;
            move || {
                let mut i = 0u64;
                while !stop.is_set() {
                    busy(w ^ i, 1000);
                    if i == 0 {
                        running.fetch_add(1, Ordering::SeqCst);
                    }
                    i += 1;
                }
                work.fetch_add(i, Ordering::Relaxed);
            }
        });
        // The workers started loop until the stop: give it now.
        let _workers = started.or_release(|| stop.set())?;
        // Stop only once every worker has done some work (a loaded machine
        // may start them late), never waiting past the watchdog.
        let start = Instant::now();
        while running.load(Ordering::SeqCst) < workers && start.elapsed() < WATCHDOG {
            std::thread::sleep(ms(1));
        }
        ran = running.load(Ordering::SeqCst);
        set_at = Instant::now();
        stop.set();
        Ok(())
    })?; // the scope joins every worker
    Ok((work.into_inner(), set_at.elapsed().as_secs_f64(), ran))
}

impl Experiment for EventExp {
    const NAME: &'static str = "event";
    const CLAIM: &'static str = "one Event.set() wakes every waiting thread, even if clear() follows at once; a stop Event ends worker loops promptly";

    // Counted, not timed: a busy host cannot change it.
    const TIMED: bool = false;

    fn run(&mut self, _ctx: &Ctx) -> anyhow::Result<Report> {
        let n = self.waiters as usize;
        let (woken, delays) = start_signal(self.waiters, false)?;
        let (woken_cleared, _) = start_signal(self.waiters, true)?;
        let (work, stop_secs, ran) = stop_signal(self.waiters)?;
        anyhow::ensure!(
            ran == self.waiters && work > 0,
            "only {ran}/{} workers started within {WATCHDOG:?}",
            self.waiters
        );
        let wake = Stats::of(if delays.is_empty() { &[0.0] } else { &delays });
        let mut report = Report::new(Verdict::Info, "")
            .metric("woken_by_set", woken as f64, "threads")
            .metric("woken_by_set_then_clear", woken_cleared as f64, "threads")
            .metric("wake_delay_median_us", wake.median * 1e6, "us")
            .metric("wake_delay_max_us", wake.max * 1e6, "us")
            .metric("stop_latency_ms", stop_secs * 1e3, "ms");
        report.say(format!(
            "start signal: {woken}/{n} waiters woken; delay after set(): median {}, max {}",
            human_time(wake.median),
            human_time(wake.max)
        ));
        report.say(format!(
            "set() then clear() at once: {woken_cleared}/{n} waiters still woken"
        ));
        report.say(format!(
            "stop signal: {n} busy workers all left {} after set()",
            human_time(stop_secs)
        ));
        report.verdict = Verdict::from_bool(woken == n && woken_cleared == n);
        report.detail = format!(
            "set() woke {woken}/{n}, set()+clear() woke {woken_cleared}/{n}; workers stopped within {:.2} ms",
            stop_secs * 1e3
        );
        Ok(report)
    }
}
