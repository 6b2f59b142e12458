//! What a worker tells its parent: typed replies, sent as frames (u32 length +
//! bincode) on the worker's stdout through the framed channel of
//! `subprocess-pipes`, the crate that owns messaging over pipes.

use serde::{Deserialize, Serialize};

use crate::error::{Context, Result};

/// The largest reply frame a parent accepts (checked before allocating).
pub const MAX_REPLY: usize = 4096;

/// One reply from a worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reply {
    /// The worker holds its data: nanoseconds since it started.
    Ready {
        /// Time from the worker's start until its slice was in hand (for a
        /// mapping: mapped, no page touched yet).
        ns: u64,
        /// For a mapping, the time then spent touching one byte of every
        /// page of it (page-table work, no copy); 0 where the bytes were
        /// copied in (they are touched already).
        touch_ns: u64,
    },
    /// The worker's reduction of its slice.
    Sum(u64),
    /// A timed scan: the checksum of the last pass, and the time of all passes.
    Scan {
        /// Checksum of the slice.
        sum: u64,
        /// Nanoseconds for all passes.
        ns: u64,
    },
    /// The SIGBUS child has mapped its file and is about to truncate it.
    Mapped,
    /// What the sealed-memfd child saw when it tried to truncate.
    Truncate {
        /// `errno` of the refused `ftruncate`; `None` if it was allowed.
        errno: Option<i32>,
        /// The last byte, read through the mapping afterwards.
        value: u8,
    },
}

/// Sends one reply on this process's stdout (worker side).
pub fn send(reply: &Reply) -> Result<()> {
    subprocess_pipes::channel::Sender::<Reply, _>::new(std::io::stdout().lock())
        .send(reply)
        .map_err(std::io::Error::other)
        .ctx("send reply")
}
