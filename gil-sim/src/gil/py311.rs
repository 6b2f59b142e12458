//! `py311`: the new GIL as in CPython 3.10+, where the eval breaker is
//! checked only where the loop can run for long: `JUMP_BACKWARD` (and the
//! backward conditional jumps of 3.11), `RESUME` at function entry (so
//! every Python-to-Python call switches at the callee's entry), and after C
//! calls (`CHECK_EVAL_BREAKER()` in those opcodes of `Python/ceval.c`,
//! later `Python/bytecodes.c`; here `NATIVE` is the C call). Straight-line code between two check points runs without
//! a switch, which is why `counter += 1` in a loop no longer loses updates.

use super::Checks;
use super::new_gil::new_gil_policy;

new_gil_policy!(
    /// The 3.10+ GIL (the default policy).
    ///
    /// ```
    /// use gil_sim::gil::{py311::Py311, Gil, Checks};
    /// assert_eq!(Py311::CHECKS, Checks::LoopsAndCalls);
    /// let gil = Py311::new(std::time::Duration::from_millis(5));
    /// gil.take(1);
    /// gil.drop_gil(1, true);
    /// ```
    Py311,
    Checks::LoopsAndCalls
);
