//! The one seam for the serializer: what turns a typed value into a frame's payload and back.
//!
//! Python's `multiprocessing.connection` pickles; this crate uses serde with
//! bincode 2 ([`Bincode`]). Everything else (frames, channels, the pool in
//! `processes`) sees only the [`Codec`] trait, so swapping the format is one
//! impl and one type argument:
//!
//! ```
//! use subprocess_pipes::codec::{Codec, CodecError};
//!
//! /// JSON instead of bincode: readable on the wire, bigger and slower.
//! #[derive(Debug, Clone, Copy, Default)]
//! struct Json;
//!
//! impl Codec for Json {
//!     fn encode<T: serde::Serialize + ?Sized>(&self, v: &T, out: &mut Vec<u8>) -> Result<(), CodecError> {
//!         serde_json::to_writer(out, v).map_err(CodecError::new::<T>)
//!     }
//!     fn decode<T: serde::de::DeserializeOwned>(&self, bytes: &[u8]) -> Result<T, CodecError> {
//!         serde_json::from_slice(bytes).map_err(CodecError::new::<T>)
//!     }
//! }
//!
//! let mut out = Vec::new();
//! Json.encode(&(1, "two"), &mut out)?;
//! assert_eq!(out, br#"[1,"two"]"#);
//! let back: (u32, String) = Json.decode(&out)?;
//! assert_eq!(back, (1, "two".to_string()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A `Channel` with that codec is `Channel::with_codec(reader, writer, Json)`.

use std::error::Error;
use std::fmt;

use std::io::Write;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::frame::DEFAULT_MAX_FRAME;

/// A serde data format for frame payloads.
///
/// A new format implements [`Codec::encode`] and [`Codec::decode`]; the
/// provided methods are optional speed-ups (bincode has them all).
/// `Clone` because a channel split into halves gives each half its own copy.
pub trait Codec: Clone {
    /// Appends the encoding of `value` to `out` (which may already hold bytes).
    fn encode<T: Serialize + ?Sized>(&self, value: &T, out: &mut Vec<u8>)
    -> Result<(), CodecError>;

    /// Decodes one value that fills all of `bytes` (trailing bytes are an error).
    fn decode<T: DeserializeOwned>(&self, bytes: &[u8]) -> Result<T, CodecError>;

    /// The exact length [`Codec::encode`] would produce, when the format can
    /// tell it without encoding (`None`: it cannot). With a length known up
    /// front, a sender can write the header first and then stream a big
    /// payload straight into the pipe with [`Codec::encode_to`], with no
    /// intermediate copy.
    fn encoded_len<T: Serialize + ?Sized>(&self, value: &T) -> Option<Result<usize, CodecError>> {
        let _ = value;
        None
    }

    /// Encodes `value` straight into `w`, writing exactly
    /// [`Codec::encoded_len`] bytes. The default encodes into a `Vec` first.
    fn encode_to<T: Serialize + ?Sized, W: Write>(
        &self,
        value: &T,
        w: &mut W,
    ) -> Result<(), CodecError> {
        let mut out = Vec::new();
        self.encode(value, &mut out)?;
        w.write_all(&out).map_err(CodecError::new::<T>)
    }

    /// Decodes a value that may borrow from `bytes` (`&str`, `&[u8]` fields):
    /// no copy of big payloads. The default refuses; bincode supports it.
    fn decode_borrowed<'de, T: Deserialize<'de>>(&self, bytes: &'de [u8]) -> Result<T, CodecError> {
        let _ = bytes;
        Err(CodecError::new::<T>(
            "this codec cannot decode borrowed values",
        ))
    }
}

/// A value could not be encoded or decoded: the type, and the format's own error.
#[derive(Debug)]
pub struct CodecError {
    ty: &'static str,
    source: Box<dyn Error + Send + Sync + 'static>,
}

impl CodecError {
    /// Wraps a format's error about a value of type `T`.
    pub fn new<T: ?Sized>(source: impl Into<Box<dyn Error + Send + Sync + 'static>>) -> Self {
        CodecError {
            ty: std::any::type_name::<T>(),
            source: source.into(),
        }
    }

