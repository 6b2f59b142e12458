//! `py39`: the new GIL as in CPython 3.2–3.9. The eval breaker is checked
//! at the top of the evaluation loop, before every instruction.
//!
//! (CPython 3.9 skips the check after a few "fast" opcodes that jump with
//! `FAST_DISPATCH`, such as `LOAD_FAST` and `LOAD_CONST`; the simulator
//! checks before every instruction, a superset, which the lecture's
//! `counter += 1` race does not depend on: `LOAD_GLOBAL` and `BINARY_ADD`
//! dispatch through the check in 3.9 too.)

use super::Checks;
use super::new_gil::new_gil_policy;

new_gil_policy!(
    /// The 3.2–3.9 GIL.
    ///
    /// ```
    /// use gil_sim::gil::{py39::Py39, Gil};
    /// let gil = Py39::new(std::time::Duration::from_millis(5));
    /// gil.take(1);
    /// assert!(!gil.breaker()); // no one waits: no drop request
    /// gil.drop_gil(1, true);
    /// ```
    Py39,
    Checks::EveryInstruction
);
