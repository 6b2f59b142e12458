//! The library's error type: what went wrong while sharing memory with another process.

use std::io;
use std::time::Duration;

/// Everything the library can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A system call failed; `what` says which step.
    #[error("{what}: {source}")]
    Io {
        /// The step that failed, e.g. `memfd_create`.
        what: &'static str,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// A blocking wait ran out of time (a worker hung, a mailbox stayed empty).
    #[error("timed out after {0:?} waiting for {1}")]
    Timeout(Duration, &'static str),
    /// A worker process misbehaved: bad exit status, garbled reply.
    #[error("worker: {0}")]
    Worker(String),
    /// A size or argument outside the library's limits.
    #[error("invalid argument: {0}")]
    Invalid(String),
    /// `fork` was refused because other threads exist (see [`crate::fork`]).
    #[error("fork refused: the process has {0} threads; fork only while single-threaded")]
    MultiThreaded(usize),
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Attaches the step name to an `io::Error` (or anything convertible to one).
pub(crate) trait Context<T> {
    fn ctx(self, what: &'static str) -> Result<T>;
}

impl<T, E: Into<io::Error>> Context<T> for std::result::Result<T, E> {
    fn ctx(self, what: &'static str) -> Result<T> {
        self.map_err(|e| Error::Io {
            what,
            source: e.into(),
        })
    }
}