    /// The Rust type being encoded or decoded.
    pub fn type_name(&self) -> &'static str {
        self.ty
    }
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}`: {}", self.ty, self.source)
    }
}

impl Error for CodecError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&*self.source)
    }
}

/// bincode 2 through serde, `bincode::config::standard()` (little-endian,
/// varint integers), with a decode limit.
///
/// `LIMIT` bounds the bytes a single decode may reserve for strings and
/// byte buffers. bincode allocates a string's announced length before
/// reading it, so without a limit a 10-byte garbage frame could ask for
/// exabytes; with it, such a frame is a [`CodecError`]. This holds for the
/// in-place decode from a slice too (`borrow_decode_from_slice`, the one
/// every method here uses): bincode 2.0's serde `String` still reserves the
/// announced length before it looks at the slice (a 1 TiB claim without a
/// limit aborts the process), while borrowed `&str`/`&[u8]` and
/// serde-driven sequences (whose preallocation serde caps) do not. Honest data can never
/// need more than its frame's length, so this limit equals
/// [`DEFAULT_MAX_FRAME`]; a channel with a larger `with_max_frame` wants
/// [`BincodeLimit<N>`] to match.
///
/// ```
/// use subprocess_pipes::codec::{Bincode, Codec};
///
/// let mut out = Vec::new();
/// Bincode.encode(&vec![1u16, 300], &mut out)?;
/// assert_eq!(out, [2, 1, 251, 44, 1]); // varint length, then varint items
/// let back: Vec<u16> = Bincode.decode(&out)?;
/// assert_eq!(back, [1, 300]);
///
/// // A frame claiming a 2^62-byte string is refused, not allocated.
/// let evil = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0x40];
/// assert!(Bincode.decode::<String>(&evil).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bincode;

/// [`Bincode`] with another decode limit (`LIMIT` bytes of strings and byte
/// buffers per message), for channels whose `with_max_frame` exceeds
/// [`DEFAULT_MAX_FRAME`].
///
/// ```
/// use subprocess_pipes::channel::Channel;
/// use subprocess_pipes::codec::BincodeLimit;
///
/// const MAX: usize = 256 << 20;
/// let ch = Channel::<Vec<u8>, Vec<u8>, _, _, _>::with_codec(std::io::empty(), std::io::sink(), BincodeLimit::<MAX>)
///     .with_max_frame(MAX);
/// # let _ = ch;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BincodeLimit<const LIMIT: usize>;

/// A decode that left bytes unread: the frame held more than one value.
#[derive(Debug, thiserror::Error)]
#[error("{trailing} trailing bytes after the value")]
struct Trailing {
    trailing: usize,
}

impl Codec for Bincode {
    fn encode<T: Serialize + ?Sized>(
        &self,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<(), CodecError> {
        BincodeLimit::<DEFAULT_MAX_FRAME>.encode(value, out)
    }

    fn decode<T: DeserializeOwned>(&self, bytes: &[u8]) -> Result<T, CodecError> {
        BincodeLimit::<DEFAULT_MAX_FRAME>.decode(bytes)
    }

    fn encoded_len<T: Serialize + ?Sized>(&self, value: &T) -> Option<Result<usize, CodecError>> {
        BincodeLimit::<DEFAULT_MAX_FRAME>.encoded_len(value)
    }

    fn encode_to<T: Serialize + ?Sized, W: Write>(
        &self,
        value: &T,
        w: &mut W,
    ) -> Result<(), CodecError> {
        BincodeLimit::<DEFAULT_MAX_FRAME>.encode_to(value, w)
    }

    fn decode_borrowed<'de, T: Deserialize<'de>>(&self, bytes: &'de [u8]) -> Result<T, CodecError> {
        BincodeLimit::<DEFAULT_MAX_FRAME>.decode_borrowed(bytes)
    }
}

impl<const LIMIT: usize> Codec for BincodeLimit<LIMIT> {
    fn encode<T: Serialize + ?Sized>(
        &self,
        value: &T,
        out: &mut Vec<u8>,
    ) -> Result<(), CodecError> {
        bincode::serde::encode_into_std_write(value, out, bincode::config::standard())
            .map(drop)
            .map_err(CodecError::new::<T>)
    }

    fn decode<T: DeserializeOwned>(&self, bytes: &[u8]) -> Result<T, CodecError> {
        self.decode_borrowed(bytes)
    }

    fn encoded_len<T: Serialize + ?Sized>(&self, value: &T) -> Option<Result<usize, CodecError>> {
        let mut size = bincode::enc::write::SizeWriter::default();
        Some(
            bincode::serde::encode_into_writer(value, &mut size, bincode::config::standard())
                .map(|()| size.bytes_written)
                .map_err(CodecError::new::<T>),
        )
    }

    fn encode_to<T: Serialize + ?Sized, W: Write>(
        &self,
        value: &T,
        w: &mut W,
    ) -> Result<(), CodecError> {
        bincode::serde::encode_into_std_write(value, w, bincode::config::standard())
            .map(drop)
            .map_err(CodecError::new::<T>)
    }

    fn decode_borrowed<'de, T: Deserialize<'de>>(&self, bytes: &'de [u8]) -> Result<T, CodecError> {
        let config = bincode::config::standard().with_limit::<LIMIT>();
        let (value, used) = bincode::serde::borrow_decode_from_slice(bytes, config)
            .map_err(CodecError::new::<T>)?;
        if used != bytes.len() {
            return Err(CodecError::new::<T>(Trailing {
                trailing: bytes.len() - used,
            }));
        }
        Ok(value)
    }
}
