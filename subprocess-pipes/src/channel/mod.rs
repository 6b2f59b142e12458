//! A typed, bidirectional channel over any `Read`/`Write` pair: `multiprocessing.Pipe`'s `Connection`, typed.
//!
//! `Channel<Tx, Rx, R, W>` sends `Tx` values and receives `Rx` values, each
//! as one frame ([`crate::frame`]) whose payload the codec ([`crate::codec`],
//! bincode 2 by default) fills. Between a parent and its child the two ends
//! are mirror images: the parent's `Channel<Request, Response, ChildStdout,
//! ChildStdin>` talks to the child's `Channel<Response, Request, File, File>`
//! from [`Channel::stdio`].
//!
//! Every failure is a typed [`ChannelError`] with context: a peer that dies
//! mid-message gives [`ChannelError::Truncated`], garbage gives
//! [`ChannelError::Decode`] or [`ChannelError::FrameTooLarge`] (checked before
//! allocating), a silent peer gives [`ChannelError::TimedOut`] from
//! [`Channel::recv_timeout`]; an end of stream at a message boundary is a
//! clean `Ok(None)`.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use subprocess_pipes::channel::Channel;
//!
//! #[derive(Debug, PartialEq, Serialize, Deserialize)]
//! enum Job { Square(u64), Stop }
//!
//! // Any byte stream works; here the "pipe" is a Vec, then read back.
//! let mut tx = Channel::<Job, (), _, _>::new(std::io::empty(), Vec::new());
//! tx.send(&Job::Square(7))?;
//! tx.send(&Job::Stop)?;
//! let (sender, _) = tx.split();
//! let wire = sender.into_inner();
//!
//! let mut rx = Channel::<(), Job, _, _>::new(&wire[..], std::io::sink());
//! assert_eq!(rx.recv()?, Some(Job::Square(7)));
//! assert_eq!(rx.recv()?, Some(Job::Stop));
//! assert_eq!(rx.recv()?, None); // the writer is gone: clean end
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod receiver;
mod sender;

pub use error::ChannelError;
pub use receiver::Receiver;
pub use sender::{STREAM_AT, Sender};

use std::fmt;
use std::io::{Read, Write};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::codec::{Bincode, Codec};

/// Sends `Tx` and receives `Rx` over a reader `R` and a writer `W`, with codec `C`.
///
/// [`Channel::split`] gives the two halves, so one thread can block in
/// `recv` while another sends.
pub struct Channel<Tx, Rx, R, W, C = Bincode> {
    tx: Sender<Tx, W, C>,
    rx: Receiver<Rx, R, C>,
}

impl<Tx, Rx, R, W, C> fmt::Debug for Channel<Tx, Rx, R, W, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Channel")
            .field("tx", &self.tx)
            .field("rx", &self.rx)
            .finish()
    }
}

impl<Tx, Rx, R, W> Channel<Tx, Rx, R, W> {
    /// A channel with the default codec ([`Bincode`]) and frame limit
    /// ([`crate::frame::DEFAULT_MAX_FRAME`]).
    pub fn new(reader: R, writer: W) -> Self {
        Self::with_codec(reader, writer, Bincode)
    }
}

#[cfg(unix)]
impl<Tx, Rx> Channel<Tx, Rx, std::fs::File, std::fs::File> {
    /// The child's end: a channel on this process's stdin and stdout.
    ///
    /// It uses duplicates of file descriptors 0 and 1, read and written
    /// unbuffered (the channel does its own buffering), so
    /// [`Channel::recv_timeout`] works on it. Nothing else may print to
    /// stdout while it is in use (log to stderr): a stray `println!` would
    /// land in the middle of the frames.
    ///
    /// ```no_run
    /// use subprocess_pipes::channel::Channel;
    ///
    /// // A worker: answer every u64 with its square until the parent hangs up.
    /// let mut ch = Channel::<u64, u64, _, _>::stdio()?;
    /// while let Some(n) = ch.recv()? {
    ///     ch.send(&(n * n))?;
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stdio() -> std::io::Result<Self> {
        use std::os::fd::AsFd;
        let input = std::io::stdin().as_fd().try_clone_to_owned()?;
        let output = std::io::stdout().as_fd().try_clone_to_owned()?;
        Ok(Self::new(input.into(), output.into()))
    }
}

impl<Tx, Rx, R, W, C: Clone> Channel<Tx, Rx, R, W, C> {
    /// A channel with another [`Codec`] (see [`crate::codec`] for an example).
    pub fn with_codec(reader: R, writer: W, codec: C) -> Self {
        Channel {
            tx: Sender::with_codec(writer, codec.clone()),
            rx: Receiver::with_codec(reader, codec),
        }
    }
}

impl<Tx, Rx, R, W, C> Channel<Tx, Rx, R, W, C> {
    /// Sets the largest frame sent or accepted, in bytes. Received headers
    /// are checked against it before anything is allocated. With
    /// [`Bincode`], a limit above [`crate::frame::DEFAULT_MAX_FRAME`] also
    /// needs [`crate::codec::BincodeLimit`].
    pub fn with_max_frame(self, max: usize) -> Self {
        Channel {
            tx: self.tx.with_max_frame(max),
            rx: self.rx.with_max_frame(max),
        }
    }

    /// The two halves, to send and receive from different threads.
    pub fn split(self) -> (Sender<Tx, W, C>, Receiver<Rx, R, C>) {
        (self.tx, self.rx)
    }

    /// Puts two halves back together.
    pub fn from_halves(tx: Sender<Tx, W, C>, rx: Receiver<Rx, R, C>) -> Self {
        Channel { tx, rx }
    }

    /// The sending half.
    pub fn sender(&mut self) -> &mut Sender<Tx, W, C> {
        &mut self.tx
    }

    /// The receiving half.
    pub fn receiver(&mut self) -> &mut Receiver<Rx, R, C> {
        &mut self.rx
    }
}

impl<Tx: Serialize, Rx, R, W: Write, C: Codec> Channel<Tx, Rx, R, W, C> {
    /// Encodes `msg` and writes it as one frame; see [`Sender::send`].
    pub fn send(&mut self, msg: &Tx) -> Result<(), ChannelError> {
        self.tx.send(msg)
    }
}

impl<Tx, Rx: DeserializeOwned, R: Read, C: Codec, W> Channel<Tx, Rx, R, W, C> {
    /// The next message, `Ok(None)` at a clean end; see [`Receiver::recv`].
    pub fn recv(&mut self) -> Result<Option<Rx>, ChannelError> {
        self.rx.recv()
    }
}

#[cfg(unix)]
impl<Tx, Rx: DeserializeOwned, R: Read + std::os::fd::AsFd, C: Codec, W> Channel<Tx, Rx, R, W, C> {
    /// The next message, or [`ChannelError::TimedOut`]; see [`Receiver::recv_timeout`].
    pub fn recv_timeout(
        &mut self,
        timeout: std::time::Duration,
    ) -> Result<Option<Rx>, ChannelError> {
        self.rx.recv_timeout(timeout)
    }
}

#[cfg(unix)]
impl<Tx, Rx, R: std::os::fd::AsFd, W, C> Channel<Tx, Rx, R, W, C> {
    /// Spins up to `budget` before each blocking receive; see
    /// [`Receiver::with_spin`].
    pub fn with_spin(self, budget: std::time::Duration) -> Self {
        Channel {
            tx: self.tx,
            rx: self.rx.with_spin(budget),
        }
    }
}
