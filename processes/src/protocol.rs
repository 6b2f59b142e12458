//! The messages between the pool and a worker, and the writer that batches them.
//!
//! Parent to worker: [`Batch`]es of tasks, each numbered. Worker to parent:
//! one [`Reply::Hello`] first (the worker is up and serves the job the
//! parent asked for), then one [`Reply::Done`] per batch, in order. The
//! parent hangs up (closes the pipe) to ask the worker to exit.
//!
//! Both sides write through a [`Corked`] writer: the channel flushes after
//! every message, which would cost one system call per message; `Corked`
//! turns that flush into a no-op and the sender pushes the bytes out with
//! [`Corked::push`] when it has nothing more to send right now. That is what
//! lets a worker with many small tasks in flight answer in a few large
//! writes instead of one write per task.

use std::io::{self, BufWriter, Write};

use serde::{Deserialize, Serialize};

/// Tasks for a worker: `tasks[i]` is task number `first + i` of the batch's run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Batch<T> {
    /// The pool's number for this batch (unique over the pool's life).
    pub seq: u64,
    /// The tasks, run in order.
    pub tasks: Vec<T>,
}

/// What a worker sends back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply<O> {
    /// First message: the worker is ready.
    Hello {
        /// The job it serves ([`crate::job::Job::NAME`]).
        job: String,
        /// Its process id.
        pid: u32,
    },
    /// The results of batch `seq`, one per task, in task order.
    Done {
        /// The batch's number.
        seq: u64,
        /// `Err` carries the message of a task that failed (the worker lives on).
        results: Vec<Result<O, String>>,
    },
}

/// A buffered writer whose `flush` does nothing; [`Corked::push`] flushes.
#[derive(Debug)]
pub struct Corked<W: Write>(BufWriter<W>);

impl<W: Write> Corked<W> {
    /// Wraps `w` with a 64 KiB buffer.
    pub fn new(w: W) -> Corked<W> {
        Corked(BufWriter::with_capacity(64 << 10, w))
    }

    /// Writes out everything buffered.
    pub fn push(&mut self) -> io::Result<()> {
        self.0.flush()
    }

    /// The writer underneath.
    pub fn get_mut(&mut self) -> &mut W {
        self.0.get_mut()
    }

    /// Bytes waiting in the buffer.
    pub fn pending(&self) -> usize {
        self.0.buffer().len()
    }
}

impl<W: Write> Write for Corked<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.0.write_vectored(bufs)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corked_writes_only_on_push() {
        let mut c = Corked::new(Vec::new());
        c.write_all(b"abc").unwrap();
        c.flush().unwrap();
        assert_eq!(c.pending(), 3);
        c.push().unwrap();
        assert_eq!(c.pending(), 0);
        assert_eq!(c.0.get_ref(), b"abc");
    }
}
