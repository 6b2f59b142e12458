//! `py39`: the new GIL as in CPython 3.2–3.9. The eval breaker is checked
//! at the top of the evaluation loop, before every instruction.
//!
//! (CPython 3.9 skips the check after a few "fast" opcodes that jump with
//! `FAST_DISPATCH`, such as `LOAD_FAST` and `LOAD_CONST`; the simulator
//! checks before every instruction, a superset, which the lecture's
//! `counter += 1` race does not depend on: `LOAD_GLOBAL` and `BINARY_ADD`
//! dispatch through the check in 3.9 too.)

use std::time::Duration;

use super::{Checks, Gil, NewGil};

/// The 3.2–3.9 GIL.
///
/// ```
/// use gil_sim::gil::{py39::Py39, Gil};
/// let gil = Py39::new(std::time::Duration::from_millis(5));
/// gil.take(1);
/// assert!(!gil.breaker()); // no one waits: no drop request
/// gil.drop_gil(1, true);
/// ```
#[derive(Debug)]
pub struct Py39(pub NewGil);

impl Py39 {
    /// With the given switch interval.
    pub fn new(interval: Duration) -> Py39 {
        Py39(NewGil::new(interval))
    }
}

impl Gil for Py39 {
    const CHECKS: Checks = Checks::EveryInstruction;
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
