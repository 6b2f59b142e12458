//! The wire format, in one place: how a message is cut into frames on a byte stream.
//!
//! A pipe is a stream of bytes with no message boundaries, so every message
//! travels as one **frame**:
//!
//! ```text
//! +--------------------------+------------------------------+
//! | length: u32, little end. | payload: `length` bytes      |
//! +--------------------------+------------------------------+
//! ```
//!
//! - The length counts the payload only (not the 4 header bytes); an empty
//!   payload is a valid frame.
//! - A reader checks the length against its maximum (default
//!   [`DEFAULT_MAX_FRAME`]) **before** it allocates anything for the payload,
//!   and even then grows its buffer only as bytes actually arrive, so a lying
//!   header costs no memory.
//! - End of stream exactly at a frame boundary is a clean end
//!   (`Ok(false)` / `Ok(None)`); anywhere else it is a typed
//!   [`FrameError::TruncatedHeader`] or [`FrameError::Truncated`].
//! - The payload is opaque here; [`crate::codec`] gives it meaning.
//!
//! ```
//! use subprocess_pipes::frame::{read_frame, write_frame, DEFAULT_MAX_FRAME};
//!
//! let mut wire = Vec::new();
//! write_frame(&mut wire, b"hello")?;
//! assert_eq!(wire, [5, 0, 0, 0, b'h', b'e', b'l', b'l', b'o']);
//!
//! let mut buf = Vec::new();
//! let mut r = &wire[..];
//! assert!(read_frame(&mut r, DEFAULT_MAX_FRAME, &mut buf)?); // one frame
//! assert_eq!(buf, b"hello");
//! assert!(!read_frame(&mut r, DEFAULT_MAX_FRAME, &mut buf)?); // clean end
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::{self, IoSlice, Read, Write};

/// Bytes in a frame header (the `u32` length).
pub const HEADER_LEN: usize = 4;

/// The default largest payload a reader accepts: 64 MiB.
pub const DEFAULT_MAX_FRAME: usize = 64 << 20;

/// The largest payload the format can carry at all (`u32::MAX` bytes).
pub const WIRE_MAX_FRAME: usize = u32::MAX as usize;

/// The most a reader reserves ahead of the bytes that actually arrived.
pub(crate) const GROW_STEP: usize = 1 << 20;

/// Why a frame could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The underlying reader failed.
    #[error("reading a frame: {0}")]
    Io(#[from] io::Error),
    /// The header announced more than the reader accepts; nothing was allocated.
    #[error("frame of {len} bytes exceeds the limit of {max} bytes")]
    TooLarge {
        /// The announced payload length.
        len: usize,
        /// The reader's limit.
        max: usize,
    },
    /// The stream ended inside a frame header.
    #[error("stream ended inside a frame header after {got} of {HEADER_LEN} bytes")]
    TruncatedHeader {
        /// Header bytes received.
        got: usize,
    },
    /// The stream ended inside a payload.
    #[error("stream ended inside a frame: got {got} of {expected} payload bytes")]
    Truncated {
        /// The announced payload length.
        expected: usize,
        /// Payload bytes received before the end.
        got: usize,
    },
    /// No whole frame arrived before the deadline (the peer never answered).
    #[error("no frame within {waited:?}")]
    TimedOut {
        /// How long the reader waited.
        waited: std::time::Duration,
    },
}

/// Encodes a payload length as a frame header, or says why it cannot be sent.
pub fn header(len: usize, max: usize) -> Result<[u8; HEADER_LEN], FrameError> {
    let max = max.min(WIRE_MAX_FRAME);
    if len > max {
        return Err(FrameError::TooLarge { len, max });
    }
    Ok((len as u32).to_le_bytes())
}

/// Decodes a frame header into the payload length, checking it against `max`.
pub fn parse_header(h: [u8; HEADER_LEN], max: usize) -> Result<usize, FrameError> {
    let len = u32::from_le_bytes(h) as usize;
    if len > max {
        return Err(FrameError::TooLarge { len, max });
    }
    Ok(len)
}

