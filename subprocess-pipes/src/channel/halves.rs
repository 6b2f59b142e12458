//! The two halves of a channel: a [`Sender`] that frames and writes, a [`Receiver`] that reads and decodes.

use std::fmt;
use std::io::Write;
use std::marker::PhantomData;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::ChannelError;
use crate::codec::{Bincode, Codec};
use crate::frame::{DEFAULT_MAX_FRAME, HEADER_LEN, header};
use crate::frame_reader::FrameReader;

/// Sends values of type `Tx` as frames on `W`.
///
/// Each message is encoded into a reused buffer behind 4 reserved header
/// bytes, the header is patched in, and the whole frame leaves in one
/// `write_all` (one system call for a message that fits the pipe), then `W`
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

impl<Tx: Serialize, W: Write, C: Codec> Sender<Tx, W, C> {
    /// Encodes `msg`, writes it as one frame and flushes.
    pub fn send(&mut self, msg: &Tx) -> Result<(), ChannelError> {
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
