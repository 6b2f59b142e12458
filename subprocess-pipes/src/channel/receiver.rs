//! The receiving half of a channel: reads frames and decodes typed values, owned or in place.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::ChannelError;
use crate::codec::{Bincode, Codec};
use crate::frame::DEFAULT_MAX_FRAME;
use crate::frame_reader::FrameReader;

/// Receives values of type `Rx` from frames on `R`.
pub struct Receiver<Rx, R, C = Bincode> {
    frames: FrameReader<R>,
    codec: C,
    _rx: PhantomData<fn() -> Rx>,
}

impl<Rx, R, C> fmt::Debug for Receiver<Rx, R, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("rx", &std::any::type_name::<Rx>())
            .field("frames", &self.frames)
            .finish_non_exhaustive()
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
        decoded(&self.codec, self.frames.next_frame()?)
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
        decoded(&self.codec, self.frames.next_frame_timeout(timeout)?)
    }
}

#[cfg(unix)]
impl<Rx, R: std::os::fd::AsFd, C> Receiver<Rx, R, C> {
    /// Before each blocking receive, busy-polls the pipe for up to `budget`
    /// ([`crate::readable`]), so that an answer arriving within that time is
    /// read without this process going to sleep and its CPU having to be
    /// woken: for request/response traffic between processes on different
    /// CPUs, where the peer answers within microseconds. It costs up to
    /// `budget` of CPU time per receive; `Duration::ZERO` (the default)
    /// blocks at once. The `latency` experiment measures both.
    ///
    /// ```
    /// use std::time::Duration;
    /// use subprocess_pipes::channel::Channel;
    ///
    /// let (r, w) = std::io::pipe()?;
    /// let mut ch = Channel::<u32, u32, _, _>::new(r, w).with_spin(Duration::from_micros(50));
    /// ch.send(&7)?;
    /// assert_eq!(ch.recv()?, Some(7));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_spin(mut self, budget: std::time::Duration) -> Self {
        self.frames.set_spin(budget);
        self
    }
}

/// The owned value in `frame`, or `None` at a clean end.
fn decoded<T: DeserializeOwned, C: Codec>(
    codec: &C,
    frame: Option<&[u8]>,
) -> Result<Option<T>, ChannelError> {
    frame
        .map(|bytes| codec.decode(bytes).map_err(ChannelError::Decode))
        .transpose()
}
