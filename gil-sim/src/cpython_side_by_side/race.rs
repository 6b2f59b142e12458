//! `compare-cpython`'s lost-update races on both sides, as fractions of all
//! updates, and the share of hand-offs that cut the read-modify-write.
//!
//! Why a fraction is what it is: a thread switched out between its load of
//! `counter` and its store (the *window*) later stores a stale value,
//! wiping out what the other thread added meanwhile; but if that other
//! thread was itself cut inside its window, its own stale store puts its
//! hold's updates back. If a share `f` of the hand-offs cut the window, a
//! hold is lost when the next thread stores stale and the hold after does
//! not put it back: `q = f (1 - q)`, so `q = f / (1 + f)`. The simulator
//! runs the same mechanism, so its fraction follows from its own share.
//! The share follows from where an interpreter spends its time between its
//! check points. The simulator does not model how long each of CPython's
//! instructions takes (CPython 3.13's calls are cheap next to its big-int
//! additions, 3.11's are not), so where switches follow time (3.x) the
//! comparison measures CPython's share with one thread alone, in the
//! process that then races (`race.py`, as `checkpoints.py` does: a timer
//! signal is handled at the same check points as a drop request), gives
//! the simulator's race the same time split with `PACE` (see
//! [`Pacing`]), and compares the lost fractions that follow: the mechanism,
//! not the timing. The simulator's fraction on its own timing is shown too.

use super::row::Row;
use crate::contract::python::Python;
use crate::contract::{Ctx, Report, Stats, measure::human_time};
use crate::gil::Policy;
use crate::python_scripts::{SCRIPT_TIME_LIMIT, bounded, num, one};
use crate::vm::builtin_programs::{Pacing, Variant};
use super::pacing::{
    CORRECTIONS, close_enough, corrected, pacing_adding, solo_rate, time_to_add,
};
use crate::workloads::{RaceRun, config, race_paced};
use std::time::Duration;

/// The switch interval of the races on both sides: short, so a race of
/// under a second hands the GIL over thousands of times (at 1 ms and about
/// 100 hand-offs, CPython 3.13's fraction spread 0.8% to 23% between runs).
const INTERVAL: Duration = Duration::from_micros(200);
/// Most increments per thread in the simulator's race.
const MAX_RACE: u64 = 100_000_000;
/// Fewest switches in the simulator's call-variant race for its lost
/// updates to be judged (each switch at the callee's RESUME loses updates).
const MIN_SWITCHES: u64 = 5;
/// How close the simulator's lost-update fraction must come to CPython's.
const LOST_FRACTION_TOLERANCE: f64 = 0.25;

/// The share `f` of hand-offs inside the window gives the lost fraction
/// `f / (1 + f)` (see the module's documentation).
fn lost_from_share(f: f64) -> f64 {
    f / (1.0 + f)
}

/// One race variant, both sides, over every round.
struct Side {
    /// (lost, all) of each CPython round.
    cpython: Vec<(f64, f64)>,
    /// The simulator's rounds, paced.
    sim: Vec<RaceRun>,
    /// The simulator's race on its own timing, where it was paced after.
    own: Option<RaceRun>,
    pacing: Pacing,
}

/// How a race was paced, in words.
fn paced(p: Pacing) -> String {
    match (p.inside, p.outside) {
        (0, 0) => "not paced (its own split is close enough)".into(),
        (u, 0) => format!("paced: PACE {u} inside the window"),
        (_, u) => format!("paced: PACE {u} outside the window"),
    }
}

impl Side {
    fn pooled(v: &[(f64, f64)]) -> f64 {
        let (lost, all) = v.iter().fold((0.0, 0.0), |(l, a), &(x, y)| (l + x, a + y));
        if all == 0.0 { 0.0 } else { lost / all }
    }
    fn range(v: &[(f64, f64)]) -> (f64, f64) {
        let s = Stats::of(&v.iter().map(|&(l, a)| l / a).collect::<Vec<_>>());
        (s.min, s.max)
    }
    /// The simulator's rounds as (lost, all) pairs, as CPython's.
    fn sim_pairs(&self) -> Vec<(f64, f64)> {
        let all = |r: &RaceRun| r.increments as f64;
        self.sim.iter().map(|r| (all(r) - r.count as f64, all(r))).collect()
    }
    /// The simulator's rounds taken together, as one race.
    fn sim_pooled(&self) -> RaceRun {
        let mut p = RaceRun::default();
        for r in &self.sim {
            p.count += r.count;
            p.increments += r.increments;
            p.secs += r.secs;
            p.switches += r.switches;
            p.hand_offs += r.hand_offs;
            p.window_hand_offs += r.window_hand_offs;
        }
        p
    }
}

