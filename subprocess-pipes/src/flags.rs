//! Flags the experiments share: serde for optional durations, the size flags' limit.

/// Serializes `Option<Duration>` as a string like `"300ms"` (or null).
pub(crate) mod dur_opt {
    use std::time::Duration;

    pub(crate) fn serialize<S: serde::Serializer>(
        d: &Option<Duration>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&format!("{}ms", d.as_secs_f64() * 1e3)),
            None => s.serialize_none(),
        }
    }
}

/// The `--size` flags' parser: a size between 1 byte and 256 MiB (see
/// [`parse_bytes`](crate::contract::size::parse_bytes) for the spellings).
pub(crate) fn parse_size(s: &str) -> Result<usize, String> {
    crate::contract::size::parse_bytes(s, 256 << 20).map(|b| b as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_flags_stop_at_256_mib() {
        assert_eq!(parse_size("64KiB"), Ok(64 << 10));
        assert_eq!(parse_size("16MiB"), Ok(16 << 20));
        assert_eq!(parse_size("100"), Ok(100));
        for bad in ["0", "1GiB", "x", "-1", "300MiB"] {
            assert!(parse_size(bad).is_err(), "accepted {bad}");
        }
    }
}
