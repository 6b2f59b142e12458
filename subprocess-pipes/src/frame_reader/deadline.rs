//! Waiting for a frame with a deadline: `poll(2)` on the descriptor before each read (Unix only).
//!
//! Why `poll` and not a reader thread: the reader stays usable after a
//! timeout (no thread left blocked in `read` holding it), and there is no
//! thread per channel. The catch: `poll` sees only the kernel's buffer, so
//! `R` must not hide a user-space buffer of its own (a `BufReader`,
//! `StdinLock`); pass the raw pipe end (`ChildStdout`, `File`,
//! `std::io::PipeReader`).

use std::io::Read;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use super::FrameReader;
use crate::frame::FrameError;

impl<R: Read + AsFd> FrameReader<R> {
    /// As [`FrameReader::next_frame`], but gives up with
    /// [`FrameError::TimedOut`] once `deadline` passes without a whole frame.
    /// A timeout loses nothing: bytes of a partial frame stay buffered, and
    /// a later call continues where this one stopped.
    pub fn next_frame_deadline(&mut self, deadline: Instant) -> Result<Option<&[u8]>, FrameError> {
        let started = Instant::now();
        loop {
            if let Some(r) = self.take_complete()? {
                return Ok(Some(&self.buf[r]));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || !wait_readable(&self.inner, left)? {
                if Instant::now() >= deadline {
                    return Err(FrameError::TimedOut {
                        waited: started.elapsed(),
                    });
                }
                continue; // woke early (EINTR or rounding): wait again
            }
            if self.read_once()? == 0 {
                return self.at_eof();
            }
        }
    }

    /// As [`FrameReader::next_frame_deadline`], with a timeout from now.
    pub fn next_frame_timeout(&mut self, timeout: Duration) -> Result<Option<&[u8]>, FrameError> {
        self.next_frame_deadline(Instant::now() + timeout)
    }
}

/// Waits up to `left` for `fd` to be readable (or hung up); `false` on timeout.
fn wait_readable(fd: &impl AsFd, left: Duration) -> Result<bool, FrameError> {
    // Round up to whole milliseconds so a 0.3 ms wait does not spin at 0 ms.
    let ms = left.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32;
    let timeout = PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX);
    let mut fds = [PollFd::new(fd.as_fd(), PollFlags::POLLIN)];
    match poll(&mut fds, timeout) {
        Ok(0) => Ok(false),
        Ok(_) => Ok(true), // POLLIN, POLLHUP or POLLERR: the read will tell
        Err(Errno::EINTR) => Ok(false),
        Err(e) => Err(FrameError::Io(e.into())),
    }
}
