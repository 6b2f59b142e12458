//! What a count change costs with nothing around it: the VM's own
//! [`Objects::touch`] in a tight loop, plain and atomic. Set beside the
//! interpreter's figure it shows how much of a locked add's price the CPU
//! hides behind the rest of an instruction's work.

use std::hint::black_box;
use std::time::Instant;

use crate::vm::objects::{Objects, RefCounting};

/// Count changes (up and down) per timed run.
const TOUCHES: u32 = 1_000_000;

/// Nanoseconds per touch (one count up and down) counted `mode`'s way on
/// one thread, best of `runs` runs.
pub(super) fn ns_per_touch(mode: RefCounting, runs: usize) -> f64 {
    let objects = Objects::new(1, 1, mode);
    (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            for _ in 0..TOUCHES {
                // black_box: the object and the result stay opaque, so each
                // touch is really made.
                black_box(black_box(&objects).touch(black_box(0), 1)).ok();
            }
            start.elapsed().as_secs_f64() * 1e9 / f64::from(TOUCHES)
        })
        .fold(f64::INFINITY, f64::min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_touch_takes_a_positive_finite_time() {
        for mode in [RefCounting::Plain, RefCounting::Atomic] {
            let ns = ns_per_touch(mode, 1);
            assert!(ns.is_finite() && ns > 0.0, "{mode:?}: {ns}");
        }
    }
}
