//! What one VM thread runs ([`Job`]): the unit [`super::run()`] starts a
//! real OS thread for.

use super::program::FuncId;

/// What a VM thread runs: a function, its arguments, and optionally the
/// read end of a pipe for `IO_READ`.
#[derive(Debug)]
pub struct Job {
    /// The function to run.
    pub func: FuncId,
    /// Its arguments.
    pub args: Vec<i64>,
    /// Where `IO_READ` reads from.
    pub pipe: Option<std::io::PipeReader>,
}

impl Job {
    /// A job without a pipe.
    pub fn new(func: FuncId, args: &[i64]) -> Job {
        Job {
            func,
            args: args.to_vec(),
            pipe: None,
        }
    }
}
