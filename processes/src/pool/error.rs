//! What can go wrong in a pool: for one task ([`TaskError`]) or for the whole pool ([`PoolError`]).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use subprocess_pipes::channel::ChannelError;

use crate::child::ExitCause;
use crate::fork::ForkError;

/// How a worker process was lost.
#[derive(Debug, Clone)]
pub struct Death {
    /// Its process id.
    pub pid: i32,
    /// How it ended (after the pool reaped it).
    pub exit: Option<ExitCause>,
    /// The channel error that ended its stream, if it did not end cleanly
    /// (garbage, an oversized frame, a truncated message).
    pub channel: Option<Arc<ChannelError>>,
    /// The pool killed it because a task ran past the task timeout.
    pub timed_out: bool,
}

/// One sentence: `worker 7 ran past the task timeout and was killed by
/// SIGKILL`, `worker 7 broke the channel (…) and exited with status 1`.
impl fmt::Display for Death {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut what = Vec::new();
        if self.timed_out {
            what.push("ran past the task timeout".to_string());
        }
        if let Some(e) = &self.channel {
            what.push(format!("broke the channel ({e})"));
        }
        what.push(match self.exit {
            Some(ExitCause::Signaled(sig)) => format!("was killed by {sig}"),
            Some(c) => c.to_string(),
            None => "ended (exit status unknown)".to_string(),
        });
        write!(f, "worker {} {}", self.pid, what.join(" and "))
    }
}

/// Why one task has no result.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TaskError {
    /// The task function returned `Err` (the worker lived on).
    #[error("task failed: {0}")]
    Failed(String),
    /// The task could not be sent (its frame is over the limit, or it does not encode).
    #[error("{0}")]
    Unsendable(String),
    /// The worker running it died (panic, abort, a signal, a bad frame).
    #[error("the worker died: {0}")]
    WorkerDied(Death),
}

/// Why the pool as a whole could not go on.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// A worker process could not be started.
    #[error("cannot start a worker")]
    Spawn(#[from] std::io::Error),
    /// A worker could not be forked (see [`crate::fork`] for the rule).
    #[error(transparent)]
    Fork(#[from] ForkError),
    /// While the pool was being built, a worker died or misbehaved before
    /// saying hello. (A replacement that does so later is started again;
    /// see [`crate::pool::MAX_START_FAILURES`].)
    #[error("a new worker failed before it was ready: {0}")]
    WorkerStart(Death),
    /// A new worker said hello for another job than the pool's.
    #[error("worker serves job {got:?}, the pool asked for {want:?}")]
    WrongJob {
        /// The job the pool runs.
        want: &'static str,
        /// The job the worker announced.
        got: String,
    },
    /// No hello from a worker in time while the pool was being built.
    #[error("a new worker did not answer within {0:?}")]
    StartTimeout(Duration),
    /// Every worker is gone and none could be replaced.
    #[error("no worker left: {0}")]
    NoWorkers(String),
    /// The configuration cannot run (see [`crate::pool::PoolConfig::validate`]).
    #[error("invalid pool configuration: {0}")]
    InvalidConfig(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::sys::signal::Signal;

    #[test]
    fn a_death_reads_as_one_sentence() {
        let death = |exit, timed_out| Death {
            pid: 7,
            exit,
            channel: None,
            timed_out,
        };
        // It read "worker 7 and killed by SIGKILL".
        assert_eq!(
            death(Some(ExitCause::Signaled(Signal::SIGKILL)), false).to_string(),
            "worker 7 was killed by SIGKILL"
        );
        assert_eq!(
            death(Some(ExitCause::Signaled(Signal::SIGKILL)), true).to_string(),
            "worker 7 ran past the task timeout and was killed by SIGKILL"
        );
        assert_eq!(
            death(Some(ExitCause::Exited(3)), false).to_string(),
            "worker 7 exited with status 3"
        );
        assert_eq!(
            death(None, false).to_string(),
            "worker 7 ended (exit status unknown)"
        );
    }
}
