//! A buffered, incremental frame reader: one `read(2)` per small message, no copy for big ones, and an optional deadline.
//!
//! [`crate::frame::read_frame`] reads a header and then a payload: two system
//! calls per message. [`FrameReader`] reads ahead into its own buffer
//! (64 KiB), so a burst of small frames costs one call, and it hands out each
//! payload as a slice of that buffer (no copy). A frame bigger than the
//! buffer grows it to the frame's size as bytes arrive (never ahead of them
//! by more than the data received or 1 MiB, so a lying header costs no
//! memory), and the kernel then copies straight into place.
//!
//! Because it makes progress one `read` at a time, it can also wait with a
//! deadline: [`FrameReader::next_frame_deadline`] polls the descriptor
//! (`poll(2)`) before each read, which is how a parent notices a child that
//! never answers.
//!
//! ```
//! use subprocess_pipes::frame::write_frame;
//! use subprocess_pipes::frame_reader::FrameReader;
//!
//! let mut wire = Vec::new();
//! write_frame(&mut wire, b"one")?;
//! write_frame(&mut wire, b"two")?;
//! let mut frames = FrameReader::new(&wire[..], 1024);
//! assert_eq!(frames.next_frame()?, Some(&b"one"[..]));
//! assert_eq!(frames.next_frame()?, Some(&b"two"[..]));
//! assert_eq!(frames.next_frame()?, None); // clean end
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::{self, Read};
use std::ops::Range;

use crate::frame::{FrameError, GROW_STEP, HEADER_LEN, parse_header};

/// Read-ahead buffer size: one pipe's default capacity on Linux.
///
/// The reader's storage never exceeds the larger of this and a whole
/// frame at the limit (`max` + the 4-byte header): see
/// [`FrameReader::capacity`].
pub const READ_AHEAD: usize = 64 << 10;

/// Reads frames from `R` through a read-ahead buffer. See the module docs.
pub struct FrameReader<R> {
    inner: R,
    max: usize,
    /// Initialised storage; the unconsumed bytes are `buf[start..end]`.
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Busy-poll before a blocking read: see [`FrameReader::set_spin`].
    spin: Option<Spin<R>>,
}

/// How to spin before a read: for how long, and the look at `R`'s
/// descriptor (fixed when the spin is set, where `R: AsFd` is known). The
/// function pointer takes `&R`, which makes [`FrameReader`] (and the
/// channel halves holding one) invariant in `R`: a reader borrowed for
/// `'long` does not coerce to one borrowed for `'short`.
struct Spin<R> {
    budget: std::time::Duration,
    look: fn(&R, std::time::Duration) -> io::Result<bool>,
}

impl<R> std::fmt::Debug for FrameReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameReader")
            .field("max", &self.max)
            .field("buffered", &(self.end - self.start))
            .field("spin", &self.spin.as_ref().map(|s| s.budget))
            .finish_non_exhaustive()
    }
}

impl<R> FrameReader<R> {
    /// A reader accepting payloads up to `max` bytes.
    pub fn new(inner: R, max: usize) -> Self {
        FrameReader {
            inner,
            max,
            buf: Vec::new(),
            start: 0,
            end: 0,
            spin: None,
        }
    }

    /// The largest payload accepted.
    pub fn max(&self) -> usize {
        self.max
    }

    /// Changes the largest payload accepted.
    pub fn set_max(&mut self, max: usize) {
        self.max = max;
    }

    /// Bytes read ahead and not yet handed out.
    pub fn buffered(&self) -> usize {
        self.end - self.start
    }

    /// Bytes of storage the reader holds now. It never exceeds
    /// `max(READ_AHEAD, max + 4)`, whatever the stream claims: the
    /// read-ahead is allocated even for a limit below it.
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// The underlying reader.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The underlying reader; reading from it directly loses framing.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The payload range of a complete buffered frame, if there is one.
    fn complete(&self) -> Result<Option<Range<usize>>, FrameError> {
        let Some(h) = self.header() else {
            return Ok(None);
        };
        let len = parse_header(h, self.max)?;
        let from = self.start + HEADER_LEN;
        Ok((self.end - from >= len).then_some(from..from + len))
    }

    /// The next frame's header, once its 4 bytes are buffered.
    fn header(&self) -> Option<[u8; HEADER_LEN]> {
        self.buf[self.start..self.end].first_chunk().copied()
    }

    /// Hands out a complete frame if one is buffered.
    fn take_complete(&mut self) -> Result<Option<Range<usize>>, FrameError> {
        let Some(r) = self.complete()? else {
            return Ok(None);
        };
        self.start = r.end;
        if self.start == self.end {
            (self.start, self.end) = (0, 0);
        }
        Ok(Some(r))
    }

