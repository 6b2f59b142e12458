//! `Blob`: a byte buffer that serde encodes as one byte string (a length and a `memcpy`), not as a sequence of numbers.
//!
//! serde sees a `Vec<u8>` as a sequence of `u8`s and encodes it one element
//! at a time. Wrapping it in [`Blob`] makes it `serialize_bytes`, which
//! bincode writes as a varint length plus the bytes: the difference between
//! a few hundred MB/s and memory bandwidth for big payloads (what
//! `serde_bytes` does, in twenty lines).
//!
//! ```
//! use subprocess_pipes::blob::Blob;
//! use subprocess_pipes::codec::{Bincode, Codec};
//!
//! let mut out = Vec::new();
//! Bincode.encode(&Blob(vec![1, 2, 3]), &mut out)?;
//! assert_eq!(out, [3, 1, 2, 3]);
//! assert_eq!(Bincode.decode::<Blob>(&out)?, Blob(vec![1, 2, 3]));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `len` zero bytes, or an error when the memory cannot be had (`ulimit -v`,
/// a machine out of memory): `vec![0; len]` would abort the process.
///
/// ```
/// use subprocess_pipes::blob::try_zeroed;
/// assert_eq!(try_zeroed(4).unwrap(), vec![0; 4]);
/// assert!(try_zeroed(usize::MAX).is_err());
/// ```
pub fn try_zeroed(len: usize) -> std::io::Result<Vec<u8>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::OutOfMemory,
            format!("cannot allocate {len} bytes: {e}"),
        )
    })?;
    v.resize(len, 0);
    Ok(v)
}

/// Bytes that serialize as a byte string. See the module docs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blob(pub Vec<u8>);

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Blob, D::Error> {
        d.deserialize_byte_buf(BlobVisitor)
    }
}

struct BlobVisitor;

impl<'de> Visitor<'de> for BlobVisitor {
    type Value = Blob;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a byte string")
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Blob, E> {
        Ok(Blob(v.to_vec()))
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Blob, E> {
        Ok(Blob(v))
    }

    /// Formats without byte strings (JSON) send a list of numbers.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Blob, A::Error> {
        let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
        while let Some(b) = seq.next_element()? {
            v.push(b);
        }
        Ok(Blob(v))
    }
}
