//! subprocess-pipes' series.

use super::point::point;

point! {
    /// `subprocess-pipes throughput`: at one message size, the bandwidth of a
    /// pipe carrying raw bytes, framed bincode messages, and framed messages
    /// the sender gives up (no copy kept), each the median of interleaved runs.
    pub struct PipeThroughput("throughput", x = size_bytes) {
        /// One message, in bytes.
        size_bytes: u64 => "bytes",
        /// Raw bytes, MiB/s.
        raw_mib_s: f64 => "MiB/s",
        /// Framed (length prefix + bincode), MiB/s.
        framed_mib_s: f64 => "MiB/s",
        /// Framed, the message moved into the channel, MiB/s.
        owned_mib_s: f64 => "MiB/s",
    }
}

point! {
    /// `subprocess-pipes foreign-child`: CPython's `multiprocessing.Pipe`
    /// bandwidth (`send_bytes`) at one message size.
    pub struct MpPipeThroughput("cpython_mp_pipe", x = size_bytes) {
        /// One message, in bytes.
        size_bytes: u64 => "bytes",
        /// MiB/s.
        mib_s: f64 => "MiB/s",
    }
}