    /// Bytes (from `start`) that the next step needs: a header, or a whole frame.
    fn wanted(&self) -> usize {
        // `complete` already checked the length against `max`.
        self.header()
            .map_or(HEADER_LEN, |h| HEADER_LEN + u32::from_le_bytes(h) as usize)
    }

    /// The error for an end of stream with `buffered()` bytes pending, or `Ok(None)`.
    fn at_eof<T>(&self) -> Result<Option<T>, FrameError> {
        let avail = self.end - self.start;
        match avail {
            0 => Ok(None),
            n if n < HEADER_LEN => Err(FrameError::TruncatedHeader { got: n }),
            n => Err(FrameError::Truncated {
                expected: self.wanted() - HEADER_LEN,
                got: n - HEADER_LEN,
            }),
        }
    }
}

impl<R: Read> FrameReader<R> {
    /// The next frame's payload, `Ok(None)` at a clean end of stream.
    pub fn next_frame(&mut self) -> Result<Option<&[u8]>, FrameError> {
        loop {
            if let Some(r) = self.take_complete()? {
                return Ok(Some(&self.buf[r]));
            }
            self.spin_before_read(None)?;
            if self.read_once()? == 0 {
                return self.at_eof();
            }
        }
    }

    /// If a spin is set ([`FrameReader::set_spin`]), busy-polls for at most
    /// its budget (and at most `cap`) before the caller blocks; whether the
    /// descriptor became readable. `false` without a spin.
    fn spin_before_read(&self, cap: Option<std::time::Duration>) -> Result<bool, FrameError> {
        let Some(spin) = &self.spin else {
            return Ok(false);
        };
        let budget = cap.map_or(spin.budget, |c| c.min(spin.budget));
        Ok((spin.look)(&self.inner, budget)?)
    }

    /// Makes room for the next step and does one `read`; returns the bytes read.
    fn read_once(&mut self) -> Result<usize, FrameError> {
        let wanted = self.wanted();
        if self.start > 0 && self.start + wanted > self.buf.len() {
            // Move the partial frame to the front (it is small: at most one read-ahead).
            self.buf.copy_within(self.start..self.end, 0);
            (self.start, self.end) = (0, self.end - self.start);
        }
        let target = wanted.max(READ_AHEAD);
        if self.buf.len() < target {
            // Grow towards the frame's size, but never far ahead of the data.
            let step = self.end.max(GROW_STEP);
            let len = target.min(self.end + step).max(self.end + 1);
            self.buf.resize(len, 0);
        }
        loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(n) => {
                    self.end += n;
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
}

#[cfg(unix)]
mod deadline;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::write_frame;

    /// A header that announces 60 MiB followed by 10 bytes: the reader
    /// stays within one read-ahead buffer, then reports the truncation.
    #[test]
    fn lying_header_costs_no_memory() {
        let mut wire = (60u32 << 20).to_le_bytes().to_vec();
        wire.extend_from_slice(&[1; 10]);
        let mut frames = FrameReader::new(&wire[..], 64 << 20);
        let err = frames.next_frame().unwrap_err();
        assert!(
            matches!(err, FrameError::Truncated { expected, got: 10 } if expected == 60 << 20),
            "{err}"
        );
        assert!(
            frames.buf.len() <= READ_AHEAD + GROW_STEP,
            "{}",
            frames.buf.len()
        );
    }

    #[test]
    fn big_frames_grow_the_buffer_to_their_size_and_small_ones_reuse_it() {
        let big = vec![9u8; 3 << 20];
        let mut wire = Vec::new();
        write_frame(&mut wire, b"a").unwrap();
        write_frame(&mut wire, &big).unwrap();
        write_frame(&mut wire, b"b").unwrap();
        let mut frames = FrameReader::new(&wire[..], 4 << 20);
        assert_eq!(frames.next_frame().unwrap(), Some(&b"a"[..]));
        assert_eq!(frames.next_frame().unwrap().map(<[u8]>::len), Some(3 << 20));
        assert_eq!(frames.next_frame().unwrap(), Some(&b"b"[..]));
        assert_eq!(frames.next_frame().unwrap(), None);
    }

    #[test]
    fn timeout_keeps_the_partial_frame() {
        let (r, mut w) = std::io::pipe().unwrap();
        let mut frames = FrameReader::new(r, 1024);
        std::io::Write::write_all(&mut w, &[3, 0, 0, 0, b'x']).unwrap();
        let err = frames
            .next_frame_timeout(std::time::Duration::from_millis(20))
            .unwrap_err();
        assert!(matches!(err, FrameError::TimedOut { .. }), "{err}");
        std::io::Write::write_all(&mut w, b"yz").unwrap();
        drop(w);
        let d = std::time::Duration::from_secs(5);
        assert_eq!(frames.next_frame_timeout(d).unwrap(), Some(&b"xyz"[..]));
        assert_eq!(frames.next_frame_timeout(d).unwrap(), None);
    }
}
