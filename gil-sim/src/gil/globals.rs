//! The interpreter's shared state, and the guard that proves the GIL is held.
//!
//! [`Shared`] keeps the globals private; the only way to reach them is a
//! [`Held`] guard, which [`Shared::acquire`] returns after taking the GIL and
//! whose `Drop` releases it. The guard is `!Send`: the thread that took the
//! GIL is the one that drops it. Globals are atomics read and written with
//! `Relaxed` ordering: under a GIL the lock's hand-off orders them, and under
//! `nogil` each load or store is atomic on its own while `load; add; store`
//! is not — exactly CPython's situation.

use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering::*};

use super::Gil;

/// The program's global variables.
#[derive(Debug)]
pub struct Globals {
    values: Box<[AtomicI64]>,
}

impl Globals {
    /// Global `i` (`LOAD_GLOBAL`).
    #[inline(always)]
    pub fn load(&self, i: u16) -> i64 {
        self.values[i as usize].load(Relaxed)
    }

    /// Sets global `i` (`STORE_GLOBAL`).
    #[inline(always)]
    pub fn store(&self, i: u16, v: i64) {
        self.values[i as usize].store(v, Relaxed)
    }
}

/// A GIL, the globals it guards, and the one-holder invariant's counters.
#[derive(Debug)]
pub struct Shared<G> {
    gil: G,
    globals: Globals,
    /// How many threads hold a guard right now (0 or 1 under a GIL).
    inside: AtomicUsize,
    /// Most threads ever inside at once.
    max_inside: AtomicUsize,
    /// Acquisitions or releases that found another thread inside (must stay
    /// 0 under a GIL).
    overlaps: AtomicU64,
}

/// Proof that this thread holds the GIL: derefs to the [`Globals`].
///
/// ```
/// use gil_sim::gil::{py311::Py311, Shared};
/// use std::time::Duration;
/// let shared = Shared::new(Py311::new(Duration::from_millis(5)), 1);
/// let held = shared.acquire(1);
/// held.store(0, 41);
/// assert_eq!(held.load(0) + 1, 42);
/// drop(held); // drop_gil
/// assert_eq!(shared.overlaps(), 0);
/// ```
#[derive(Debug)]
pub struct Held<'a, G: Gil> {
    shared: &'a Shared<G>,
    me: u32,
    thread_exit: bool,
    _not_send: PhantomData<*const ()>,
}

impl<G: Gil> Shared<G> {
    /// `globals` zeroed globals under `gil`.
    pub fn new(gil: G, globals: usize) -> Shared<G> {
        Shared {
            gil,
            globals: Globals {
                values: (0..globals).map(|_| AtomicI64::new(0)).collect(),
            },
            inside: AtomicUsize::new(0),
            max_inside: AtomicUsize::new(0),
            overlaps: AtomicU64::new(0),
        }
    }

    /// The policy itself.
    pub fn gil(&self) -> &G {
        &self.gil
    }

    /// Takes the GIL for thread `me` and returns the guard.
    ///
    /// `me` must be non-zero (0 is the GIL's "nobody yet" holder) and
    /// unique to the calling thread. The GIL is not re-entrant, like
    /// CPython's: a thread that calls `acquire` while it already holds a
    /// guard waits for itself forever (py2) or until its own forced drop
    /// gives up (the new GIL). The VM never does; only `Held` methods
    /// re-acquire, after dropping.
    pub fn acquire(&self, me: u32) -> Held<'_, G> {
        self.acquire_noting(me, &mut || ())
    }

    /// As [`Shared::acquire`], calling `on_drop_request` whenever this
    /// thread asks the holder to drop the GIL while it waits
    /// ([`Gil::take_noting`]).
    pub fn acquire_noting(&self, me: u32, on_drop_request: &mut dyn FnMut()) -> Held<'_, G> {
        debug_assert!(me != 0, "thread id 0 means \"no holder\" to the GIL");
        self.gil.take_noting(me, on_drop_request);
        let before = self.inside.fetch_add(1, AcqRel);
        if before > 0 {
            self.overlaps.fetch_add(1, Relaxed);
        }
        self.max_inside.fetch_max(before + 1, Relaxed);
        Held {
            shared: self,
            me,
            thread_exit: true,
            _not_send: PhantomData,
        }
    }

    /// Acquisitions or releases that found another holder: 0 under any real GIL.
    pub fn overlaps(&self) -> u64 {
        self.overlaps.load(Relaxed)
    }

    /// The most threads that ever held a guard at the same time.
    pub fn max_inside(&self) -> usize {
        self.max_inside.load(Relaxed)
    }

    /// The globals' final values, once no thread runs (needs `&mut`).
    pub fn snapshot(&mut self) -> Vec<i64> {
        self.globals
            .values
            .iter_mut()
            .map(|v| *v.get_mut())
            .collect()
    }
}

impl<'a, G: Gil> Held<'a, G> {
    /// `Py_BEGIN_ALLOW_THREADS; f(); Py_END_ALLOW_THREADS`: drops the GIL,
    /// runs `f` without it (it cannot touch the globals: it has no guard),
    /// and takes the GIL back.
    pub fn allow_threads<R>(self, f: impl FnOnce() -> R) -> (Held<'a, G>, R) {
        self.allow_threads_noting(&mut || (), f)
    }

    /// As [`Held::allow_threads`], calling `on_drop_request` whenever the
    /// retake asks the holder to drop the GIL ([`Gil::take_noting`]).
    pub fn allow_threads_noting<R>(
        mut self,
        on_drop_request: &mut dyn FnMut(),
        f: impl FnOnce() -> R,
    ) -> (Held<'a, G>, R) {
        let (shared, me) = (self.shared, self.me);
        self.thread_exit = false;
        drop(self);
        let r = f();
        (shared.acquire_noting(me, on_drop_request), r)
    }

    /// How many times the GIL has changed hands ([`Gil::hand_offs`]).
    #[inline]
    pub fn hand_offs(&self) -> u64 {
        self.shared.gil.hand_offs()
    }

    /// The eval breaker's slow path: drop the GIL so the requester runs, then
    /// take it back.
    pub fn yield_now(self) -> Held<'a, G> {
        self.allow_threads(|| ()).0
    }
}

impl<G: Gil> Deref for Held<'_, G> {
    type Target = Globals;
    fn deref(&self) -> &Globals {
        &self.shared.globals
    }
}

impl<G: Gil> Drop for Held<'_, G> {
    fn drop(&mut self) {
        // Still alone inside at the moment of leaving?
        if self.shared.inside.fetch_sub(1, AcqRel) != 1 {
            self.shared.overlaps.fetch_add(1, Relaxed);
        }
        self.shared.gil.drop_gil(self.me, self.thread_exit);
    }
}
