//! The private-mapping trap: memmap2's `map_anon` is `MAP_PRIVATE`, so after
//! `fork` a child's writes land in its own copy-on-write pages and never
//! reach the parent. `MAP_SHARED` ([`SharedAnon`]) is what sharing needs.

use std::sync::atomic::Ordering;
use std::time::Duration;

use memmap2::MmapMut;

use crate::anon::SharedAnon;
use crate::error::{Context, Error, Result};
use crate::fork::{ExitCause, fork_child};

/// The value the child writes.
pub const MARK: u8 = 0xAB;

/// What the parent saw after its child wrote [`MARK`] into each mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    /// First byte of memmap2's `map_anon` (private) in the parent: still 0.
    pub private: u8,
    /// First counter of [`SharedAnon`] in the parent: the child's value.
    pub shared: u64,
    /// What the child read back from its private copy (its write did land, locally).
    pub child_private: u8,
}

/// Forks one child that writes into both mappings; reports what the parent
/// sees afterwards. Must be called single-threaded.
///
/// ```no_run
/// let seen = shared_mmap::trap::private_vs_shared(std::time::Duration::from_secs(5))?;
/// assert_eq!(seen.private, 0);                               // the trap
/// assert_eq!(seen.shared, shared_mmap::trap::MARK as u64);   // the fix
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn private_vs_shared(limit: Duration) -> Result<Seen> {
    let mut private = MmapMut::map_anon(4096).ctx("map_anon")?;
    let shared = SharedAnon::new(2)?;
    let private_ptr = private.as_mut_ptr();
    let child = fork_child(|| {
        // SAFETY: in the child, the (copy-on-write) private page is ours
        // alone; nothing else in this single-threaded process touches it.
        unsafe { private_ptr.write_volatile(MARK) };
        shared.counters()[0].store(u64::from(MARK), Ordering::Release);
        // SAFETY: as above; reading back our own write.
        let back = unsafe { private_ptr.read_volatile() };
        shared.counters()[1].store(u64::from(back), Ordering::Release);
        0
    })?;
    match child.wait_timeout(limit)? {
        ExitCause::Exited(0) => {}
        other => return Err(Error::Worker(format!("trap child ended {other:?}"))),
    }
    Ok(Seen {
        private: private[0],
        shared: shared.counters()[0].load(Ordering::Acquire),
        child_private: shared.counters()[1].load(Ordering::Acquire) as u8,
    })
}
