//! The "new GIL" of CPython 3.2+ (`Python/ceval_gil.h`, later
//! `Python/ceval_gil.c`): `take_gil` / `drop_gil` with a switch interval,
//! `gil_drop_request`, and FORCE_SWITCHING. Shared by [`super::py39`] and
//! [`super::py311`], which differ only in where the holder checks.
//!
//! Mapping to CPython (3.9 names):
//!
//! | CPython | here |
//! | --- | --- |
//! | `gil->locked`, `gil->last_holder`, `gil->switch_number` | [`State`] fields |
//! | `gil->mutex` + `gil->cond` | `state` + `cond` |
//! | `gil->switch_mutex` + `gil->switch_cond` | `state` (one mutex) + `switch_cond` |
//! | `gil->interval` (`sys.setswitchinterval`) | `interval` |
//! | `ceval2->gil_drop_request` / `eval_breaker` | `drop_request` (the simulator has no signals or pending calls, so the two are one flag) |
//!
//! Merging `switch_mutex` into `mutex` keeps the same order of events: the
//! dropping thread waits on `switch_cond` until `last_holder` changes, and
//! the taker signals it after becoming `last_holder`.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// Upper bound on a forced drop's wait for the hand-off. CPython waits
/// without a limit (the requester is always in `take_gil`); the cap only
/// guarantees the simulator never hangs.
const FORCE_SWITCH_CAP: Duration = Duration::from_secs(1);

/// The GIL's state under its mutex.
#[derive(Debug, Default)]
struct State {
    /// `gil->locked`: someone holds the GIL.
    locked: bool,
    /// `gil->last_holder`: the thread that took it last (0: nobody yet).
    last_holder: u32,
    /// `gil->switch_number`: how many times it changed hands.
    switch_number: u64,
    /// Threads waiting on `cond` (so that a drop with no waiter makes no syscall).
    waiters: u32,
}

/// The new GIL: see the module docs for the mapping to CPython.
#[derive(Debug)]
pub struct NewGil {
    interval: Duration,
    drop_request: AtomicBool,
    /// `switch_number`, mirrored for a lock-free read (written under `state`).
    hand_offs: AtomicU64,
    state: Mutex<State>,
    cond: Condvar,
    switch_cond: Condvar,
}

impl NewGil {
    /// A free GIL with the given switch interval.
    pub fn new(interval: Duration) -> NewGil {
        NewGil {
            interval,
            drop_request: AtomicBool::new(false),
            hand_offs: AtomicU64::new(0),
            state: Mutex::new(State::default()),
            cond: Condvar::new(),
            switch_cond: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `take_gil`.
    pub fn take(&self, me: u32) {
        self.take_noting(me, &mut || ());
    }

    /// `take_gil`, calling `on_drop_request` when this thread sets the
    /// drop request (see [`super::Gil::take_noting`]).
    pub fn take_noting(&self, me: u32, on_drop_request: &mut dyn FnMut()) {
        let mut st = self.lock();
        while st.locked {
            let saved_switchnum = st.switch_number;
            // Sleep on the condition variable for the switch interval...
            st.waiters += 1;
            let (g, res) = self
                .cond
                .wait_timeout(st, self.interval)
                .unwrap_or_else(PoisonError::into_inner);
            st = g;
            st.waiters -= 1;
            // ...and if it timed out with no switch meanwhile, ask the
            // holder to drop it: SET_GIL_DROP_REQUEST.
            if res.timed_out() && st.locked && st.switch_number == saved_switchnum {
                self.drop_request.store(true, Relaxed);
                on_drop_request();
            }
        }
        // FORCE_SWITCHING: (switch_mutex is this same mutex.)
        st.locked = true;
        if st.last_holder != me {
            st.last_holder = me;
            st.switch_number += 1;
            self.hand_offs.store(st.switch_number, Relaxed);
        }
        // FORCE_SWITCHING: COND_SIGNAL(gil->switch_cond): wake the forced dropper.
        self.switch_cond.notify_all();
        if self.drop_request.load(Relaxed) {
            // RESET_GIL_DROP_REQUEST: we are the thread that asked.
            self.drop_request.store(false, Relaxed);
        }
    }

    /// `drop_gil`. Unless the thread is exiting, a pending drop request
    /// makes it wait until another thread has taken the GIL (FORCE_SWITCHING),
    /// so the holder cannot take it straight back.
    pub fn drop_gil(&self, me: u32, thread_exit: bool) {
        let mut st = self.lock();
        st.locked = false;
        if st.waiters > 0 {
            self.cond.notify_one();
        }
        if !thread_exit && self.drop_request.load(Relaxed) && st.last_holder == me {
            // Not switched yet => wait.
            self.drop_request.store(false, Relaxed);
            while st.last_holder == me {
                let (g, res) = self
                    .switch_cond
                    .wait_timeout(st, FORCE_SWITCH_CAP)
                    .unwrap_or_else(PoisonError::into_inner);
                st = g;
                if res.timed_out() {
                    break;
                }
            }
        }
    }

    /// The eval breaker: one relaxed load.
    #[inline(always)]
    pub fn drop_requested(&self) -> bool {
        self.drop_request.load(Relaxed)
    }

    /// `SET_GIL_DROP_REQUEST` by hand (what a timed-out waiter does).
    pub fn request_drop(&self) {
        self.drop_request.store(true, Relaxed);
    }

    /// How many times the GIL changed hands (read without the mutex).
    #[inline]
    pub fn switch_number(&self) -> u64 {
        self.hand_offs.load(Relaxed)
    }

    /// The thread that took the GIL last (0: nobody yet).
    pub fn last_holder(&self) -> u32 {
        self.lock().last_holder
    }
}

/// Declares a new-GIL policy: a newtype over [`NewGil`] with `new` and a
/// [`super::Gil`] impl that forwards to it, with the given check points.
/// py39 and py311 differ only in those, so each file keeps its own docs and
/// mapping to CPython and states just its `Checks`.
macro_rules! new_gil_policy {
    ($(#[$doc:meta])* $name:ident, $checks:expr) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name(pub $crate::gil::NewGil);

        impl $name {
            /// With the given switch interval.
            pub fn new(interval: std::time::Duration) -> $name {
                $name($crate::gil::NewGil::new(interval))
            }
        }

        impl $crate::gil::Gil for $name {
            const CHECKS: $crate::gil::Checks = $checks;
            fn take_noting(&self, me: u32, on_drop_request: &mut dyn FnMut()) {
                self.0.take_noting(me, on_drop_request)
            }
            fn drop_gil(&self, me: u32, thread_exit: bool) {
                self.0.drop_gil(me, thread_exit)
            }
            fn hand_offs(&self) -> u64 {
                self.0.switch_number()
            }
            #[inline(always)]
            fn breaker(&self) -> bool {
                self.0.drop_requested()
            }
        }
    };
}
pub(crate) use new_gil_policy;
