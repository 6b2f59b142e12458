//! Waiting for a frame with a deadline (`poll(2)` on the descriptor before each read), and spinning before a read (Unix only).
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

use super::{FrameReader, Spin};
use crate::frame::FrameError;
use crate::readable::{spin_until_readable, wait_readable};

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
            let left = || deadline.saturating_duration_since(Instant::now());
            // Spin first (if set, at most until the deadline), then block.
            let ready = self.spin_before_read(Some(left()))? || {
                let left = left();
                !left.is_zero() && wait_readable(&self.inner, left)?
            };
            if !ready {
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

    /// As [`FrameReader::next_frame_deadline`], with a timeout from now; a
    /// timeout too long to be a deadline ([`crate::deadline::after`]) waits
    /// without one.
    pub fn next_frame_timeout(&mut self, timeout: Duration) -> Result<Option<&[u8]>, FrameError> {
        match crate::deadline::after(timeout) {
            Some(deadline) => self.next_frame_deadline(deadline),
            None => self.next_frame(),
        }
    }
}

impl<R: AsFd> FrameReader<R> {
    /// Before each blocking read, busy-polls the descriptor for up to
    /// `budget` ([`crate::readable::spin_until_readable`]): for a peer
    /// that answers within microseconds, the read then finds its data
    /// without this process going to sleep and its CPU having to be woken.
    /// It costs up to `budget` of CPU time per wait. `Duration::ZERO`
    /// turns it off (the default): reads block at once.
    ///
    /// ```
    /// use std::io::Write;
    /// use std::time::Duration;
    /// use subprocess_pipes::frame::write_frame;
    /// use subprocess_pipes::frame_reader::FrameReader;
    ///
    /// let (r, mut w) = std::io::pipe()?;
    /// let mut frames = FrameReader::new(r, 1024);
    /// frames.set_spin(Duration::from_micros(50));
    /// assert_eq!(frames.spin(), Duration::from_micros(50));
    /// write_frame(&mut w, b"soon")?;
    /// assert_eq!(frames.next_frame()?, Some(&b"soon"[..]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_spin(&mut self, budget: Duration) {
        self.spin = (!budget.is_zero()).then_some(Spin {
            budget,
            look: |r, budget| spin_until_readable(r, budget),
        });
    }

    /// The spin budget set by [`FrameReader::set_spin`]; zero when off.
    pub fn spin(&self) -> Duration {
        self.spin.as_ref().map_or(Duration::ZERO, |s| s.budget)
    }
}
