//! `py2`: the old GIL of CPython 2.7 (`Python/ceval.c`, the "check
//! interval"). The GIL is a plain lock (`PyThread_acquire_lock`, a POSIX
//! semaphore on Linux). A global ticker `_Py_Ticker` counts instructions:
//!
//! ```c
//! if (--_Py_Ticker < 0) {
//!     _Py_Ticker = _Py_CheckInterval;        /* sys.setcheckinterval, 100 */
//!     PyThread_release_lock(interpreter_lock);
//!     /* Other threads may run now */
//!     PyThread_acquire_lock(interpreter_lock, 1);
//! }
//! ```
//!
//! 2.7 skips the tick after its cheapest opcodes: `LOAD_FAST`,
//! `LOAD_CONST`, `STORE_FAST`, `POP_TOP`, `JUMP_FORWARD` and the bool fast
//! paths of `POP_JUMP_IF_*` end in `goto fast_next_opcode`, past the
//! `--_Py_Ticker` block, so the instruction after them neither counts a
//! tick nor can switch; the interpreter does the same
//! ([`Instr::dispatches_fast`](crate::vm::Instr::dispatches_fast)). The
//! ticks before `LOAD_CONST` (after `LOAD_GLOBAL`) and before
//! `STORE_GLOBAL` (after the add) fall inside `counter += 1`'s
//! read-modify-write, so updates are lost as in 2.7.
//!
//! There is no hand-off and no timing: on a multi-core machine the releaser
//! usually takes the lock straight back before the woken waiter gets to it,
//! and the waiter burns a wake-up for nothing (the lecture's "threads can be
//! slower on more cores").

use std::sync::atomic::{AtomicI32, AtomicU64, Ordering::Relaxed};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use super::{Checks, Gil};

/// The 2.7 GIL.
///
/// ```
/// use gil_sim::gil::{py2::Py2, Gil};
/// let gil = Py2::new(3);
/// gil.take(1);
/// // --ticker < 0 on the 4th check: release and re-acquire
/// let hits: Vec<bool> = (0..4).map(|_| gil.breaker()).collect();
/// assert_eq!(hits, [false, false, false, true]);
/// gil.drop_gil(1, true);
/// ```
#[derive(Debug)]
pub struct Py2 {
    check_interval: i32,
    /// `_Py_Ticker`: only the holder touches it, so relaxed load + store suffice.
    ticker: AtomicI32,
    /// The semaphore's value, its sleepers, and who took it last.
    lock: Mutex<Sem>,
    cond: Condvar,
    /// Takes by a thread other than the last holder (written under `lock`).
    hand_offs: AtomicU64,
}

/// The 2.7 lock's state under its mutex.
#[derive(Debug, Default)]
struct Sem {
    locked: bool,
    sleepers: u32,
    last_holder: u32,
}

impl Py2 {
    /// With `sys.setcheckinterval(check_interval)`.
    pub fn new(check_interval: u32) -> Py2 {
        let ci = check_interval.min(i32::MAX as u32) as i32;
        Py2 {
            check_interval: ci,
            ticker: AtomicI32::new(ci),
            lock: Mutex::new(Sem::default()),
            cond: Condvar::new(),
            hand_offs: AtomicU64::new(0),
        }
    }

    fn state(&self) -> MutexGuard<'_, Sem> {
        self.lock.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Gil for Py2 {
    const CHECKS: Checks = Checks::EveryInstruction;

    /// `PyThread_acquire_lock(interpreter_lock, 1)`: waits until the holder
    /// releases (every holder releases at its next tick, blocking call or exit).
    fn take_noting(&self, me: u32, _on_drop_request: &mut dyn FnMut()) {
        let mut st = self.state();
        while st.locked {
            st.sleepers += 1;
            st = self.cond.wait(st).unwrap_or_else(PoisonError::into_inner);
            st.sleepers -= 1;
        }
        st.locked = true;
        if st.last_holder != me {
            st.last_holder = me;
            self.hand_offs.fetch_add(1, Relaxed);
        }
    }

    /// `PyThread_release_lock`: `sem_post` wakes one sleeper, if any. As
    /// `sem_post`, the lock is free before the wake-up call (a system call
    /// that takes the releaser a while): a sleeper woken meanwhile can take
    /// it before the releaser is back to retake it.
    fn drop_gil(&self, _me: u32, _thread_exit: bool) {
        let wake = {
            let mut st = self.state();
            st.locked = false;
            st.sleepers > 0
        };
        if wake {
            self.cond.notify_one();
        }
    }

    fn hand_offs(&self) -> u64 {
        self.hand_offs.load(Relaxed)
    }

    #[inline(always)]
    fn breaker(&self) -> bool {
        let t = self.ticker.load(Relaxed) - 1;
        if t < 0 {
            self.ticker.store(self.check_interval, Relaxed);
            true
        } else {
            self.ticker.store(t, Relaxed);
            false
        }
    }
}
