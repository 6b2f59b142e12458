//! A trace as a picture: one lane per VM thread, coloured by what the
//! thread was doing, drop requests as ticks above the lane, a time axis in
//! milliseconds and a legend. Self-contained SVG (no script, no font file,
//! no network), well-formed XML so a page can inline it and a test can
//! parse it.
//!
//! A run has far more spans than a picture has pixels (py2 switches every
//! hundred instructions), so each lane is cut into one-pixel columns and a
//! column takes the colour of the state that filled most of it; runs of
//! columns of one colour become one `<rect>`. Each rect carries its state
//! as its `class`, the lane its thread's name, so what the picture shows
//! can be checked.

use std::fmt::Write;

use super::{MarkKind, State, Trace};

/// Plot width in pixels (one column per pixel).
const PLOT_W: usize = 800;
/// Left margin for the lane labels.
const LEFT: usize = 110;
const LANE_H: usize = 20;
const LANE_GAP: usize = 10;
const TOP: usize = 28;

/// A state's fill colour.
pub fn colour(state: State) -> &'static str {
    match state {
        State::Holding => "#2e7d32",
        State::Waiting => "#e53935",
        State::Io => "#1e88e5",
        State::Native => "#8e24aa",
        State::Lock => "#fb8c00",
    }
}

/// The legend's words for a state.
fn legend(state: State) -> &'static str {
    match state {
        State::Holding => "holding the GIL",
        State::Waiting => "waiting for the GIL",
        State::Io => "blocked in I/O",
        State::Native => "native, GIL released",
        State::Lock => "waiting on a lock",
    }
}

/// The class a rect of `state` carries.
pub fn class(state: State) -> &'static str {
    match state {
        State::Holding => "holding",
        State::Waiting => "waiting",
        State::Io => "io",
        State::Native => "native",
        State::Lock => "lock",
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Each column's state on one lane: the state that covered most of it
/// (`None` where the thread did nothing recorded for most of the column).
fn columns(spans: &[super::Span], span_ns: f64) -> Vec<Option<State>> {
    let per_col = span_ns / PLOT_W as f64;
    let mut fill = vec![[0f64; 5]; PLOT_W];
    for s in spans {
        let k = State::ALL
            .iter()
            .position(|&x| x == s.state)
            .expect("every state is in ALL");
        let (b, e) = (s.begin_ns as f64 / per_col, s.end_ns as f64 / per_col);
        let first = (b.floor() as usize).min(PLOT_W - 1);
        let last = (e.ceil() as usize).min(PLOT_W);
        for (c, col) in fill.iter_mut().enumerate().take(last).skip(first) {
            let overlap = e.min(c as f64 + 1.0) - b.max(c as f64);
            if overlap > 0.0 {
                col[k] += overlap;
            }
        }
    }
    fill.iter()
        .map(|col| {
            let (k, v) = col
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .expect("five states");
            // Less than half the column covered: the thread was mostly not there.
            (col.iter().sum::<f64>() >= 0.5 && *v > 0.0).then_some(State::ALL[k])
        })
        .collect()
}

/// A round step for the time axis: about 8 ticks over `span_ms`.
fn tick_step(span_ms: f64) -> f64 {
    let raw = (span_ms / 8.0).max(1e-6);
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * mag)
}

