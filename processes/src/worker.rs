//! The worker side: how a process becomes a pool worker, and the loop it runs.
//!
//! # The Rust analogue of `if __name__ == "__main__":`
//!
//! With the `spawn` start method a worker is the same binary started again
//! as `<bin> __worker <job>`. Its `main` must hand control to the worker
//! *first thing*, through the workspace's one worker hook
//! ([`subprocess_pipes::worker::main_if_worker`]) with the binary's job
//! table ([`crate::registry::Registry`]):
//!
//! ```no_run
//! # use processes::job::Job;
//! # use processes::registry::{JobEntry, Registry};
//! # struct Double;
//! # impl Job for Double {
//! #     const NAME: &'static str = "double";
//! #     type Task = u64;
//! #     type Output = u64;
//! #     fn run(x: u64) -> Result<u64, String> { Ok(2 * x) }
//! # }
//! # static JOBS: Registry = Registry(&[JobEntry::of::<Double>()]);
//! fn main() -> std::process::ExitCode {
//!     if let Some(code) = subprocess_pipes::worker::main_if_worker(&JOBS) {
//!         return code; // a worker run ends here
//!     }
//!     // ... the parent's work, pools included ...
//!     std::process::ExitCode::SUCCESS
//! }
//! ```
//!
//! **Pitfall:** whatever `main` does *before* that call runs again in every
//! worker: parsing arguments, opening files, printing a banner, starting a
//! pool (which would start workers, which would start pools...). CPython
//! has the same trap: without the `__main__` guard, a spawned child
//! re-imports the main module and runs its top-level code. Keep the hook on
//! the first line.
//!
//! # File descriptors
//!
//! The parent talks to a spawned worker over its stdin and stdout. The
//! worker moves the channel to fresh descriptors, then points its stdout at
//! stderr and its stdin at `/dev/null`, so a task that prints or reads
//! cannot corrupt the frames. It ignores `SIGINT`: on Ctrl-C the parent
//! decides (see [`crate::signals`]).

use std::fs::File;
use std::io;

use subprocess_pipes::channel::{ChannelError, Receiver, Sender};

use crate::job::Job;
use crate::protocol::{Batch, Corked, Reply};

/// The largest frame a worker accepts from the parent (same as the pool's default).
pub const MAX_FRAME: usize = subprocess_pipes::frame::DEFAULT_MAX_FRAME;

/// The two ends of a worker's channel: tasks come in, replies go out.
#[derive(Debug)]
pub struct Ends {
    /// Where batches arrive.
    pub tasks: File,
    /// Where replies go.
    pub replies: File,
}

/// Why a worker stopped serving.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// The channel to the parent failed (garbage, oversized frame, broken pipe).
    #[error("worker channel: {0}")]
    Channel(#[from] ChannelError),
    /// Setting up the descriptors failed.
    #[error("worker setup: {0}")]
    Setup(#[from] io::Error),
}

/// Serves a job on this process's stdin and stdout (a spawned worker):
/// ignores `SIGINT` (the parent decides on Ctrl-C), moves the channel off
/// fds 0 and 1, and runs `serve` (a [`crate::registry::JobEntry`]'s loop).
pub fn serve_stdio(serve: fn(Ends) -> Result<(), WorkerError>) -> Result<(), WorkerError> {
    let _ = crate::signals::ignore_sigint();
    serve(take_stdio()?)
}

/// Moves the channel off fds 0 and 1: returns them as fresh descriptors and
/// points stdout at stderr, stdin at `/dev/null`.
fn take_stdio() -> io::Result<Ends> {
    let tasks = File::from(nix::unistd::dup(io::stdin())?);
    let replies = File::from(nix::unistd::dup(io::stdout())?);
    nix::unistd::dup2_stdout(io::stderr())?;
    nix::unistd::dup2_stdin(File::open("/dev/null")?)?;
    Ok(Ends { tasks, replies })
}

/// Type-erased entry point for [`crate::registry::JobEntry`].
pub(crate) fn serve_ends<J: Job>(ends: Ends) -> Result<(), WorkerError> {
    serve::<J, _, _>(ends.tasks, ends.replies)
}

/// The worker loop: say hello, then run each batch and send its results,
/// until the parent hangs up. A reply is written out before the next batch
/// starts, or at once when no further batch is waiting, so the parent
/// always knows which batch a dead worker was running.
///
/// ```
/// use processes::job::Job;
/// use processes::protocol::{Batch, Reply};
/// use subprocess_pipes::channel::{Receiver, Sender};
///
/// // Two batches on a byte buffer, then the parent "hangs up" (end of input).
/// let mut input = Vec::new();
/// let mut tx = Sender::<Batch<u64>, _>::new(&mut input);
/// tx.send(&Batch { seq: 0, tasks: vec![1, 2] })?;
/// tx.send(&Batch { seq: 1, tasks: vec![3] })?;
/// # struct Double;
/// # impl Job for Double {
/// #     const NAME: &'static str = "double";
/// #     type Task = u64;
/// #     type Output = u64;
/// #     fn run(x: u64) -> Result<u64, String> { Ok(2 * x) }
/// # }
/// let mut output = Vec::new();
/// processes::worker::serve::<Double, _, _>(&input[..], &mut output)?;
/// let mut rx = Receiver::<Reply<u64>, _>::new(&output[..]);
/// assert!(matches!(rx.recv()?, Some(Reply::Hello { .. })));
/// assert_eq!(rx.recv()?, Some(Reply::Done { seq: 0, results: vec![Ok(2), Ok(4)] }));
/// assert_eq!(rx.recv()?, Some(Reply::Done { seq: 1, results: vec![Ok(6)] }));
/// assert_eq!(rx.recv()?, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn serve<J: Job, R: io::Read, W: io::Write>(tasks: R, replies: W) -> Result<(), WorkerError> {
    let mut rx = Receiver::<Batch<J::Task>, R>::new(tasks).with_max_frame(MAX_FRAME);
    let mut tx = Sender::<Reply<J::Output>, _>::new(Corked::new(replies)).with_max_frame(MAX_FRAME);
    tx.send(&Reply::Hello {
        job: J::NAME.to_string(),
        pid: std::process::id(),
    })?;
    push(&mut tx)?;
    while let Some(batch) = rx.recv()? {
        // Before running a batch, the replies to the earlier ones leave: if
        // this batch kills the worker, the pool then knows exactly which
        // batch was running (the earlier replies are already in the pipe).
        push(&mut tx)?;
        let results = batch.tasks.into_iter().map(J::run).collect();
        tx.send(&Reply::Done {
            seq: batch.seq,
            results,
        })?;
        if rx.buffered() == 0 {
            push(&mut tx)?;
        }
    }
    push(&mut tx)
}

fn push<O, W: io::Write>(tx: &mut Sender<O, Corked<W>>) -> Result<(), WorkerError> {
    tx.get_mut()
        .push()
        .map_err(|e| ChannelError::io("flushing replies", e).into())
}
