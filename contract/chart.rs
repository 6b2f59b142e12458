//! The report's charts as data: what a chart shows and where its numbers
//! came from, built from records by the demo that measures them. xtask
//! draws them (SVG) and lays them out; no demo writes HTML.
//!
//! A demo lists its charts in its `charts.rs` ([`ChartRule`]s by name);
//! xtask compiles those files too, so a chart and the series or metric it
//! reads are checked by both builds.

use super::record::Record;

/// One named series of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The legend entry.
    pub name: String,
    /// `(x, y)`: for bars, x is the category index.
    pub points: Vec<(f64, f64)>,
}

/// How the x axis reads.
#[derive(Debug, Clone, PartialEq)]
pub enum XAxis {
    /// Categories, one group of bars each.
    Categories(Vec<String>),
    /// A numeric axis with its label; `log` for sizes spanning decades.
    Numeric {
        /// The axis label, with its unit.
        label: String,
        /// A logarithmic axis.
        log: bool,
    },
}

/// A chart to draw: what it shows, and where its numbers came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// The anchor of the chart on the page.
    pub id: String,
    /// The title above it.
    pub title: String,
    /// The y axis label (with unit).
    pub y_label: String,
    /// Log scale on y.
    pub log_y: bool,
    /// The x axis.
    pub x: XAxis,
    /// The series.
    pub series: Vec<Series>,
    /// `demo experiment` pairs that produced the numbers.
    pub sources: Vec<String>,
    /// One sentence under the chart: what to look for.
    pub note: String,
    /// Put the legend in the upper right corner (default: upper left).
    pub legend_right: bool,
}

/// A chart built from the records: `None` when they lack its figures
/// (a chart is left out, never drawn from invented numbers).
pub type ChartRule = fn(&[Record]) -> Option<Chart>;

/// A chart of the non-empty `series`; `None` when every one is empty.
pub fn chart(
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

impl Chart {
    /// The chart with a logarithmic y axis (builder style), for figures
    /// that span decades: `chart(..).map(Chart::log_y)`.
    pub fn log_y(mut self) -> Chart {
        self.log_y = true;
        self
    }

    /// The chart with its legend in the upper right corner (builder style).
    pub fn legend_right(mut self) -> Chart {
        self.legend_right = true;
        self
    }
}

/// A bar series: its name and `(category, value)` pairs; `None` values are skipped.
pub type Group<'a> = (&'a str, Vec<(&'a str, Option<f64>)>);

/// Bars: one series per `(name, [(category, value)])`, over the union of categories.
pub fn bars(groups: Vec<Group<'_>>) -> (XAxis, Vec<Series>) {
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

/// A line through `points`, sorted by x.
pub fn line(name: impl Into<String>, mut points: Vec<(f64, f64)>) -> Series {
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    Series {
        name: name.into(),
        points,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_share_categories_and_empty_series_leave_the_chart() {
        let (x, series) = bars(vec![
            ("a", vec![("one", Some(1.0)), ("two", None)]),
            ("b", vec![("two", Some(2.0))]),
        ]);
        assert_eq!(x, XAxis::Categories(vec!["one".into(), "two".into()]));
        assert_eq!(series[1].points, vec![(1.0, 2.0)]);
        let empty = vec![line("c", vec![])];
        assert!(chart("i", "t", "y", x, empty, &[], "").is_none());
        assert_eq!(line("d", vec![(2.0, 0.0), (1.0, 0.0)]).points[0].0, 1.0);
    }
}
