//! Pacing the simulator's race so that its time between check points is
//! split as CPython's (see `race`'s documentation): how much time to add,
//! on which side of the window, in how many `PACE` units.

use crate::vm::RunConfig;
use crate::vm::builtin_programs::{Pacing, Variant};
use crate::workloads::race_paced;

/// Increments of the single-thread run that measures the simulator's race rate.
const CALIBRATION: u64 = 200_000;

/// Corrections of a pacing from paced races, at most.
pub(crate) const CORRECTIONS: usize = 3;

/// Whether a share is within a tenth of the target's: no pacing, or no
/// further correction, needed. The lost fraction's tolerance is a quarter,
/// and CPython itself loses 0-20% fewer updates than its share predicts,
/// so a share a fifth off could already take the fraction past it
/// (measured: 3.12's call race at 1.28x CPython's with a share 14% off).
pub(crate) fn close_enough(share: f64, target: f64) -> bool {
    (target - share).abs() <= 0.1 * target
}

/// Nanoseconds a loop of `own` share and `iter_ns` per iteration must gain
/// to reach a share of `target`: inside the window if positive, outside if
/// negative. None where the two shares are [`close_enough`] (the loop's
/// own timing will do), or where the target is out of reach (a share of 0 needs
/// infinite time outside; at most 20 loops are added).
pub(crate) fn time_to_add(own: f64, target: f64, iter_ns: f64) -> Option<f64> {
    if close_enough(own, target) || !(0.01..=0.95).contains(&target) {
        return None;
    }
    let ns = if target > own {
        iter_ns * (target - own) / (1.0 - target)
    } else {
        -iter_ns * (own - target) / target
    };
    Some(ns.clamp(-20.0 * iter_ns, 20.0 * iter_ns))
}

/// Nanoseconds one `PACE` unit takes on this machine (the fastest of three
/// timings of a million units): the first guess of [`pacing_adding`].
fn unit_ns() -> f64 {
    const UNITS: u32 = 1_000_000;
    let mut best = f64::INFINITY;
    for _ in 0..3 {
        let t = std::time::Instant::now();
        std::hint::black_box(crate::vm::native_work(UNITS));
        best = best.min(t.elapsed().as_secs_f64());
    }
    best * 1e9 / UNITS as f64
}

/// The pacing that adds `ns` per iteration (inside if positive), its units
/// corrected twice by the time they really add to the single-thread loop
/// (a `PACE` costs its dispatch as well as its units).
pub(crate) fn pacing_adding(
    cfg: &RunConfig,
    v: Variant,
    ns: f64,
    rate0: f64,
) -> anyhow::Result<Pacing> {
    let at = |units: f64| {
        let u = units.round().clamp(1.0, 1e6) as u32;
        if ns > 0.0 { Pacing { inside: u, outside: 0 } } else { Pacing { inside: 0, outside: u } }
    };
    let mut units = ns.abs() / unit_ns().max(1e-3);
    for _ in 0..2 {
        let added = 1e9 / solo_rate(cfg, v, at(units))? - 1e9 / rate0;
        if added <= 0.0 {
            break;
        }
        units *= ns.abs() / added;
    }
    Ok(at(units))
}

/// `p` units of pacing moved the race's share from `f0` to `f1`; the units
/// that reach `target` if the share follows time (`f0 T / (T + p)` outside,
/// `(f0 T + p) / (T + p)` inside, `T` the loop's time in units). `p`
/// unchanged where the move went the wrong way or nowhere.
pub(crate) fn corrected(p: Pacing, f0: f64, f1: f64, target: f64) -> Pacing {
    // A step is at most halved or doubled: two shares measured from races
    // of a few thousand hand-offs are each a point or two off, so a move
    // that looks tiny may be noise, and dividing by it would overshoot.
    let scale = |units: u32, k: f64| {
        if k.is_finite() && k > 0.0 {
            ((units as f64 * k.clamp(0.5, 2.0)).round() as u32).clamp(1, 1_000_000)
        } else {
            units
        }
    };
    if p.outside > 0 && f1 < f0 {
        let k = f1 * (f0 - target) / (target * (f0 - f1));
        Pacing { inside: 0, outside: scale(p.outside, k) }
    } else if p.inside > 0 && f1 > f0 && f1 < 1.0 {
        let k = (1.0 - f1) * (target - f0) / ((f1 - f0) * (1.0 - target));
        Pacing { inside: scale(p.inside, k), outside: 0 }
    } else {
        p
    }
}

/// The simulator's single-thread increments per second, the fastest of
/// three (a descheduled run would make its race too short).
pub(crate) fn solo_rate(cfg: &RunConfig, v: Variant, pacing: Pacing) -> anyhow::Result<f64> {
    let mut solo = f64::INFINITY;
    for _ in 0..3 {
        solo = solo.min(race_paced(cfg, v, pacing, 1, CALIBRATION)?.secs);
    }
    Ok(CALIBRATION as f64 / solo.max(1e-9))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_is_added_on_the_side_that_moves_the_share_toward_the_target() {
        // 28% inside, CPython 11%: time outside, (0.28 - 0.11) / 0.11 loops.
        let ns = time_to_add(0.28, 0.11, 100.0).unwrap();
        assert!((ns + 100.0 * 0.17 / 0.11).abs() < 1e-9, "{ns}");
        // 24% inside, CPython 38%: time inside.
        assert!(time_to_add(0.24, 0.38, 100.0).unwrap() > 0.0);
        // Close enough, or out of reach: nothing.
        assert_eq!(time_to_add(0.36, 0.38, 100.0), None);
        assert_eq!(time_to_add(0.2, 0.0, 100.0), None);
    }

    #[test]
    fn a_correction_follows_the_share_the_race_really_reached() {
        // 40 units outside took 28% to 7%; 11% wanted: fewer units.
        let p = corrected(Pacing { inside: 0, outside: 40 }, 0.28, 0.07, 0.11);
        assert!(p.outside < 40 && p.outside > 10 && p.inside == 0, "{p:?}");
        // A move that barely registered is not divided by: at most doubled.
        let p = corrected(Pacing { inside: 4, outside: 0 }, 0.30, 0.31, 0.40);
        assert_eq!(p, Pacing { inside: 8, outside: 0 });
        // Moved the wrong way: left as it was.
        let q = Pacing { inside: 5, outside: 0 };
        assert_eq!(corrected(q, 0.3, 0.25, 0.4), q);
    }
}
