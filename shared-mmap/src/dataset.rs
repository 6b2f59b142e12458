//! The read-only dataset the workers share: little-endian `u64` words in a
//! sealed memfd, written once by the parent, and the reduction they compute.

use crate::error::{Error, Result};
use crate::memfd::SealedMemfd;

/// Bytes per word of the dataset.
pub const WORD: usize = 8;

/// The value of word `i`: cheap to generate, not a constant, so a wrong slice
/// or a lost byte changes the total.
pub fn word(i: u64) -> u64 {
    let x = i.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^ (x >> 29)
}

/// The reduction every method computes: the wrapping sum of the words.
///
/// ```
/// assert_eq!(shared_mmap::dataset::checksum(&[1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]), 3);
/// ```
pub fn checksum(bytes: &[u8]) -> u64 {
    bytes
        .chunks_exact(WORD)
        .map(|w| u64::from_le_bytes(w.try_into().expect("chunks_exact gives 8 bytes")))
        .fold(0u64, u64::wrapping_add)
}

/// A dataset of `len` bytes (a multiple of [`WORD`]) in a sealed memfd.
///
/// ```
/// use shared_mmap::Dataset;
///
/// let data = Dataset::generate(1 << 16)?;
/// let direct = data.direct_checksum()?;
/// // Two halves reduce to the same total as the whole.
/// let halves = data.slices(2);
/// let map = data.memfd().map()?;
/// let sum = halves.iter().map(|&(o, l)| shared_mmap::dataset::checksum(&map[o..o + l]))
///     .fold(0u64, u64::wrapping_add);
/// assert_eq!(sum, direct);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Dataset {
    memfd: SealedMemfd,
}

impl Dataset {
    /// Writes `len` bytes of [`word`]s once into a new sealed memfd.
    pub fn generate(len: usize) -> Result<Dataset> {
        if len == 0 || !len.is_multiple_of(WORD) {
            return Err(Error::Invalid(format!(
                "dataset length {len} is not a positive multiple of 8"
            )));
        }
        let memfd = SealedMemfd::build("shared-mmap-dataset", len, |bytes| {
            for (i, w) in bytes.chunks_exact_mut(WORD).enumerate() {
                w.copy_from_slice(&word(i as u64).to_le_bytes());
            }
        })?;
        Ok(Dataset { memfd })
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.memfd.len()
    }

    /// Always false (a dataset has at least one word).
    pub fn is_empty(&self) -> bool {
        self.memfd.is_empty()
    }

    /// The sealed memfd holding the data.
    pub fn memfd(&self) -> &SealedMemfd {
        &self.memfd
    }

    /// The reduction computed in this process, straight over a mapping: the
    /// reference every sharing method is checked against.
    pub fn direct_checksum(&self) -> Result<u64> {
        Ok(checksum(&self.memfd.map()?))
    }

    /// `(offset, len)` of `n` word-aligned slices covering the data; the last
    /// takes the remainder. `n` is clamped to 1..=words.
    pub fn slices(&self, n: usize) -> Vec<(usize, usize)> {
        split(self.len(), n)
    }
}

/// `(offset, len)` of `n` word-aligned slices of `len` bytes.
pub fn split(len: usize, n: usize) -> Vec<(usize, usize)> {
    let words = len / WORD;
    let n = n.clamp(1, words.max(1));
    let per = words / n;
    (0..n)
        .map(|i| {
            let start = i * per;
            let end = if i + 1 == n { words } else { start + per };
            (start * WORD, (end - start) * WORD)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn slices_cover_the_data_exactly(words in 1usize..10_000, n in 0usize..70) {
            let s = split(words * WORD, n);
            prop_assert_eq!(s[0].0, 0);
            for pair in s.windows(2) {
                prop_assert_eq!(pair[0].0 + pair[0].1, pair[1].0);
            }
            let last = s[s.len() - 1];
            prop_assert_eq!(last.0 + last.1, words * WORD);
            prop_assert!(s.iter().all(|&(o, l)| o % WORD == 0 && l % WORD == 0 && l > 0));
        }
    }

    #[test]
    fn bad_lengths_are_refused_before_allocating() {
        assert!(Dataset::generate(0).is_err());
        assert!(Dataset::generate(12).is_err());
        assert!(Dataset::generate(crate::memfd::MAX_LEN + 8).is_err());
    }
}
