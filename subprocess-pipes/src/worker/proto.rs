//! The typed messages between the demos and their worker children.

use serde::{Deserialize, Serialize};

use crate::blob::Blob;

/// A small request for the latency experiment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ping {
    /// Sequence number; the answer carries `seq + 1`.
    pub seq: u64,
}

/// The answer to a [`Ping`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pong {
    /// The ping's `seq + 1`.
    pub seq: u64,
}

/// A bulk transfer for the throughput experiment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Bulk {
    /// A payload.
    Data(Blob),
    /// End of a batch: answer with the byte total received since the last `End`.
    End,
}

/// [`Bulk`] as the receiver sees it without copying: the payload borrows
/// from the channel's buffer (same wire shape as [`Bulk`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum BulkRef<'a> {
    /// A payload, in place.
    Data(&'a [u8]),
    /// End of a batch.
    End,
}

/// A job for the `messages` experiment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Job {
    /// The sum of `i * i` for `i` in `0..n`, modulo 2^64.
    SumSquares {
        /// The job's id, echoed in the result.
        id: u64,
        /// How many squares.
        n: u64,
    },
    /// The number of whitespace-separated words in `text`.
    Words {
        /// The job's id.
        id: u64,
        /// The text.
        text: String,
    },
    /// A Fletcher-style checksum of `data`.
    Checksum {
        /// The job's id.
        id: u64,
        /// The bytes.
        data: Blob,
    },
}

/// A job's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobResult {
    /// The job's id.
    pub id: u64,
    /// The answer.
    pub value: u64,
    /// The worker's process id (to show that both children worked).
    pub pid: u32,
}

impl Job {
    /// The job's id.
    pub fn id(&self) -> u64 {
        match self {
            Job::SumSquares { id, .. } | Job::Words { id, .. } | Job::Checksum { id, .. } => *id,
        }
    }

    /// Does the work (the parent calls it too, to check the child).
    pub fn compute(&self) -> u64 {
        match self {
            Job::SumSquares { n, .. } => {
                (0..*n).fold(0u64, |s, i| s.wrapping_add(i.wrapping_mul(i)))
            }
            Job::Words { text, .. } => text.split_whitespace().count() as u64,
            Job::Checksum { data, .. } => {
                let (mut a, mut b) = (1u64, 0u64);
                for &x in &data.0 {
                    a = (a + u64::from(x)) % 65521;
                    b = (b + a) % 65521;
                }
                (b << 16) | a
            }
        }
    }
}
