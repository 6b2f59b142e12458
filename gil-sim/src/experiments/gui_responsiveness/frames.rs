//! One run of `gui-responsiveness`: where the long task runs
//! ([`Arrangement`]), and the UI thread's frame times read from the run's
//! trace.

use std::time::Duration;

use crate::gil::Policy;
use crate::trace::State;
use crate::vm::{Job, Program, run};
use crate::workloads::config;

/// Where the long task runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Arrangement {
    /// No task: the UI alone, the reference.
    Alone,
    /// In the UI thread, between two frames.
    Inline,
    /// In a second thread, as bytecode.
    Bytecode,
    /// In a second thread, as native work that releases the GIL.
    Native,
}

impl Arrangement {
    pub(super) const ALL: [Arrangement; 4] = [
        Arrangement::Alone,
        Arrangement::Inline,
        Arrangement::Bytecode,
        Arrangement::Native,
    ];

    /// How the table names it.
    pub(super) fn label(self) -> &'static str {
        match self {
            Arrangement::Alone => "UI alone",
            Arrangement::Inline => "task in the UI thread",
            Arrangement::Bytecode => "task in a thread, bytecode",
            Arrangement::Native => "task in a thread, native (GIL released)",
        }
    }
}

/// One run: the UI thread's frame times, in seconds.
pub(super) fn frame_times(
    p: &Program,
    policy: Policy,
    interval: Duration,
    how: Arrangement,
    frames: u64,
) -> anyhow::Result<Vec<f64>> {
    let func = |name: &str| p.func(name).expect("the gui program defines it");
    let n = i64::try_from(frames)?;
    let mut jobs = vec![match how {
        Arrangement::Inline => Job::new(func("ui_inline"), &[n / 2]),
        _ => Job::new(func("ui"), &[n]),
    }];
    match how {
        Arrangement::Bytecode => jobs.push(Job::new(func("bytecode_task"), &[])),
        Arrangement::Native => jobs.push(Job::new(func("native_task"), &[])),
        _ => {}
    }
    let mut cfg = config(policy, interval);
    cfg.trace = Some(64 * frames as usize + 1024);
    let out = run(p, &cfg, jobs)?;
    let trace = out.trace.expect("asked for a trace");
    anyhow::ensure!(trace.dropped() == 0, "the UI thread's trace overflowed");
    // A frame: from one sleep's start to the next.
    let starts: Vec<u64> = trace.spans_of(0, State::Io).map(|s| s.begin_ns).collect();
    let expected = if how == Arrangement::Inline {
        2 * (n / 2)
    } else {
        n
    };
    anyhow::ensure!(
        starts.len() as i64 == expected,
        "the UI thread slept {} times, expected {expected}",
        starts.len()
    );
    Ok(starts
        .windows(2)
        .map(|w| (w[1] - w[0]) as f64 / 1e9)
        .collect())
}

/// The `q` quantile (nearest rank) of `v`, which must not be empty.
pub(super) fn quantile(v: &[f64], q: f64) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let rank = ((q * s.len() as f64).ceil() as usize).clamp(1, s.len());
    s[rank - 1]
}
