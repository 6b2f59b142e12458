//! A chart as data ([`Chart`]): what it shows and where its numbers came
//! from. Its drawing is in `draw.rs`.

mod draw;

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
    Numeric { label: String, log: bool },
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

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(x: XAxis) -> Chart {
        Chart {
            id: "c".into(),
            title: "t".into(),
            y_label: "speedup (x)".into(),
            log_y: false,
            x,
            series: vec![
                Series {
                    name: "a".into(),
                    points: vec![(0.0, 1.0), (1.0, 1.9)],
                },
                Series {
                    name: "b".into(),
                    points: vec![(0.0, 0.9), (1.0, 1.0)],
                },
            ],
            sources: vec![],
            note: String::new(),
            legend_right: false,
        }
    }

    #[test]
    fn bars_and_lines_draw_one_svg_with_legend_and_labels() {
        for x in [
            XAxis::Categories(vec!["one".into(), "two".into()]),
            XAxis::Numeric {
                label: "threads".into(),
                log: false,
            },
            XAxis::Numeric {
                label: "bytes".into(),
                log: true,
            },
        ] {
            let svg = chart(x).to_svg().unwrap();
            assert_eq!(svg.matches("<svg").count(), 1, "{svg}");
            assert!(
                svg.contains("speedup (x)")
                    && svg.contains("\na\n</text>")
                    && svg.contains("\nb\n</text>"),
                "{svg}"
            );
        }
    }

    #[test]
    fn an_empty_chart_still_draws() {
        let mut c = chart(XAxis::Categories(vec![]));
        c.series.clear();
        assert!(c.to_svg().unwrap().contains("<svg"));
    }
}
