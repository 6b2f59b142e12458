//! The pool's start method as a command-line flag (`--start spawn|fork`) of an experiment.

use crate::pool::StartMethod;

/// The start method, as a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Start {
    /// Re-execute this binary as `<bin> __worker <job>`.
    Spawn,
    /// Fork server (forked while single-threaded) forks the workers.
    Fork,
}

impl Start {
    /// The pool's start method.
    pub fn method(self) -> StartMethod {
        match self {
            Start::Spawn => StartMethod::Spawn(None),
            Start::Fork => StartMethod::Fork,
        }
    }
}
