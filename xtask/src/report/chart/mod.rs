//! A chart: the data is the contract's ([`Chart`], built by the demos'
//! chart rules); its drawing as SVG is in `draw.rs`.

mod draw;

pub use crate::contract::chart::{Chart, Series, XAxis};

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
