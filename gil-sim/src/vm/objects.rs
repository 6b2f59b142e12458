//! Reference-counted objects, and the three ways to count that the
//! gilectomy story is about.
//!
//! Every load of a Python object increments its reference count and every
//! drop of the reference decrements it. Under a GIL the count is a plain
//! integer: only the holder runs. Without one it must be safe against the
//! other threads:
//!
//! | [`RefCounting`] | who did it | an increment |
//! | --- | --- | --- |
//! | `Plain` | CPython with its GIL | `ob_refcnt += 1` (a load and a store) |
//! | `Atomic` | Larry Hastings' gilectomy (2016) | an atomic read-modify-write (`lock xadd`) every time |
//! | `Biased` | PEP 703 (3.13t), after Choi et al. 2018 | the owner thread: a plain add to `ob_ref_local`; any other thread: atomic on `ob_ref_shared` |
//!
//! As in CPython, an object's counts and owner share one cache line (its
//! header); objects never share a line, nor a pair of lines, with each other.

use std::sync::atomic::{AtomicI64, AtomicU32, Ordering::Relaxed};

/// How reference counts are kept (`--refcount`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "demo", derive(clap::ValueEnum, serde::Serialize))]
#[cfg_attr(feature = "demo", serde(rename_all = "lowercase"))]
pub enum RefCounting {
    /// Plain adds: correct only while a GIL serialises the threads.
    #[default]
    Plain,
    /// An atomic read-modify-write for every change (the gilectomy).
    Atomic,
    /// Biased: plain for the owning thread, atomic for the others (PEP 703).
    Biased,
}

impl RefCounting {
    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            RefCounting::Plain => "plain",
            RefCounting::Atomic => "atomic",
            RefCounting::Biased => "biased",
        }
    }
}

/// One object's header: its owner and its two counts, on one cache line,
/// and no other object's within 128 bytes: Intel's adjacent-line
/// prefetcher moves cache lines in pairs, so two objects 64 bytes apart,
/// each touched by its own thread, still bounce between the cores (measured
/// here: "own objects" then scaled 0.9-1.2x instead of 2x, depending on
/// where the allocation landed; crossbeam's `CachePadded` pads to 128 on
/// x86-64 for the same reason).
#[derive(Debug, Default)]
#[repr(align(128))]
pub struct Obj {
    /// `ob_tid`: the VM thread that owns the object (biased counting).
    owner: AtomicU32,
    /// `ob_ref_local` (`ob_refcnt` for plain and atomic counting).
    local: AtomicI64,
    /// `ob_ref_shared`: the other threads' changes (biased counting).
    shared: AtomicI64,
}

impl Obj {
    /// Adds `delta` to the count as `mode` does it, from VM thread `me`.
    #[inline(always)]
    fn add(&self, mode: RefCounting, me: u32, delta: i64) {
        match mode {
            // Load and store, not a read-modify-write: only a GIL makes it safe.
            RefCounting::Plain => self
                .local
                .store(self.local.load(Relaxed).wrapping_add(delta), Relaxed),
            RefCounting::Atomic => {
                self.local.fetch_add(delta, Relaxed);
            }
            RefCounting::Biased => {
                if self.owner.load(Relaxed) == me {
                    // Only the owner writes `local`: a plain add is enough.
                    self.local
                        .store(self.local.load(Relaxed).wrapping_add(delta), Relaxed);
                } else {
                    self.shared.fetch_add(delta, Relaxed);
                }
            }
        }
    }

    /// The object's total count (local and shared).
    pub fn count(&self) -> i64 {
        self.local.load(Relaxed) + self.shared.load(Relaxed)
    }
}

/// A run's objects and how their counts are kept.
///
/// ```
/// use gil_sim::vm::objects::{Objects, RefCounting};
/// let objs = Objects::new(2, 2, RefCounting::Biased);
/// objs.touch(0, 1).unwrap(); // thread 1 owns object 0: plain
/// objs.touch(0, 2).unwrap(); // thread 2 does not: atomic, on the shared count
/// assert_eq!(objs.counts(), [0, 0]); // every increment was dropped again
/// assert!(objs.touch(5, 1).is_err());
/// ```
#[derive(Debug)]
pub struct Objects {
    mode: RefCounting,
    objs: Box<[Obj]>,
}

impl Objects {
    /// `n` objects with count 0; object `i` is owned by VM thread
    /// `i % threads + 1` (the thread that would have created it).
    pub fn new(n: usize, threads: usize, mode: RefCounting) -> Objects {
        let threads = threads.max(1);
        Objects {
            mode,
            objs: (0..n)
                .map(|i| Obj {
                    owner: AtomicU32::new((i % threads) as u32 + 1),
                    ..Obj::default()
                })
                .collect(),
        }
    }

    /// Loads object `i` and drops the reference again (`x = obj` whose
    /// value is discarded): its count goes up by one and back down. `Err`
    /// with the index when there is no such object.
    #[inline(always)]
    pub fn touch(&self, i: i64, me: u32) -> Result<(), i64> {
        let o = usize::try_from(i)
            .ok()
            .and_then(|i| self.objs.get(i))
            .ok_or(i)?;
        o.add(self.mode, me, 1);
        o.add(self.mode, me, -1);
        Ok(())
    }

    /// Every object's final count (0 for each when no change was lost).
    pub fn counts(&self) -> Vec<i64> {
        self.objs.iter().map(Obj::count).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_never_share_a_pair_of_cache_lines() {
        assert_eq!(std::mem::align_of::<Obj>(), 128);
        let objs = Objects::new(3, 3, RefCounting::Atomic);
        let addr = |i: usize| &objs.objs[i] as *const Obj as usize;
        assert!(addr(1) - addr(0) >= 128 && addr(0) % 128 == 0);
    }
}
