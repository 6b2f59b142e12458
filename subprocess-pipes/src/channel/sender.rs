//! The sending half of a channel: frames and writes typed values, streaming big ones without a copy.

use std::fmt;
use std::io::{IoSlice, Write};
use std::marker::PhantomData;

use serde::Serialize;

use super::error::ChannelError;
use crate::codec::{Bincode, Codec, CodecError};
use crate::frame::{DEFAULT_MAX_FRAME, HEADER_LEN, header, write_all_vectored};

/// Sends values of type `Tx` as frames on `W`.
///
/// A small message is encoded into a reused buffer behind 4 reserved header
/// bytes, the header is patched in, and the whole frame leaves in one
/// `write_all` (one system call). A message of [`STREAM_AT`] bytes or more,
/// when the codec can tell its length up front ([`Codec::encoded_len`];
/// bincode can), is streamed instead: the header and the encoder's small
/// writes gather in the same reused buffer, and a big write (a `Blob`'s
/// bytes) leaves together with them in one vectored write (`writev`),
/// straight from the value to the pipe: no intermediate copy, no
/// allocation, no extra system call. Then `W` is flushed.
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
        self.scratch.clear();
        self.scratch.extend_from_slice(&h);
        let mut out = Staged {
            inner: &mut self.writer,
            buf: &mut self.scratch,
            written: 0,
            error: None,
        };
        let encoded = self.codec.encode_to(msg, &mut out);
        let flushed = out.send_gathered(&[]);
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
        self.writer
            .flush()
            .map_err(|e| ChannelError::io("flushing a frame", e))
    }
}

/// The streaming writer: small writes gather in the sender's reused
/// scratch buffer (up to [`STREAM_AT`] bytes); a big write leaves together
/// with what was gathered (the header, a length prefix) in one vectored
/// write, so a big message costs the same system calls as a raw write of
/// its bytes, and no allocation. Counts the bytes that reach the writer and
/// keeps the first I/O error (the codec's error type would otherwise hide
/// whether the pipe broke).
struct Staged<'a, W: Write> {
    inner: &'a mut W,
    buf: &'a mut Vec<u8>,
    written: usize,
    error: Option<std::io::Error>,
}

impl<W: Write> Staged<'_, W> {
    /// Writes the gathered bytes, then `data`, in as few calls as the writer allows.
    fn send_gathered(&mut self, data: &[u8]) -> std::io::Result<()> {
        let len = self.buf.len() + data.len();
        let sent = write_all_vectored(
            self.inner,
            &mut [IoSlice::new(self.buf), IoSlice::new(data)],
        );
        sent.map_err(|e| self.keep(e))?;
        self.written += len;
        self.buf.clear();
        Ok(())
    }

    /// Keeps the first error; the codec gets one of the same kind.
    fn keep(&mut self, e: std::io::Error) -> std::io::Error {
        let kind = e.kind();
        self.error.get_or_insert(e);
        kind.into()
    }
}

impl<W: Write> Write for Staged<'_, W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + data.len() <= STREAM_AT {
            self.buf.extend_from_slice(data);
        } else if data.len() < STREAM_AT {
            self.send_gathered(&[])?;
            self.buf.extend_from_slice(data);
        } else {
            self.send_gathered(data)?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send_gathered(&[])?;
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blob::Blob;
    use crate::channel::Channel;

    /// A writer that takes at most `step` bytes a call and counts its calls.
    struct Trickle {
        out: Vec<u8>,
        step: usize,
        calls: usize,
    }

    impl Write for Trickle {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.write_vectored(&[std::io::IoSlice::new(buf)])
        }

        fn write_vectored(&mut self, bufs: &[std::io::IoSlice<'_>]) -> std::io::Result<usize> {
            self.calls += 1;
            let mut n = 0;
            for b in bufs {
                let take = b.len().min(self.step - n);
                self.out.extend_from_slice(&b[..take]);
                n += take;
            }
            Ok(n)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn round_trip(step: usize) -> (Vec<u8>, usize) {
        let data: Vec<u8> = (0..(STREAM_AT * 3 + 17)).map(|i| (i % 251) as u8).collect();
        let mut tx = Sender::<Blob, _>::new(Trickle {
            out: Vec::new(),
            step,
            calls: 0,
        });
        tx.send(&Blob(data.clone())).unwrap();
        tx.send(&Blob(vec![5; 3])).unwrap();
        let Trickle { out, calls, .. } = tx.into_inner();
        let (_, mut rx) = Channel::<(), Blob, _, _>::new(&out[..], std::io::sink()).split();
        assert_eq!(rx.recv().unwrap(), Some(Blob(data.clone())));
        assert_eq!(rx.recv().unwrap(), Some(Blob(vec![5; 3])));
        assert_eq!(rx.recv().unwrap(), None);
        (data, calls)
    }

    /// Short writes anywhere (inside the header, between the parts) lose nothing.
    #[test]
    fn streamed_frames_survive_short_writes() {
        for step in [1, 3, 4, 5, 4096, STREAM_AT + 1] {
            round_trip(step);
        }
    }

    /// A big message leaves in one call, header and payload together, like a
    /// raw write of its bytes; the small one after it in one more.
    #[test]
    fn a_big_message_is_one_write() {
        let (_, calls) = round_trip(usize::MAX);
        assert_eq!(calls, 2);
    }
}
