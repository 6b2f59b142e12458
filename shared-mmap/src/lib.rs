//! # shared-mmap: sharing memory between processes
//!
//! Processes share no objects, so data handed to a worker process is copied,
//! and that copying is much of what makes processes expensive. "But there are
//! ways to share memory between processes, if you have a lot of read-only
//! data": memory maps. This crate shows the ways, measures what they save, and
//! teaches the traps.
//!
//! ## 1. A read-only dataset, written once, mapped by every worker
//! The parent writes the data once into a [`SealedMemfd`] (an in-memory file
//! with no name, sealed so nobody can shrink, grow or write it). Workers
//! inherit its descriptor, map their slice read-only, and work on it; no byte
//! of the dataset crosses a pipe ([`share::reduce`] with [`share::Method::Mmap`]).
//!
//! ```
//! use shared_mmap::{Dataset, dataset::checksum};
//!
//! let data = Dataset::generate(1 << 16)?;        // 64 KiB of u64 words, sealed
//! let map = data.memfd().map()?;                  // any process holding the fd can do this
//! assert_eq!(checksum(&map), data.direct_checksum()?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## 2. Counters in anonymous shared memory, across `fork`
//! [`SharedAnon`] is `MAP_SHARED | MAP_ANONYMOUS`: a forked child writes to
//! the same pages as its parent. Its `AtomicU64`s give exact totals across
//! processes; plain load-then-store loses updates. Why a `&AtomicU64` into a
//! mapping is sound is written out in [`anon`].
//!
//! ## 3. The private-mapping trap
//! `memmap2::MmapMut::map_anon` is `MAP_PRIVATE`: after `fork` the child
//! writes to its own copy-on-write pages, and the parent never sees them.
//! The `private-trap` experiment and the `fork` test show it.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! // The child writes 0xAB into a memmap2 `map_anon` mapping and into a
//! // `SharedAnon`; this must run single-threaded (it forks).
//! let seen = shared_mmap::trap::private_vs_shared(Duration::from_secs(5))?;
//! assert_eq!(seen.private, 0);    // the trap: the parent still reads 0
//! assert_eq!(seen.shared, 0xAB);  // MAP_SHARED carries the write back
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## 4. A mailbox between two processes
//! [`Mailbox`]: a small file mapped writable by both sides, a sequence
//! counter and an ack counter in atomics (the protocol is in [`mailbox`]),
//! and [`Mailbox::flush`] (`msync`) for durability.
//!
//! ## 5. Ownership and SIGBUS
//! Whoever creates a shared thing removes it, exactly once: a memfd has no
//! name and is freed by the kernel with its last descriptor and mapping, so it
//! cannot leak even when a process is killed; files go through `tempfile` and
//! are removed by their creator's drop, also on error and panic. A file that
//! someone truncates under a mapping kills the reader with SIGBUS ([`sigbus`]);
//! the sealed memfd refuses the truncation, so the crate's own sharing is
//! immune by design.
//!
//! ## 6. Worker processes
//! Workers are this binary re-executed as `shared-mmap __worker …`
//! ([`worker_set`], [`worker_modes`]), safe from any thread; they answer with typed
//! [`reply::Reply`] frames over the framed channel of `subprocess-pipes`.
//! [`fork`] is used only where sharing *across fork* is the point, and only
//! while single-threaded (the rule of the `processes` crate,
//! [`processes::fork::check_single_threaded`]).
//! Every child is killed and reaped by a guard, also on error or panic.
//!
//! ## 7. Measuring it
//! [`processes::proc_info::Memory`] (from the `processes` crate) reads RSS
//! and PSS from `/proc/<pid>/smaps_rollup` (PSS splits a shared page among
//! its mappers, so a sum over processes counts it once);
//! [`scan`] times parallel scans in processes and in threads; [`counter`] and
//! [`trap`] are the fork demonstrations; the `shared-mmap` binary's
//! experiments turn them into claims with verdicts.
//!
//! Linux only (memfd, seals, `/proc`).
//!
//! The binary, its experiments and the demo contract come with the `demo`
//! feature (on by default); `shared-mmap = { path = "../shared-mmap",
//! default-features = false }` is the library alone, which depends on the
//! libraries of `processes` and `subprocess-pipes` (copy them beside it).
#![deny(unsafe_op_in_unsafe_fn)]

// The demo side (advice, charts and the contract, then these), compiled
// with the `demo` feature and hidden from the docs.
include!("../../contract/demo_modules.rs");
demo_modules! {
    pub mod experiments;
    pub mod flags;
}

pub mod anon;
pub mod counter;
pub mod dataset;
pub mod error;
pub mod fork;
pub mod mailbox;
pub mod memfd;
pub mod reply;
pub mod scan;
pub mod share;
pub mod sigbus;
pub mod trap;
pub mod worker_modes;
pub mod worker_set;

pub use anon::SharedAnon;
pub use dataset::Dataset;
pub use error::{Error, Result};
pub use mailbox::Mailbox;
pub use memfd::SealedMemfd;

/// The demo: its name, what it teaches, and its experiments (the demo's
/// side, not this library's API).
///
/// ```
/// assert_eq!(shared_mmap::DEMO.name, "shared-mmap");
/// ```
#[cfg(feature = "demo")]
#[doc(hidden)]
pub static DEMO: contract::Demo = contract::Demo {
    name: "shared-mmap",
    about: "Sharing memory between processes: read-only data without copies, shared counters, and the traps",
    experiments: experiments::ALL,
    tools: &[],
};
