//! The two halves of a channel: a [`Sender`] that frames and writes, a [`Receiver`] that reads and decodes.

use std::fmt;
use std::io::{BufWriter, Write};
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::ChannelError;
use crate::codec::{Bincode, Codec, CodecError};
use crate::frame::{DEFAULT_MAX_FRAME, HEADER_LEN, header};
use crate::frame_reader::FrameReader;

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

/// Receives values of type `Rx` from frames on `R`.
pub struct Receiver<Rx, R, C = Bincode> {
    frames: FrameReader<R>,
    codec: C,
    _rx: PhantomData<fn() -> Rx>,
}

impl<Tx, W, C> fmt::Debug for Sender<Tx, W, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("tx", &std::any::type_name::<Tx>())
            .field("max", &self.max)
            .finish_non_exhaustive()
    }
}

impl<Rx, R, C> fmt::Debug for Receiver<Rx, R, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("rx", &std::any::type_name::<Rx>())
            .field("frames", &self.frames)
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

impl<Rx, R> Receiver<Rx, R> {
    /// A receiver with the default codec ([`Bincode`]) and limit ([`DEFAULT_MAX_FRAME`]).
    pub fn new(reader: R) -> Self {
        Self::with_codec(reader, Bincode)
    }
}

impl<Rx, R, C> Receiver<Rx, R, C> {
    /// A receiver with another [`Codec`].
    pub fn with_codec(reader: R, codec: C) -> Self {
        Receiver {
            frames: FrameReader::new(reader, DEFAULT_MAX_FRAME),
            codec,
            _rx: PhantomData,
        }
    }

    /// Refuses frames announcing more than `max` bytes, before allocating for them.
    pub fn with_max_frame(mut self, max: usize) -> Self {
        self.frames.set_max(max);
        self
    }

    /// The underlying reader.
    pub fn get_ref(&self) -> &R {
        self.frames.get_ref()
    }

    /// Bytes read ahead from the stream and not yet handed out.
    pub fn buffered(&self) -> usize {
        self.frames.buffered()
    }
}

impl<Rx: DeserializeOwned, R: std::io::Read, C: Codec> Receiver<Rx, R, C> {
    /// The next message; `Ok(None)` when the peer closed its end at a message boundary.
    pub fn recv(&mut self) -> Result<Option<Rx>, ChannelError> {
        match self.frames.next_frame()? {
            None => Ok(None),
            Some(bytes) => self
                .codec
                .decode(bytes)
                .map(Some)
                .map_err(ChannelError::Decode),
        }
    }
}

impl<Rx, R: std::io::Read, C: Codec> Receiver<Rx, R, C> {
    /// The next message decoded as `T`, a type that borrows from the
    /// receiver's buffer (`&[u8]`, `&str` fields): a big payload is used in
    /// place, with no copy, until the next receive. `T` must have the same
    /// wire shape as `Rx` (e.g. `struct Msg<'a> { data: &'a [u8] }` for
    /// `struct Msg { data: Blob }`); the codec must support it (bincode does).
    ///
    /// ```
    /// use subprocess_pipes::blob::Blob;
    /// use subprocess_pipes::channel::Channel;
    ///
    /// let mut a = Channel::<Blob, (), _, _>::new(std::io::empty(), Vec::new());
    /// a.send(&Blob(vec![7; 100_000]))?;
    /// let wire = a.split().0.into_inner();
    /// let (_, mut rx) = Channel::<(), Blob, _, _>::new(&wire[..], std::io::sink()).split();
    /// let data: &[u8] = rx.recv_borrowed()?.expect("one message");
    /// assert_eq!(data.len(), 100_000);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn recv_borrowed<'a, T: Deserialize<'a>>(&'a mut self) -> Result<Option<T>, ChannelError> {
        match self.frames.next_frame()? {
            None => Ok(None),
            Some(bytes) => self
                .codec
                .decode_borrowed(bytes)
                .map(Some)
                .map_err(ChannelError::Decode),
        }
    }
}

#[cfg(unix)]
impl<Rx: DeserializeOwned, R: std::io::Read + std::os::fd::AsFd, C: Codec> Receiver<Rx, R, C> {
    /// As [`Receiver::recv`], but gives up with [`ChannelError::TimedOut`] after
    /// `timeout` (Unix: `poll(2)` on the descriptor, so `R` must be a raw pipe
    /// end such as `ChildStdout`, not a `BufReader`). A timeout loses nothing:
    /// a later call continues with the same partial frame.
    pub fn recv_timeout(
        &mut self,
        timeout: std::time::Duration,
    ) -> Result<Option<Rx>, ChannelError> {
        match self.frames.next_frame_timeout(timeout)? {
            None => Ok(None),
            Some(bytes) => self
                .codec
                .decode(bytes)
                .map(Some)
                .map_err(ChannelError::Decode),
        }
    }
}
