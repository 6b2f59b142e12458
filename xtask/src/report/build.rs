//! Building a chart from figures: the chart itself, bars over categories,
//! and a sweep read back from metric names that carry their parameter.

use super::chart::{Chart, Series, XAxis};
use crate::contract::record::Record;

/// A chart of the non-empty `series`; `None` when every one is empty.
pub(super) fn chart(
    id: &str,
    title: &str,
    y: &str,
    x: XAxis,
    series: Vec<Series>,
    sources: &[&str],
    note: &str,
) -> Option<Chart> {
    let series: Vec<Series> = series
        .into_iter()
        .filter(|s| !s.points.is_empty())
        .collect();
    (!series.is_empty()).then(|| Chart {
        id: id.into(),
        title: title.into(),
        y_label: y.into(),
        log_y: false,
        x,
        series,
        sources: sources.iter().map(|s| s.to_string()).collect(),
        note: note.into(),
        legend_right: false,
    })
}

/// A bar series: its name and `(category, value)` pairs; `None` values are skipped.
pub(super) type Group<'a> = (&'a str, Vec<(&'a str, Option<f64>)>);

/// Bars: one series per `(name, [(category, value)])`, over the union of categories.
pub(super) fn bars(groups: Vec<Group<'_>>) -> (XAxis, Vec<Series>) {
    let mut cats: Vec<String> = Vec::new();
    for (_, items) in &groups {
        for (c, v) in items {
            if v.is_some() && !cats.iter().any(|k| k == c) {
                cats.push(c.to_string());
            }
        }
    }
    let series = groups
        .into_iter()
        .map(|(name, items)| Series {
            name: name.into(),
            points: items
                .into_iter()
                .filter_map(|(c, v)| Some((cats.iter().position(|k| k == c)? as f64, v?)))
                .collect(),
        })
        .collect();
    (XAxis::Categories(cats), series)
}

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

pub(super) fn number(s: &str) -> Option<f64> {
    s.parse().ok()
}
