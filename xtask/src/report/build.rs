//! Reading a sweep back from metric names that carry their parameter:
//! what schema 1 records had instead of series.

use crate::contract::record::Record;

/// The metrics of `rec` named `{prefix}{x}{suffix}`, with `x` parsed by `parse`, sorted by x.
pub(super) fn sweep(
    rec: &Record,
    prefix: &str,
    suffix: &str,
    parse: fn(&str) -> Option<f64>,
) -> Vec<(f64, f64)> {
    let mut points: Vec<(f64, f64)> = rec
        .metrics
        .iter()
        .filter_map(|(k, v)| {
            let x = k.strip_prefix(prefix)?.strip_suffix(suffix)?;
            Some((parse(x)?, v.as_f64()?))
        })
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    points
}

/// `1KiB`, `16MiB`, `64M`, `1G`, `512` → bytes.
pub fn bytes(s: &str) -> Option<f64> {
    let digits = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (n, unit) = s.split_at(digits);
    let n: f64 = n.parse().ok()?;
    let scale = match unit {
        "" | "B" => 1.0,
        "K" | "KiB" | "k" => 1024.0,
        "M" | "MiB" => 1024.0 * 1024.0,
        "G" | "GiB" => 1024.0 * 1024.0 * 1024.0,
        _ => return None,
    };
    Some(n * scale)
}
