//! `py39`: the new GIL as in CPython 3.2–3.9. The eval breaker is checked
//! at the top of the evaluation loop, before every instruction that
//! reaches it.
//!
//! Not quite every: 3.9 jumps straight on after its cheapest opcodes
//! (`FAST_DISPATCH()` after `LOAD_FAST`, `LOAD_CONST`, `STORE_FAST`, …),
//! so the instruction after one of them is never a switch point. The
//! interpreter models that ([`Instr::dispatches_fast`](crate::vm::Instr::dispatches_fast)):
//! `LOAD_GLOBAL` and the add dispatch through the check, so `counter += 1`
//! can still be cut between its read and its write.

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
