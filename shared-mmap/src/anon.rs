//! Anonymous shared memory that survives `fork`: `MAP_SHARED | MAP_ANONYMOUS`,
//! holding `AtomicU64` counters that parent and children update together.
//!
//! # Why `&AtomicU64` into the mapping is sound
//! - **Alignment**: `mmap` returns a page-aligned address (4096), and
//!   `AtomicU64` needs 8; counter `i` lives at byte `8 * i`.
//! - **Validity**: anonymous pages start zeroed, and every bit pattern is a
//!   valid `AtomicU64` (it has the layout of `u64`).
//! - **Lifetime**: the slice borrows `&self`; `munmap` runs in `Drop`, which
//!   needs ownership, so no reference can outlive the mapping.
//! - **No data race**: every process that touches the region does so through
//!   the same atomic operations on the same physical memory. Lock-free atomics
//!   are address-free (they work through any mapping of the same page), so
//!   the threads memory model carries over to processes. This type hands out
//!   no `&[u8]` and no `&mut`, so no plain access can race with an atomic one.
//!
//! # The trap this avoids
//! `memmap2::MmapMut::map_anon` is `MAP_PRIVATE`: after `fork` the child gets
//! a copy-on-write copy, and its writes never reach the parent (the
//! `private-trap` experiment shows it). Shared memory across `fork` needs
//! `MAP_SHARED`, which is what [`SharedAnon`] asks for.
//!
//! The mapping is shared only with processes forked while it exists; to share
//! with a process started by `exec`, use a memfd ([`crate::SealedMemfd`]).

use std::num::NonZeroUsize;
use std::ptr::NonNull;
use std::sync::atomic::AtomicU64;

use nix::sys::mman::{MapFlags, ProtFlags, mmap_anonymous, munmap};

use crate::error::{Context, Error, Result};

/// The most counters one region may hold (a limit before mapping).
pub const MAX_COUNTERS: usize = 1 << 20;

/// A `MAP_SHARED | MAP_ANONYMOUS` region of `AtomicU64` counters.
///
/// ```no_run
/// use std::sync::atomic::Ordering;
/// use std::time::Duration;
/// use shared_mmap::{SharedAnon, fork::fork_child};
///
/// let shared = SharedAnon::new(1)?;
/// // The child writes through its inherited mapping and exits...
/// let child = fork_child(|| {
///     shared.counters()[0].fetch_add(42, Ordering::Relaxed);
///     0
/// })?;
/// child.wait_timeout(Duration::from_secs(5))?;
/// // ...and the parent sees the write: the pages are shared, not copied.
/// assert_eq!(shared.counters()[0].load(Ordering::Relaxed), 42);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct SharedAnon {
    ptr: NonNull<AtomicU64>,
    counters: usize,
}

// SAFETY: the region is only ever accessed through `&AtomicU64`, which is
// `Send + Sync`; the raw pointer is just the owner of the mapping.
unsafe impl Send for SharedAnon {}
// SAFETY: as above: shared access goes through atomics only.
unsafe impl Sync for SharedAnon {}

impl SharedAnon {
    /// Maps room for `counters` zeroed `AtomicU64`s, shared with future forks.
    pub fn new(counters: usize) -> Result<SharedAnon> {
        if counters == 0 || counters > MAX_COUNTERS {
            return Err(Error::Invalid(format!(
                "{counters} counters not in 1..={MAX_COUNTERS}"
            )));
        }
        let len = NonZeroUsize::new(counters * 8).expect("counters >= 1");
        // SAFETY: a fresh anonymous mapping at an address the kernel picks
        // aliases no existing Rust object; the result is checked below.
        let ptr = unsafe {
            mmap_anonymous(
                None,
                len,
                ProtFlags::PROT_READ | ProtFlags::PROT_WRITE,
                MapFlags::MAP_SHARED,
            )
        }
        .ctx("mmap MAP_SHARED|MAP_ANONYMOUS")?;
        debug_assert_eq!(ptr.as_ptr() as usize % std::mem::align_of::<AtomicU64>(), 0);
        Ok(SharedAnon {
            ptr: ptr.cast(),
            counters,
        })
    }

    /// The counters. See the module docs for why this reference is sound.
    pub fn counters(&self) -> &[AtomicU64] {
        // SAFETY: page-aligned, zero-initialised, `counters * 8` bytes mapped
        // for as long as `self` lives, and only accessed atomically (module docs).
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.counters) }
    }
}

impl Drop for SharedAnon {
    fn drop(&mut self) {
        // SAFETY: `ptr`/`len` are exactly what mmap returned; no borrow of the
        // counters can outlive `self`. A forked child keeps its own mapping.
        let _ = unsafe { munmap(self.ptr.cast(), self.counters * 8) };
    }
}
