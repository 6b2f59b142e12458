//! The GIL policies, one file each, behind one trait, and the globals that
//! only a GIL holder can reach.
//!
//! | policy | CPython | who switches, and where |
//! | --- | --- | --- |
//! | [`py2`] | 2.7 `ceval.c` | every `check_interval` ticks the holder releases and re-acquires at once: no hand-off, no timing. A tick is counted before each instruction the loop dispatches through its check (not after the fast opcodes, [`Instr::dispatches_fast`](crate::vm::Instr::dispatches_fast)) |
//! | [`py39`] | 3.2–3.9 `ceval_gil.c` | a waiter times out after the switch interval and sets `gil_drop_request`; the holder checks before each instruction dispatched through the check (as py2) and waits until the waiter has the GIL (FORCE_SWITCHING) |
//! | [`py311`] | 3.10+ | as `py39`, but checks only after taken backward jumps, at the callee's `RESUME` and after native calls |
//! | [`nogil`] | 3.13t (PEP 703) | no global lock; each global load or store is atomic, a read-modify-write is not |

pub mod globals;
mod new_gil;
pub mod nogil;
pub mod py2;
pub mod py311;
pub mod py39;

use std::time::Duration;

pub use globals::{Globals, Held, Shared};
pub use new_gil::NewGil;

/// Which GIL the VM runs under (`--gil`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "demo", derive(clap::ValueEnum, serde::Serialize))]
#[cfg_attr(feature = "demo", serde(rename_all = "lowercase"))]
pub enum Policy {
    /// CPython 2.7: release and re-acquire every `check_interval` ticks.
    Py2,
    /// CPython 3.2–3.9: switch interval, drop request checked before
    /// every instruction not reached by a fast dispatch.
    Py39,
    /// CPython 3.10+: as py39, checked only after taken backward jumps, at
    /// the callee's RESUME and after native calls.
    Py311,
    /// Free-threaded CPython (PEP 703): no GIL at all.
    Nogil,
}

impl Policy {
    /// Every policy, oldest first.
    pub const ALL: [Policy; 4] = [Policy::Py2, Policy::Py39, Policy::Py311, Policy::Nogil];

    /// The name on the command line (`py311`).
    pub fn name(self) -> &'static str {
        match self {
            Policy::Py2 => "py2",
            Policy::Py39 => "py39",
            Policy::Py311 => "py311",
            Policy::Nogil => "nogil",
        }
    }

    /// Does this policy have a global lock at all?
    pub fn has_gil(self) -> bool {
        self != Policy::Nogil
    }

    /// The policy that models a CPython version (`gil_enabled` false: a free-threaded build).
    ///
    /// ```
    /// use gil_sim::gil::Policy;
    /// assert_eq!(Policy::for_cpython((3, 11, 7), true), Policy::Py311);
    /// assert_eq!(Policy::for_cpython((3, 8, 0), true), Policy::Py39);
    /// ```
    pub fn for_cpython(version: (u32, u32, u32), gil_enabled: bool) -> Policy {
        match version {
            _ if !gil_enabled => Policy::Nogil,
            (2, _, _) | (3, 0..=1, _) => Policy::Py2,
            (3, 2..=9, _) => Policy::Py39,
            _ => Policy::Py311,
        }
    }

    /// Could a thread switch happen at this instruction (`dis` marks)?
    /// py2 and py39 check before it when it is reached from an instruction
    /// that dispatches through the check (`after_checked_dispatch`: the
    /// function's entry, or a predecessor that is not
    /// [`Instr::dispatches_fast`](crate::vm::Instr::dispatches_fast));
    /// py311 only at its check points, which it polls as the instruction
    /// executes (a taken backward jump, `RESUME`) or after it (`NATIVE`
    /// returning); nogil never needs to (threads run side by side).
    ///
    /// ```
    /// use gil_sim::{gil::Policy, vm::Instr};
    /// let store = Instr::StoreGlobal(0);
    /// assert!(Policy::Py39.can_switch_at(&store, true)); // after BINARY_ADD
    /// assert!(!Policy::Py39.can_switch_at(&store, false)); // after LOAD_CONST
    /// assert!(!Policy::Py311.can_switch_at(&store, true));
    /// ```
    pub fn can_switch_at(self, ins: &crate::vm::Instr, after_checked_dispatch: bool) -> bool {
        match self {
            Policy::Py2 | Policy::Py39 => after_checked_dispatch,
            Policy::Py311 => ins.is_loop_or_call_check(),
            Policy::Nogil => false,
        }
    }
}

/// A policy and its knobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "demo", derive(serde::Serialize))]
pub struct GilConfig {
    /// Which GIL.
    pub policy: Policy,
    /// py39/py311: `sys.setswitchinterval` (CPython's default is 5 ms).
    pub switch_interval: Duration,
    /// py2: `sys.setcheckinterval` in ticks (CPython 2.7's default is 100).
    pub check_interval: u32,
}

impl GilConfig {
    /// CPython's defaults for `policy`: 5 ms interval, 100 ticks.
    pub fn new(policy: Policy) -> GilConfig {
        GilConfig {
            policy,
            switch_interval: Duration::from_millis(5),
            check_interval: 100,
        }
    }
}

/// Where the interpreter polls a policy's eval breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checks {
    /// Before every instruction the loop dispatches through its check:
    /// all but those after a fast opcode (py2's ticker, py39's eval breaker).
    EveryInstruction,
    /// After taken backward jumps, at the callee's `RESUME` and after
    /// native calls (py311).
    LoopsAndCalls,
    /// Never (nogil).
    Never,
}

/// A GIL policy: how a thread takes and drops the lock, and the check point.
///
/// The interpreter is generic over it, so each policy's checks compile into
/// the loop (no dynamic dispatch per instruction).
pub trait Gil: Send + Sync + 'static {
    /// Where the interpreter calls [`Gil::breaker`].
    const CHECKS: Checks;
    /// Blocks until thread `me` holds the GIL (`take_gil`).
    fn take(&self, me: u32) {
        self.take_noting(me, &mut || ());
    }
    /// As [`Gil::take`], calling `on_drop_request` each time this thread,
    /// tired of waiting, asks the holder to drop the GIL (only the new GIL
    /// asks; a trace marks the moment). The callback runs under the GIL's
    /// own mutex: it must only record, never block.
    fn take_noting(&self, me: u32, on_drop_request: &mut dyn FnMut());
    /// Releases it (`drop_gil`). `thread_exit`: the thread is leaving for
    /// good (CPython passes `tstate == NULL`: no forced-switch wait).
    fn drop_gil(&self, me: u32, thread_exit: bool);
    /// How many times the GIL has passed to a different thread so far. The
    /// holder reads it before a release and after its retake: unchanged, no
    /// other thread held the GIL in between (a trace then keeps one
    /// holding span instead of recording a hand-off that did not happen).
    fn hand_offs(&self) -> u64;
    /// The check point's fast path: must the holder let others run now?
    /// For the new GIL it is one relaxed atomic load.
    fn breaker(&self) -> bool;
}