/// The timeline of `trace` as an SVG document titled `title`.
///
/// ```
/// use gil_sim::gil::{GilConfig, Policy};
/// use gil_sim::vm::{builtin_programs, run, Job, RunConfig};
/// let p = builtin_programs::countdown();
/// let f = p.func("countdown").unwrap();
/// let mut cfg = RunConfig::new(GilConfig::new(Policy::Nogil));
/// cfg.trace = Some(100);
/// let out = run(&p, &cfg, vec![Job::new(f, &[10_000]), Job::new(f, &[10_000])])?;
/// let svg = gil_sim::trace::svg::timeline(&out.trace.unwrap(), "nogil");
/// assert!(svg.starts_with("<svg") && svg.contains("class=\"holding\""));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn timeline(trace: &Trace, title: &str) -> String {
    let lanes = trace.threads.len();
    let plot_h = lanes * (LANE_H + LANE_GAP);
    let axis_y = TOP + plot_h;
    let height = axis_y + 56;
    let width = LEFT + PLOT_W + 20;
    let end_ns = trace
        .threads
        .iter()
        .flat_map(|t| t.record.spans.last().map(|s| s.end_ns))
        .max()
        .unwrap_or(0)
        .max(trace.elapsed_ns)
        .max(1);
    let span_ns = end_ns as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\" \
         class=\"timeline\" data-span-ms=\"{:.3}\" data-plot-x=\"{LEFT}\" data-plot-width=\"{PLOT_W}\">\
         <title>{}</title><text x=\"{LEFT}\" y=\"16\" font-weight=\"bold\">{}</text>",
        span_ns / 1e6,
        esc(title),
        esc(title)
    );
    for (i, track) in trace.threads.iter().enumerate() {
        let y = TOP + i * (LANE_H + LANE_GAP);
        let _ = write!(
            s,
            "<g class=\"lane\" data-thread=\"{}\"><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect class=\"background\" x=\"{LEFT}\" y=\"{y}\" width=\"{PLOT_W}\" height=\"{LANE_H}\" fill=\"#f4f4f4\"/>",
            esc(&track.name),
            LEFT - 8,
            y + LANE_H / 2 + 4,
            esc(&track.name)
        );
        let cols = columns(&track.record.spans, span_ns);
        let mut c = 0;
        while c < cols.len() {
            let Some(state) = cols[c] else {
                c += 1;
                continue;
            };
            let run = cols[c..].iter().take_while(|&&x| x == Some(state)).count();
            let _ = write!(
                s,
                "<rect class=\"{}\" x=\"{}\" y=\"{y}\" width=\"{run}\" height=\"{LANE_H}\" fill=\"{}\"/>",
                class(state),
                LEFT + c,
                colour(state)
            );
            c += run;
        }
        // Drop requests: one tick per pixel column at most.
        let mut last_col = usize::MAX;
        for m in &track.record.marks {
            if m.kind != MarkKind::DropRequest {
                continue;
            }
            let col = ((m.at_ns as f64 / span_ns) * PLOT_W as f64) as usize;
            if col == last_col || col >= PLOT_W {
                continue;
            }
            last_col = col;
            let x = LEFT + col;
            let _ = write!(
                s,
                "<path class=\"drop-request\" d=\"M{} {} L{} {} L{x} {} Z\" fill=\"#111\"/>",
                x - 3,
                y - 5,
                x + 3,
                y - 5,
                y
            );
        }
        s.push_str("</g>");
    }
    // Time axis in milliseconds.
    let span_ms = span_ns / 1e6;
    let step = tick_step(span_ms);
    let _ = write!(
        s,
        "<g class=\"axis\"><line x1=\"{LEFT}\" y1=\"{axis_y}\" x2=\"{}\" y2=\"{axis_y}\" stroke=\"#444\"/>",
        LEFT + PLOT_W
    );
    let digits = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    let mut t = 0.0;
    while t <= span_ms + step * 1e-9 {
        let x = LEFT as f64 + t / span_ms * PLOT_W as f64;
        let _ = write!(
            s,
            "<line x1=\"{x:.1}\" y1=\"{axis_y}\" x2=\"{x:.1}\" y2=\"{}\" stroke=\"#444\"/>\
             <text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{t:.digits$}</text>",
            axis_y + 4,
            axis_y + 16
        );
        t += step;
    }
    let _ = write!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">ms</text></g>",
        LEFT - 8,
        axis_y + 16
    );
    // Legend.
    let ly = axis_y + 38;
    let mut x = LEFT;
    s.push_str("<g class=\"legend\">");
    for state in State::ALL {
        let _ = write!(
            s,
            "<rect x=\"{x}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{ly}\">{}</text>",
            ly - 10,
            colour(state),
            x + 16,
            legend(state)
        );
        x += 22 + legend(state).len() * 6;
    }
    let _ = write!(
        s,
        "<path d=\"M{} {} L{} {} L{} {ly} Z\" fill=\"#111\"/><text x=\"{}\" y=\"{ly}\">drop request</text></g></svg>",
        x,
        ly - 10,
        x + 8,
        ly - 10,
        x + 4,
        x + 12
    );
    s
}
