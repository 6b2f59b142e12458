//! Running one experiment under guard: a panic becomes a one-line error,
//! an undecided verdict is measured again (a bounded number of times), and
//! a decided one measured while the host stole CPU is not trusted.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use clap::ArgMatches;
use serde_json::{Map, Value};

use super::super::experiment::{Ctx, Entry};
use super::super::judge::{ATTEMPT_BUDGET, ATTEMPTS};
use super::super::record::{Report, Verdict};
use super::super::steal::{CpuTimes, OTHERS_LIMIT, STEAL_LIMIT};

/// True while an experiment runs under [`run_caught`].
static IN_EXPERIMENT: AtomicBool = AtomicBool::new(false);
/// Where and why the last panic inside an experiment happened.
static LAST_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// The panic hook of a demo: inside an experiment the driver reports the
/// panic (one line naming where it happened); elsewhere it is said here.
pub(super) fn note_panic(info: &std::panic::PanicHookInfo<'_>) {
    let line = format!(
        "panicked at {}: {}",
        info.location()
            .map_or("?".into(), |l| format!("{}:{}", l.file(), l.line())),
        panic_text(info.payload())
    );
    if IN_EXPERIMENT.load(Ordering::SeqCst) {
        *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = Some(line);
    } else {
        eprintln!("{line}");
    }
}

/// The text of a panic's payload.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into())
}

/// [`run_until_decided`], with a panic turned into an error.
pub(super) fn run_caught(
    e: &Entry,
    m: &ArgMatches,
    ctx: &Ctx,
    started: Instant,
) -> anyhow::Result<(Report, Map<String, Value>)> {
    // A panic an earlier experiment caught itself must not be reported here.
    LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).take();
    IN_EXPERIMENT.store(true, Ordering::SeqCst);
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_until_decided(e, m, ctx, started)
    }));
    IN_EXPERIMENT.store(false, Ordering::SeqCst);
    out.unwrap_or_else(|payload| {
        let recorded = LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).take();
        Err(anyhow::anyhow!(
            "the experiment {}",
            recorded.unwrap_or_else(|| format!("panicked: {}", panic_text(&*payload)))
        ))
    })
}

/// Runs `e`; while its measurements cannot decide, runs it again, at most
/// [`ATTEMPTS`] times and not past [`ATTEMPT_BUDGET`]. Only an undecided
/// run is repeated, never a decided one, so a retry cannot tilt the verdict
/// towards either side: it only gives a disturbed machine a second chance
/// to say something. The detail says how many attempts it took.
fn run_until_decided(
    e: &Entry,
    m: &ArgMatches,
    ctx: &Ctx,
    started: Instant,
) -> anyhow::Result<(Report, Map<String, Value>)> {
    let mut attempt = 1;
    loop {
        let before = CpuTimes::now();
        let (mut report, flags) = (e.run)(m, ctx)?;
        if e.timed {
            distrust_if_disturbed(&mut report, before, CpuTimes::now());
        }
        let again = report.undecided && attempt < ATTEMPTS && started.elapsed() < ATTEMPT_BUDGET;
        if !again {
            if attempt > 1 {
                let outcome = if report.undecided {
                    "still undecided"
                } else {
                    "decided"
                };
                report
                    .detail
                    .push_str(&format!(" [{outcome} on attempt {attempt} of {ATTEMPTS}]"));
            }
            return Ok((report, flags));
        }
        eprintln!(
            "  ({} {}: the measurements could not decide; measuring again, attempt {} of {ATTEMPTS})",
            e.name,
            report.detail,
            attempt + 1
        );
        attempt += 1;
    }
}

/// Turns a decided verdict into an undecided one when, between `before`
/// and `after`, the host took more than [`STEAL_LIMIT`] of the machine's
/// time or other processes used more than [`OTHERS_LIMIT`] of it: such a
/// run's timings describe the neighbours.
fn distrust_if_disturbed(report: &mut Report, before: Option<CpuTimes>, after: Option<CpuTimes>) {
    let Some((b, a)) = before.zip(after) else {
        return;
    };
    if report.undecided || report.verdict == Verdict::Info {
        return;
    }
    let why = match (b.steal_fraction(a), b.others_fraction(a)) {
        (Some(stolen), _) if stolen > STEAL_LIMIT => format!(
            "the host took {:.0}% of this machine's CPU time while it measured (steal, limit {:.0}%)",
            stolen * 100.0,
            STEAL_LIMIT * 100.0
        ),
        (_, Some(others)) if others > OTHERS_LIMIT => format!(
            "other processes used {:.0}% of this machine's CPU time while it measured (limit {:.0}%)",
            others * 100.0,
            OTHERS_LIMIT * 100.0
        ),
        _ => return,
    };
    report.detail = format!(
        "undecided: {why}, so this run's \"{}\" is not trusted; {}",
        report.verdict.as_str(),
        report.detail
    );
    report.verdict = Verdict::Info;
    report.undecided = true;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counters with `steal` of `total`; the busy half is all our own.
    fn times(total: u64, steal: u64) -> Option<CpuTimes> {
        Some(CpuTimes {
            busy: total / 2,
            steal,
            total,
            own: total / 2,
        })
    }

    #[test]
    fn a_decided_verdict_measured_under_heavy_steal_is_not_trusted() {
        let mut r = Report::new(Verdict::DoesNotHold, "1.1x");
        distrust_if_disturbed(&mut r, times(0, 0), times(1000, 200));
        assert_eq!((r.verdict, r.undecided), (Verdict::Info, true));
        assert!(
            r.detail.starts_with("undecided: the host took 20%"),
            "{}",
            r.detail
        );
        assert!(
            r.detail.ends_with("\"does-not-hold\" is not trusted; 1.1x"),
            "{}",
            r.detail
        );
    }

    #[test]
    fn light_steal_info_and_no_witness_change_nothing() {
        let quiet = Report::new(Verdict::Holds, "1.9x");
        let mut r = quiet.clone();
        distrust_if_disturbed(&mut r, times(0, 0), times(1000, 40));
        assert_eq!(r, quiet);
        distrust_if_disturbed(&mut r, None, times(0, 100));
        assert_eq!(r, quiet);
        let info = Report::new(Verdict::Info, "figures only");
        let mut r = info.clone();
        distrust_if_disturbed(&mut r, times(0, 0), times(100, 90));
        assert_eq!(r, info);
    }

    #[test]
    fn a_decided_verdict_measured_beside_a_busy_neighbour_is_not_trusted() {
        let t = |total, busy, own| {
            Some(CpuTimes {
                busy,
                steal: 0,
                total,
                own,
            })
        };
        let mut r = Report::new(Verdict::Holds, "1.9x");
        // 600 of 1000 ticks busy, 200 of them ours: others used 40%.
        distrust_if_disturbed(&mut r, t(0, 0, 0), t(1000, 600, 200));
        assert_eq!((r.verdict, r.undecided), (Verdict::Info, true));
        assert!(
            r.detail.contains("other processes used 40%"),
            "{}",
            r.detail
        );
        let mut quiet = Report::new(Verdict::Holds, "1.9x");
        distrust_if_disturbed(&mut quiet, t(0, 0, 0), t(1000, 600, 550));
        assert_eq!(quiet.verdict, Verdict::Holds);
    }
}
