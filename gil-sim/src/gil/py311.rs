//! `py311`: the new GIL as in CPython 3.10+, where the eval breaker is
//! checked only where the loop can run for long: `JUMP_BACKWARD` (and the
//! backward conditional jumps of 3.11), `RESUME` at function entry (so
//! every Python-to-Python call switches at the callee's entry), and after C
//! calls (`CHECK_EVAL_BREAKER()` in those opcodes of `Python/ceval.c`,
//! later `Python/bytecodes.c`; here `NATIVE` is the C call). Straight-line code between two check points runs without
//! a switch, which is why `counter += 1` in a loop no longer loses updates.

use std::time::Duration;

use super::{Checks, Gil, NewGil};

/// The 3.10+ GIL (the default policy).
///
/// ```
/// use gil_sim::gil::{py311::Py311, Gil, Checks};
/// assert_eq!(Py311::CHECKS, Checks::LoopsAndCalls);
/// let gil = Py311::new(std::time::Duration::from_millis(5));
/// gil.take(1);
/// gil.drop_gil(1, true);
/// ```
#[derive(Debug)]
pub struct Py311(pub NewGil);

impl Py311 {
    /// With the given switch interval.
    pub fn new(interval: Duration) -> Py311 {
        Py311(NewGil::new(interval))
    }
}

impl Gil for Py311 {
    const CHECKS: Checks = Checks::LoopsAndCalls;
    fn take(&self, me: u32) {
        self.0.take(me)
    }
    fn drop_gil(&self, me: u32, thread_exit: bool) {
        self.0.drop_gil(me, thread_exit)
    }
    #[inline(always)]
    fn breaker(&self) -> bool {
        self.0.drop_requested()
    }
}
