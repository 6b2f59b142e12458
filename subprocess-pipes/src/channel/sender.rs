//! The sending half of a channel: frames and writes typed values, streaming big ones without a copy.

use std::fmt;
use std::io::{BufWriter, Write};
use std::marker::PhantomData;

use serde::Serialize;

use super::ChannelError;
use crate::codec::{Bincode, Codec, CodecError};
use crate::frame::{DEFAULT_MAX_FRAME, HEADER_LEN, header};

/// Sends values of type `Tx` as frames on `W`.
///
/// A small message is encoded into a reused buffer behind 4 reserved header
/// bytes, the header is patched in, and the whole frame leaves in one
/// `write_all` (one system call). A message of [`STREAM_AT`] bytes or more,
/// when the codec can tell its length up front ([`Codec::encoded_len`];
/// bincode can), is streamed instead: header, then the encoder writes
/// through a small `BufWriter`, whose big writes (a `Blob`'s bytes) go
/// straight from the value to the pipe with no intermediate copy. Then `W`
/// is flushed.
pub struct Sender<Tx, W, C = Bincode> {
    writer: W,
    codec: C,
    max: usize,
    scratch: Vec<u8>,
    // `fn(&Tx)`: the sender holds no `Tx`, so it is `Send` whatever `Tx` is.
    _tx: PhantomData<fn(&Tx)>,
}

impl<Tx, W, C> fmt::Debug for Sender<Tx, W, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("tx", &std::any::type_name::<Tx>())
            .field("max", &self.max)
            .finish_non_exhaustive()
    }
}

impl<Tx, W> Sender<Tx, W> {
    /// A sender with the default codec ([`Bincode`]) and limit ([`DEFAULT_MAX_FRAME`]).
    pub fn new(writer: W) -> Self {
        Self::with_codec(writer, Bincode)
    }
}

impl<Tx, W, C> Sender<Tx, W, C> {
    /// A sender with another [`Codec`].
    pub fn with_codec(writer: W, codec: C) -> Self {
        Sender {
            writer,
            codec,
            max: DEFAULT_MAX_FRAME,
            scratch: Vec::new(),
            _tx: PhantomData,
        }
    }

    /// Refuses to send frames longer than `max` bytes (the peer would refuse them too).
    pub fn with_max_frame(mut self, max: usize) -> Self {
        self.max = max;
        self
    }

    /// The underlying writer.
    pub fn get_ref(&self) -> &W {
        &self.writer
    }

    /// The underlying writer, mutably (writing to it directly breaks the framing).
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.writer
    }

    /// The underlying writer; dropping it closes the pipe, and the peer sees a clean end.
    pub fn into_inner(self) -> W {
        self.writer
    }
}

/// Messages at least this long are streamed rather than copied into the send buffer.
pub const STREAM_AT: usize = 64 << 10;

impl<Tx: Serialize, W: Write, C: Codec> Sender<Tx, W, C> {
    /// Encodes `msg`, writes it as one frame and flushes.
    pub fn send(&mut self, msg: &Tx) -> Result<(), ChannelError> {
        if let Some(len) = self.codec.encoded_len(msg) {
            let len = len.map_err(ChannelError::Encode)?;
            if len >= STREAM_AT {
                return self.send_streamed(msg, len);
            }
        }
        self.scratch.clear();
        self.scratch.extend_from_slice(&[0; HEADER_LEN]);
        self.codec
            .encode(msg, &mut self.scratch)
            .map_err(ChannelError::Encode)?;
        let len = self.scratch.len() - HEADER_LEN;
        let h = header(len, self.max)
            .map_err(|_| ChannelError::FrameTooLarge { len, max: self.max })?;
        self.scratch[..HEADER_LEN].copy_from_slice(&h);
        self.writer
            .write_all(&self.scratch)
            .map_err(|e| ChannelError::io("sending a frame", e))?;
        self.writer
            .flush()
            .map_err(|e| ChannelError::io("flushing a frame", e))
    }

    /// Header first, then the encoding streamed into the writer. An error
    /// half-way leaves a partial frame on the stream: the peer will see a
    /// truncated or undecodable frame, so the channel should be dropped.
    fn send_streamed(&mut self, msg: &Tx, len: usize) -> Result<(), ChannelError> {
        let h = header(len, self.max)
            .map_err(|_| ChannelError::FrameTooLarge { len, max: self.max })?;
        let mut out = Counting {
            inner: BufWriter::with_capacity(STREAM_AT, &mut self.writer),
            written: 0,
            error: None,
        };
        let encoded = match out.write_all(&h) {
            Ok(()) => self.codec.encode_to(msg, &mut out),
            Err(_) => Ok(()), // the error is in `out.error`
        };
        let flushed = out.inner.flush();
        if let Some(e) = out.error.take() {
            return Err(ChannelError::io("sending a frame", e));
        }
        encoded.map_err(ChannelError::Encode)?;
        flushed.map_err(|e| ChannelError::io("sending a frame", e))?;
        if out.written != HEADER_LEN + len {
            return Err(ChannelError::Encode(CodecError::new::<Tx>(format!(
                "the codec announced {len} bytes and wrote {}",
                out.written - HEADER_LEN.min(out.written)
            ))));
        }
        drop(out);
        self.writer
            .flush()
            .map_err(|e| ChannelError::io("flushing a frame", e))
    }
}

/// Counts the bytes that reach the writer and keeps the first I/O error
/// (the codec's error type would otherwise hide whether the pipe broke).
struct Counting<W: Write> {
    inner: W,
    written: usize,
    error: Option<std::io::Error>,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.inner.write(buf) {
            Ok(n) => {
                self.written += n;
                Ok(n)
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                let kind = e.kind();
                self.error.get_or_insert(e);
                Err(kind.into())
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