/// Writes one frame (header and payload) with vectored writes: a small frame
/// leaves in one `writev(2)`, and the payload is never copied.
///
/// Fails with [`io::ErrorKind::InvalidInput`] if the payload exceeds
/// [`WIRE_MAX_FRAME`]. Does not flush `w`.
pub fn write_frame(w: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    let h = header(payload.len(), WIRE_MAX_FRAME)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    write_all_vectored(w, &mut [IoSlice::new(&h), IoSlice::new(payload)])
}

/// `write_all` for several buffers (std's `write_all_vectored` is unstable).
pub(crate) fn write_all_vectored(w: &mut impl Write, bufs: &mut [IoSlice<'_>]) -> io::Result<()> {
    let mut bufs = bufs;
    IoSlice::advance_slices(&mut bufs, 0); // drop leading empty slices
    while !bufs.is_empty() {
        match w.write_vectored(bufs) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => IoSlice::advance_slices(&mut bufs, n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Reads one frame's payload into `buf` (replacing its contents).
///
/// Returns `Ok(true)` for a frame, `Ok(false)` at a clean end of stream (no
/// byte of a new frame arrived). The length is checked against `max` before
/// anything is allocated, and `buf` then grows only as payload bytes arrive.
/// This reads unbuffered, header then payload; [`crate::channel`] keeps its
/// own read-ahead buffer to save a system call per small message.
pub fn read_frame(r: &mut impl Read, max: usize, buf: &mut Vec<u8>) -> Result<bool, FrameError> {
    let mut h = [0u8; HEADER_LEN];
    let mut got = 0;
    while got < HEADER_LEN {
        match r.read(&mut h[got..]) {
            Ok(0) if got == 0 => return Ok(false),
            Ok(0) => return Err(FrameError::TruncatedHeader { got }),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
    }
    let len = parse_header(h, max)?;
    buf.clear();
    // Reserve at most one step ahead of the data: a header that lies about
    // its length gets a bounded buffer, not `len` bytes.
    buf.reserve(len.min(GROW_STEP));
    let got = r.take(len as u64).read_to_end(buf)?;
    if got < len {
        return Err(FrameError::Truncated { expected: len, got });
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_ends_cleanly() {
        let mut wire = Vec::new();
        for p in [&b""[..], b"a", &[7u8; 1000]] {
            write_frame(&mut wire, p).unwrap();
        }
        let mut r = &wire[..];
        let mut buf = Vec::new();
        for p in [&b""[..], b"a", &[7u8; 1000]] {
            assert!(read_frame(&mut r, 1000, &mut buf).unwrap());
            assert_eq!(buf, p);
        }
        assert!(!read_frame(&mut r, 1000, &mut buf).unwrap());
    }

    #[test]
    fn oversized_header_is_refused_before_allocating() {
        let wire = u32::MAX.to_le_bytes();
        let mut buf = Vec::new();
        let err = read_frame(&mut &wire[..], 1 << 20, &mut buf).unwrap_err();
        assert!(
            matches!(err, FrameError::TooLarge { len, max } if len == u32::MAX as usize && max == 1 << 20)
        );
        assert_eq!(buf.capacity(), 0);
    }

    #[test]
    fn lying_header_reserves_one_step_not_its_length() {
        let mut wire = (60u32 << 20).to_le_bytes().to_vec();
        wire.extend_from_slice(&[1; 10]);
        let mut buf = Vec::new();
        let err = read_frame(&mut &wire[..], 64 << 20, &mut buf).unwrap_err();
        assert!(
            matches!(err, FrameError::Truncated { got: 10, .. }),
            "{err}"
        );
        assert!(buf.capacity() <= 2 * GROW_STEP, "{}", buf.capacity());
    }

    #[test]
    fn truncations_are_typed() {
        let mut buf = Vec::new();
        let err = read_frame(&mut &[1u8, 0][..], 10, &mut buf).unwrap_err();
        assert!(matches!(err, FrameError::TruncatedHeader { got: 2 }));
        let err = read_frame(&mut &[5u8, 0, 0, 0, 1, 2][..], 10, &mut buf).unwrap_err();
        assert!(matches!(
            err,
            FrameError::Truncated {
                expected: 5,
                got: 2
            }
        ));
    }
}
