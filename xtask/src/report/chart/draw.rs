//! Drawing a [`Chart`] as an SVG string with plotters' SVG backend: grouped
//! bars over categories, or lines over a numeric axis (optionally
//! logarithmic).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Chart, XAxis};

const SIZE: (u32, u32) = (720, 360);
const FONT: (&str, u32) = ("sans-serif", 14);
const PALETTE: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
];

impl Chart {
    /// Draws the chart as a standalone `<svg>` element.
    pub fn to_svg(&self) -> anyhow::Result<String> {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            root.fill(&WHITE).map_err(err)?;
            match &self.x {
                XAxis::Categories(names) => self.draw_bars(&root, names)?,
                XAxis::Numeric { label, log } => self.draw_lines(&root, label, *log)?,
            }
            root.present().map_err(err)?;
        }
        Ok(svg)
    }

    /// The smallest and largest of one coordinate over every point
    /// (infinities when there is none).
    fn extent(&self, coord: fn(&(f64, f64)) -> f64) -> (f64, f64) {
        let values = self.series.iter().flat_map(|s| s.points.iter().map(coord));
        values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        })
    }

    fn y_range(&self) -> (f64, f64) {
        let (lo, hi) = self.extent(|p| p.1);
        if !lo.is_finite() {
            return (if self.log_y { 1.0 } else { 0.0 }, 1.0);
        }
        // Headroom above the data keeps the legend off the bars and lines.
        if self.log_y {
            let lo = lo.max(f64::MIN_POSITIVE);
            (lo / 2.0, hi * 10.0)
        } else {
            (lo.min(0.0), if hi > 0.0 { hi * 1.45 } else { 1.0 })
        }
    }

    fn draw_bars(
        &self,
        root: &DrawingArea<SVGBackend<'_>, Shift>,
        names: &[String],
    ) -> anyhow::Result<()> {
        let (lo, hi) = self.y_range();
        let n = names.len().max(1) as f64;
        let mut builder = ChartBuilder::on(root);
        builder
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(64);
        let width = 0.8 / self.series.len().max(1) as f64;
        // Bars rise from the axis: 0 on a linear scale, the bottom on a log one.
        let base = if self.log_y { lo } else { 0.0 };
        let label = |x: &f64| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        macro_rules! plot {
            ($yr:expr) => {{
                let mut chart = builder
                    .build_cartesian_2d(-0.5..n - 0.5, $yr)
                    .map_err(err)?;
                let mut mesh = chart.configure_mesh();
                mesh.disable_x_mesh()
                    .x_labels(names.len().max(1))
                    .x_label_formatter(&label);
                draw_mesh!(mesh, self.y_label);
                for (k, s) in self.series.iter().enumerate() {
                    let color = PALETTE[k % PALETTE.len()];
                    let left = -0.4 + k as f64 * width;
                    chart
                        .draw_series(s.points.iter().map(|&(x, y)| {
                            Rectangle::new(
                                [(x + left, base.min(y)), (x + left + width * 0.9, y)],
                                color.filled(),
                            )
                        }))
                        .map_err(err)?
                        .label(s.name.as_str())
                        .legend(move |(x, y)| {
                            Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled())
                        });
                }
                legend(&mut chart, self.legend_right)
            }};
        }
        if self.log_y {
            plot!((lo..hi).log_scale())
        } else {
            plot!(lo..hi)
        }
    }

    fn draw_lines(
        &self,
        root: &DrawingArea<SVGBackend<'_>, Shift>,
        label: &str,
        log_x: bool,
    ) -> anyhow::Result<()> {
        let (x0, x1) = self.extent(|p| p.0);
        let (x0, x1) = match (x0.is_finite(), x1 > x0) {
            (true, true) => (x0, x1),
            // One point: centre it in a range around it.
            (true, false) => (x0 * 0.5, x0 * 1.5 + f64::EPSILON),
            (false, _) => (1.0, 2.0),
        };
        let (y0, y1) = self.y_range();
        let mut builder = ChartBuilder::on(root);
        builder
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64);
        macro_rules! plot {
            ($xr:expr, $yr:expr) => {{
                let mut chart = builder.build_cartesian_2d($xr, $yr).map_err(err)?;
                let mut mesh = chart.configure_mesh();
                mesh.x_desc(label);
                draw_mesh!(mesh, self.y_label);
                for (k, s) in self.series.iter().enumerate() {
                    let color = PALETTE[k % PALETTE.len()];
                    chart
                        .draw_series(LineSeries::new(
                            s.points.iter().copied(),
                            color.stroke_width(2),
                        ))
                        .map_err(err)?
                        .label(s.name.as_str())
                        .legend(move |(x, y)| {
                            PathElement::new(vec![(x, y), (x + 14, y)], color.stroke_width(2))
                        });
                    chart
                        .draw_series(s.points.iter().map(|&p| Circle::new(p, 3, color.filled())))
                        .map_err(err)?;
                }
                legend(&mut chart, self.legend_right)
            }};
        }
        match (log_x, self.log_y) {
            (false, false) => plot!(x0..x1, y0..y1),
            (true, false) => plot!((x0..x1).log_scale(), y0..y1),
            (false, true) => plot!(x0..x1, (y0..y1).log_scale()),
            (true, true) => plot!((x0..x1).log_scale(), (y0..y1).log_scale()),
        }
    }
}

/// Draws a configured mesh with what every chart shares: the y axis
/// label and the page's font. (A macro: the mesh's type differs with each
/// pair of axis kinds.)
macro_rules! draw_mesh {
    ($mesh:expr, $y_label:expr) => {
        $mesh
            .y_desc($y_label.as_str())
            .label_style(FONT)
            .axis_desc_style(FONT)
            .draw()
            .map_err(err)?
    };
}
use draw_mesh;

fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    right: bool,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(FONT)
        .position(if right {
            SeriesLabelPosition::UpperRight
        } else {
            SeriesLabelPosition::UpperLeft
        })
        .draw()
        .map_err(err)
}

fn err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow::anyhow!("drawing a chart: {e:?}")
}
