//! What can go wrong on a channel: typed, with context, never a panic.

use std::io;
use std::time::Duration;

use crate::codec::CodecError;
use crate::frame::FrameError;

/// Why a message could not be sent or received.
///
/// ```
/// use subprocess_pipes::channel::{Channel, ChannelError};
///
/// // A peer that sends a header announcing 1 GiB to a channel that accepts 1 KiB.
/// let wire = (1u32 << 30).to_le_bytes();
/// let mut ch = Channel::<u8, u8, _, _>::new(&wire[..], std::io::sink()).with_max_frame(1024);
/// match ch.recv() {
///     Err(ChannelError::FrameTooLarge { len, max }) => assert_eq!((len, max), (1 << 30, 1024)),
///     other => panic!("unexpected {other:?}"),
/// }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChannelError {
    /// The pipe or stream failed.
    #[error("{context}: {source}")]
    Io {
        /// What the channel was doing.
        context: String,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// The peer closed its end while we were sending (`EPIPE`): it exited or was killed.
    /// (The OS error is the [`source`](std::error::Error::source), not
    /// repeated in the message: a chain of causes printed it twice.)
    #[error("the peer closed the channel while we were sending")]
    PeerClosed {
        /// The operating system's error (`BrokenPipe`).
        #[source]
        source: io::Error,
    },
    /// A frame longer than the limit was announced (received) or built (sent).
    #[error("frame of {len} bytes exceeds the limit of {max} bytes")]
    FrameTooLarge {
        /// The payload length.
        len: usize,
        /// The channel's limit.
        max: usize,
    },
    /// The stream ended inside a frame header: the peer died mid-message.
    #[error("the stream ended inside a frame header ({got} of 4 bytes): the peer died mid-message")]
    TruncatedHeader {
        /// Header bytes received.
        got: usize,
    },
    /// The stream ended inside a payload: the peer died mid-message.
    #[error(
        "the stream ended inside a frame ({got} of {expected} payload bytes): the peer died mid-message"
    )]
    Truncated {
        /// The announced payload length.
        expected: usize,
        /// Payload bytes received.
        got: usize,
    },
    /// A whole frame arrived but did not decode as the expected type (garbage, or a type mismatch).
    #[error("cannot decode the received frame as {0}")]
    Decode(#[source] CodecError),
    /// The value could not be encoded.
    #[error("cannot encode the message {0}")]
    Encode(#[source] CodecError),
    /// No whole message arrived in time (the peer never answered).
    #[error("no message within {waited:?}: the peer did not answer")]
    TimedOut {
        /// How long the receiver waited.
        waited: Duration,
    },
}

impl ChannelError {
    /// An I/O error with what the channel was doing; `EPIPE` becomes [`ChannelError::PeerClosed`].
    pub fn io(context: impl Into<String>, source: io::Error) -> Self {
        if source.kind() == io::ErrorKind::BrokenPipe {
            ChannelError::PeerClosed { source }
        } else {
            ChannelError::Io {
                context: context.into(),
                source,
            }
        }
    }

    /// True for the errors that mean the peer went away (closed, truncated mid-message).
    pub fn is_disconnect(&self) -> bool {
        matches!(
            self,
            ChannelError::PeerClosed { .. }
                | ChannelError::Truncated { .. }
                | ChannelError::TruncatedHeader { .. }
        )
    }
}

impl From<FrameError> for ChannelError {
    fn from(e: FrameError) -> Self {
        match e {
            FrameError::Io(source) => ChannelError::io("receiving a frame", source),
            FrameError::TooLarge { len, max } => ChannelError::FrameTooLarge { len, max },
            FrameError::TruncatedHeader { got } => ChannelError::TruncatedHeader { got },
            FrameError::Truncated { expected, got } => ChannelError::Truncated { expected, got },
            FrameError::TimedOut { waited } => ChannelError::TimedOut { waited },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_pipe_is_named_once_in_the_chain_of_causes() {
        let e = ChannelError::io("sending", io::Error::from(io::ErrorKind::BrokenPipe));
        let mut chain = e.to_string();
        let mut cause = std::error::Error::source(&e);
        while let Some(c) = cause {
            chain.push_str(&format!(": {c}"));
            cause = c.source();
        }
        assert_eq!(chain.matches("pipe").count(), 1, "{chain}");
        assert!(chain.starts_with("the peer closed"), "{chain}");
    }
}