/// Races every variant on both sides, `rounds` times taking turns; returns
/// the three lost-fraction rows and whether zero and non-zero losses agree.
pub(crate) fn races(
    ctx: &Ctx,
    py: &Python,
    policy: Policy,
    report: &mut Report,
) -> anyhow::Result<(Vec<Row>, bool)> {
    // Per thread, about 0.2-0.5 s of racing in CPython per round.
    let n = ctx.pick(2_000_000u64, 1_000_000);
    let locked_n = ctx.pick(200_000u64, 100_000);
    let rounds = 2;
    let cfg = config(policy, INTERVAL);
    let variants = [
        (Variant::Plain, "plain"),
        (Variant::WithCall, "with_call"),
        (Variant::Locked, "locked"),
    ];
    // Where switches follow time (not 2.7's ticks; not a build without a
    // GIL), each race.py process first samples its own share of checks
    // inside the window: the time split moves by a few points from process
    // to process with the code's layout, so it is measured where it races.
    let sampled = matches!(policy, Policy::Py39 | Policy::Py311);
    let mut args = vec![n.to_string(), INTERVAL.as_secs_f64().to_string(), locked_n.to_string()];
    if sampled {
        args.push(n.to_string());
    }
    let mut outs = Vec::new();
    for _ in 0..rounds {
        outs.push(one(py, "race.py", &args)?);
    }
    let shares = if sampled {
        let mean = |k: &str| -> anyhow::Result<f64> {
            let mut sum = 0.0;
            for out in &outs {
                sum += bounded(num(out, k)?, k, 0.0, 1.0)?;
            }
            Ok(sum / outs.len() as f64)
        };
        Some([mean("plain_share")?, mean("with_call_share")?])
    } else {
        None
    };
    let mut sides: Vec<Side> = Vec::new();
    for (i, (v, key)) in variants.into_iter().enumerate() {
        let exact_key = if v == Variant::Locked { "locked_expected" } else { "expected" };
        let mut side = Side { cpython: vec![], sim: vec![], own: None, pacing: Pacing::default() };
        let mut secs = Vec::new();
        for out in &outs {
            let exact = bounded(num(out, exact_key)?, exact_key, 1.0, 1e12)?;
            let last = bounded(num(out, key)?, key, 0.0, exact)?;
            let s = bounded(num(out, &format!("{key}_s"))?, key, 1e-6, SCRIPT_TIME_LIMIT.as_secs_f64())?;
            side.cpython.push((exact - last, exact));
            secs.push(s);
        }
        // The locked race only has to lose nothing; it runs CPython's count.
        let size = |rate: f64, s: f64| {
            if v == Variant::Locked {
                locked_n
            } else {
                // The same duration of racing, not the same count: what
                // decides the losses is how many hand-offs the race has.
                (s * rate / 2.0).clamp(1000.0, MAX_RACE as f64) as u64
            }
        };
        let rate0 = solo_rate(&cfg, v, Pacing::default())?;
        let target = shares.and_then(|sh| sh.get(i).copied());
        if let Some(f_c) = target {
            // On its own timing first: the simulator's share, then the
            // pacing that gives its loop CPython's time split.
            let m = size(rate0, secs[0]);
            let own = race_paced(&cfg, v, Pacing::default(), 2, m)?;
            let f0 = own.window_share();
            if let Some(ns) = time_to_add(f0, f_c, 1e9 / rate0) {
                let mut p = pacing_adding(&cfg, v, ns, rate0)?;
                // Corrected from the race itself until its share comes
                // within a tenth of CPython's: two threads handing over do
                // not spend their time quite as one thread alone does, and
                // a step is at most halved or doubled.
                for _ in 0..CORRECTIONS {
                    let m = size(solo_rate(&cfg, v, p)?, secs[0]);
                    let f1 = race_paced(&cfg, v, p, 2, m)?.window_share();
                    if close_enough(f1, f_c) {
                        break;
                    }
                    p = corrected(p, f0, f1, f_c);
                }
                side.pacing = p;
            }
            side.own = Some(own);
        }
        let rate = solo_rate(&cfg, v, side.pacing)?;
        for &s in &secs {
            let m = size(rate, s);
            side.sim.push(race_paced(&cfg, v, side.pacing, 2, m)?);
        }
        sides.push(side);
    }
    let mut rows = Vec::new();
    for (i, (name, s)) in ["plain", "call", "locked"].iter().zip(&sides).enumerate() {
        let pooled = s.sim_pooled();
        let (c, sim) = (Side::pooled(&s.cpython), pooled.lost_fraction());
        let pct = |x: f64| format!("{:.1}%", x * 100.0);
        let share = |f: f64| format!("{:.0}% inside (f/(1+f) {})", f * 100.0, pct(lost_from_share(f)));
        let mut line = format!(
            "  race {name:<6}: CPython {} lost; gil-sim {} lost in {} ({} switches)",
            pct(c),
            pct(sim),
            human_time(pooled.secs),
            pooled.switches,
        );
        if i < 2 {
            line += &format!(", hand-offs {}", share(pooled.window_share()));
        }
        if let (Some(f), Some(own)) = (shares.and_then(|sh| sh.get(i).copied()), &s.own) {
            line += &format!(
                "\n      CPython's checks {}; gil-sim on its own timing: hand-offs {}, {} lost; {}",
                share(f),
                share(own.window_share()),
                pct(own.lost_fraction()),
                paced(s.pacing)
            );
        }
        report.say(line);
        rows.push(Row {
            name: ["plain_lost_fraction", "call_lost_fraction", "locked_lost_fraction"][i],
            unit: "fraction",
            cpython: c,
            sim,
            tolerance: Some(LOST_FRACTION_TOLERANCE),
            // Judged where the 3.10+ GIL is compared (as the other figures).
            judged: policy == Policy::Py311,
            ranges: Some((Side::range(&s.cpython), Side::range(&s.sim_pairs()))),
        });
    }
    // Plain and locked must agree whatever happened; the call variant loses
    // updates only when a switch lands in its window, so it is judged only
    // when the simulator's race had enough switches for that.
    let agree = |r: &Row| (r.cpython > 0.0) == (r.sim > 0.0);
    let call_judged = sides[1].sim_pooled().switches >= MIN_SWITCHES;
    let agree_all = agree(&rows[0]) && agree(&rows[2]) && (agree(&rows[1]) || !call_judged);
    Ok((rows, agree_all))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_of_hand_offs_inside_gives_f_over_1_plus_f_lost() {
        assert_eq!(lost_from_share(0.0), 0.0);
        assert!((lost_from_share(0.5) - 1.0 / 3.0).abs() < 1e-12);
        // Never more than half: a thread cut inside puts its own hold back.
        assert!(lost_from_share(1.0) <= 0.5);
    }
}
