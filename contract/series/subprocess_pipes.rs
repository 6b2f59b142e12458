//! subprocess-pipes' series.

use serde::{Deserialize, Serialize};

use super::Point;

/// `subprocess-pipes throughput`: at one message size, the bandwidth of a
/// pipe carrying raw bytes, framed bincode messages, and framed messages
/// the sender gives up (no copy kept), each the median of interleaved runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PipeThroughput {
    /// One message, in bytes.
    pub size_bytes: u64,
    /// Raw bytes, MiB/s.
    pub raw_mib_s: f64,
    /// Framed (length prefix + bincode), MiB/s.
    pub framed_mib_s: f64,
    /// Framed, the message moved into the channel, MiB/s.
    pub owned_mib_s: f64,
}

impl Point for PipeThroughput {
    const NAME: &'static str = "throughput";
    const X: &'static str = "size_bytes";
    const UNITS: &'static [(&'static str, &'static str)] = &[
        ("size_bytes", "bytes"),
        ("raw_mib_s", "MiB/s"),
        ("framed_mib_s", "MiB/s"),
        ("owned_mib_s", "MiB/s"),
    ];
}

/// `subprocess-pipes foreign-child`: CPython's `multiprocessing.Pipe`
/// bandwidth (`send_bytes`) at one message size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MpPipeThroughput {
    /// One message, in bytes.
    pub size_bytes: u64,
    /// MiB/s.
    pub mib_s: f64,
}

impl Point for MpPipeThroughput {
    const NAME: &'static str = "cpython_mp_pipe";
    const X: &'static str = "size_bytes";
    const UNITS: &'static [(&'static str, &'static str)] =
        &[("size_bytes", "bytes"), ("mib_s", "MiB/s")];
}
