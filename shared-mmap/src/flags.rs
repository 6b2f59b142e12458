//! Flag helpers the experiments share: the dataset size's limits, a
//! counting window, and the default worker count.

use crate::contract::Machine;

/// Largest dataset a flag may ask for (4 GiB).
pub const MAX_SIZE: u64 = 4 << 30;
/// Most worker processes a flag may ask for.
pub const MAX_WORKERS: u32 = 64;

/// The dataset flags' parser: a multiple of 8 bytes up to [`MAX_SIZE`]
/// (see [`parse_bytes`](crate::contract::size::parse_bytes) for the
/// spellings).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let bytes = crate::contract::size::parse_bytes(s, MAX_SIZE)?;
    if bytes % 8 != 0 {
        return Err(format!("{s:?}: must be a multiple of 8 bytes"));
    }
    Ok(bytes)
}

/// A duration flag (`100ms`) that shows as seconds in the JSON params.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Secs(pub std::time::Duration);

impl serde::Serialize for Secs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0.as_secs_f64())
    }
}

/// clap value parser for a counting window: `100ms`, `1s`; 1 ms to 10 s.
pub fn window(s: &str) -> Result<Secs, String> {
    let d = crate::contract::measure::parse_duration(s)?;
    if d < std::time::Duration::from_millis(1) || d > std::time::Duration::from_secs(10) {
        return Err(format!("{s:?}: must be between 1ms and 10s"));
    }
    Ok(Secs(d))
}

/// One worker per core, at least 2 (so that sharing is between processes).
pub fn default_workers() -> u32 {
    (Machine::current().cores as u32).clamp(2, MAX_WORKERS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn any_text_parses_or_is_refused_without_panicking(s in "\\PC{0,24}") {
            if let Ok(b) = parse_size(&s) {
                prop_assert!(b > 0 && b % 8 == 0 && b <= MAX_SIZE);
            }
        }

        #[test]
        fn mebibytes_round_trip(n in 1u64..=4096) {
            prop_assert_eq!(parse_size(&format!("{n}M")), Ok(n << 20));
        }
    }

    #[test]
    fn sizes_parse_with_suffixes_and_reject_nonsense() {
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("4096"), Ok(4096));
        for bad in [
            "",
            "0",
            "12",
            "5T",
            "-1M",
            "M",
            "9G",
            "99999999999999999999G",
        ] {
            assert!(parse_size(bad).is_err(), "accepted {bad:?}");
        }
    }
}
