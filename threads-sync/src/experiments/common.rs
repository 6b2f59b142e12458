//! Helpers the experiments share: deterministic busy work, rates, and the
//! generous timeout every blocking wait in a demo gets so nothing can hang.

use std::time::Duration;

/// The longest any demo thread blocks on one wait before the experiment
/// reports an error instead of hanging.
pub const WATCHDOG: Duration = Duration::from_secs(20);

/// `n` milliseconds.
pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Deterministic CPU work of about `rounds` steps whose result the optimiser
/// cannot drop (a xorshift chain).
pub fn busy(seed: u64, rounds: u32) -> u64 {
    let mut x = seed | 1;
    for _ in 0..rounds {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    std::hint::black_box(x)
}

/// Operations per second.
pub fn rate(ops: f64, secs: f64) -> f64 {
    if secs > 0.0 { ops / secs } else { 0.0 }
}

/// Nanoseconds per operation.
pub fn ns_per(secs: f64, ops: f64) -> f64 {
    if ops > 0.0 { secs * 1e9 / ops } else { 0.0 }
}

/// `1.2 M/s` style.
pub fn human_rate(per_s: f64) -> String {
    if per_s >= 1e6 {
        format!("{:.2} M/s", per_s / 1e6)
    } else if per_s >= 1e3 {
        format!("{:.1} k/s", per_s / 1e3)
    } else {
        format!("{per_s:.1} /s")
    }
}

/// The path of one of this crate's `python/` scripts.
pub fn python_script(name: &str) -> std::path::PathBuf {
    std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/python")).join(name)
}

/// The machine's `python3` for a CPython side by side, or `None` with the
/// reason said in `report` (`--no-python`, or no interpreter on `PATH`).
pub fn python_or_skip(
    no_python: bool,
    report: &mut crate::contract::Report,
) -> Option<crate::contract::python::Python> {
    if no_python {
        report.say("CPython: skipped (--no-python)");
        return None;
    }
    let py = crate::contract::python::Python::find(None);
    if py.is_none() {
        report.say("CPython: no python3 on PATH; side by side skipped");
    }
    py
}
