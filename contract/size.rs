//! Byte sizes: the one parser for size flags and the one way to show a
//! size, for every demo. Binary units throughout (`K` and `KiB` are both
//! 1024 bytes), since what is sized is memory and pipe buffers.

const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];

/// Parses `4096`, `64K`, `64KiB`, `16M`, `16 MiB`, `1G` (case of the
/// letter ignored, binary units) into bytes between 1 and `max`.
///
/// A demo's `value_parser` wraps this with its own limit (and any rule of
/// its own, such as a multiple of 8), so every size flag reads the same.
pub fn parse_bytes(s: &str, max: u64) -> Result<u64, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, suffix) = t.split_at(digits);
    let scale = match suffix.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        _ => {
            return Err(format!(
                "{s:?}: expected a size like 4096, 64KiB, 16M or 1G"
            ));
        }
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("{s:?}: expected a size like 4096, 64KiB, 16M or 1G"))?;
    n.checked_mul(scale)
        .filter(|b| (1..=max).contains(b))
        .ok_or_else(|| {
            format!(
                "{s:?}: must be between 1 byte and {}",
                show_bytes(max as f64)
            )
        })
}

/// `16 MiB`, `64 KiB`, `1.5 GiB`, `100 B`: the largest unit the size
/// reaches, whole when it is a whole number of that unit, else to one
/// decimal.
pub fn show_bytes(bytes: f64) -> String {
    for (unit, scale) in UNITS {
        let scale = scale as f64;
        if bytes.abs() >= scale {
            let n = bytes / scale;
            return if n.fract() == 0.0 {
                format!("{n:.0} {unit}")
            } else {
                format!("{n:.1} {unit}")
            };
        }
    }
    format!("{bytes:.0} B")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_in_every_spelling_and_nonsense_is_refused() {
        for (s, b) in [
            ("4096", 4096),
            ("64K", 64 << 10),
            ("64KiB", 64 << 10),
            ("16M", 16 << 20),
            ("16 MiB", 16 << 20),
            ("1g", 1 << 30),
            ("12B", 12),
        ] {
            assert_eq!(parse_bytes(s, 4 << 30), Ok(b), "{s}");
        }
        for bad in ["", "0", "M", "-1M", "5T", "1.5M", "99999999999999999999G"] {
            assert!(parse_bytes(bad, 4 << 30).is_err(), "accepted {bad:?}");
        }
        let err = parse_bytes("2G", 1 << 30).unwrap_err();
        assert!(err.contains("1 GiB"), "{err}");
    }

    #[test]
    fn sizes_show_whole_where_whole_and_round_trip() {
        assert_eq!(show_bytes(100.0), "100 B");
        assert_eq!(show_bytes(64.0 * 1024.0), "64 KiB");
        assert_eq!(show_bytes(1.5 * 1048576.0), "1.5 MiB");
        assert_eq!(show_bytes(12_637.0), "12.3 KiB");
        assert_eq!(show_bytes((1u64 << 30) as f64), "1 GiB");
        for b in [1u64, 1000, 4096, 1 << 20, 16 << 20, 3 << 30] {
            let shown = show_bytes(b as f64);
            assert_eq!(parse_bytes(&shown, 4 << 30), Ok(b), "{shown}");
        }
    }
}
