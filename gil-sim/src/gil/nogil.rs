//! `nogil`: free-threaded CPython (PEP 703, 3.13t). There is no global
//! lock: taking and dropping "the GIL" does nothing and the breaker never
//! fires, so threads run bytecode side by side. Each global load or store is
//! still atomic on its own (PEP 703's per-object locking makes a dict
//! access safe), but `LOAD_GLOBAL; BINARY_ADD; STORE_GLOBAL` is not.

use super::{Checks, Gil};

/// No GIL.
///
/// ```
/// use gil_sim::gil::{nogil::NoGil, Gil};
/// NoGil.take(1);
/// NoGil.take(2); // no exclusion
/// assert!(!NoGil.breaker());
/// ```
#[derive(Debug, Default, Clone, Copy)]
pub struct NoGil;

impl Gil for NoGil {
    const CHECKS: Checks = Checks::Never;
    fn take_noting(&self, _me: u32, _on_drop_request: &mut dyn FnMut()) {}
    fn drop_gil(&self, _me: u32, _thread_exit: bool) {}
    fn hand_offs(&self) -> u64 {
        0
    }
    #[inline(always)]
    fn breaker(&self) -> bool {
        false
    }
}
