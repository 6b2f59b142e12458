//! The pool's end of a task pipe: non-blocking writes that wait for room
//! with `poll`, one tick at a time, so a worker that stops reading (hung in
//! a task, with its pipe full) cannot block the dispatcher past the task
//! timeout.
//!
//! The fast path is one `write` that succeeds, as before. Only when the pipe
//! is full does the writer poll, and between polls it checks how long it
//! has waited without the worker making any room ([`Until`]). Giving up
//! returns `ErrorKind::TimedOut` and marks the writer [`PipeWriter::stalled`]:
//! a frame may be half written, so the pool must not write to it again.

use std::fs::File;
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

/// How long one wait for room lasts before Ctrl-C and the deadline are checked again.
const TICK: Duration = Duration::from_millis(50);

/// How long a write may wait for room in a full pipe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Until {
    /// As long as it takes (still stopped by Ctrl-C).
    Ever,
    /// As long as the worker keeps reading: give up after this long
    /// without any room made (the task timeout). A healthy worker whose
    /// batches each take less reads its next batch within that time.
    Stuck(Duration),
    /// Not at all: write what fits now (when hanging up).
    Now,
}

/// A task pipe opened for non-blocking writes. See the module docs.
#[derive(Debug)]
pub(crate) struct PipeWriter {
    file: File,
    until: Until,
    stalled: bool,
}

impl PipeWriter {
    /// Sets `O_NONBLOCK` on the pool's end of the pipe (the worker's end is
    /// another open file description and stays blocking).
    pub(crate) fn new(file: File) -> io::Result<PipeWriter> {
        let flags = OFlag::from_bits_truncate(fcntl(file.as_fd(), FcntlArg::F_GETFL)?);
        fcntl(file.as_fd(), FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK))?;
        Ok(PipeWriter {
            file,
            until: Until::Ever,
            stalled: false,
        })
    }

    /// How long the next writes may wait for room.
    pub(crate) fn set_until(&mut self, until: Until) {
        self.until = until;
    }

    /// A write gave up waiting (deadline or Ctrl-C): a frame may be cut.
    pub(crate) fn stalled(&self) -> bool {
        self.stalled
    }

    fn give_up(&mut self, why: &str) -> io::Error {
        self.stalled = true;
        io::Error::new(
            io::ErrorKind::TimedOut,
            format!("the worker's task pipe stayed full: {why}"),
        )
    }
}

impl Write for PipeWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // Each call returns as soon as some bytes went out, so the patience
        // below counts time without progress, not the whole message.
        let since = Instant::now();
        loop {
            match (&self.file).write(buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                r => return r,
            }
            let wait = match self.until {
                Until::Ever => TICK,
                Until::Now => return Err(self.give_up("not waiting")),
                Until::Stuck(limit) => match limit.checked_sub(since.elapsed()) {
                    Some(left) if !left.is_zero() => left.min(TICK),
                    _ => return Err(self.give_up("the worker read nothing for the task timeout")),
                },
            };
            let mut fds = [PollFd::new(self.file.as_fd(), PollFlags::POLLOUT)];
            match poll(
                &mut fds,
                PollTimeout::try_from(wait).unwrap_or(PollTimeout::MAX),
            ) {
                Ok(_) | Err(nix::Error::EINTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pipe nobody reads: the write waits until its deadline, then gives up.
    #[test]
    fn a_full_pipe_gives_up_at_the_deadline() {
        let (_r, w) = std::io::pipe().unwrap();
        let mut w = PipeWriter::new(File::from(std::os::fd::OwnedFd::from(w))).unwrap();
        let big = vec![0u8; 1 << 20]; // more than any pipe buffer
        w.set_until(Until::Stuck(Duration::from_millis(100)));
        let t0 = Instant::now();
        let e = w.write_all(&big).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::TimedOut);
        assert!(w.stalled());
        assert!(t0.elapsed() >= Duration::from_millis(100));
        w.set_until(Until::Now);
        assert!(w.write_all(&big).is_err());
    }
}
