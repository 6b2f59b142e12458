//! The HTML page: header, "when to use what" table, charts, every
//! experiment, and the raw records. Self-contained (inline CSS and SVG) and
//! well-formed XML, so it opens without a network and its structure can be
//! checked by a parser.

use std::fmt::Write;

use super::advice::Advice;
use super::chart::Chart;
use super::html::{data, esc};
use super::machine::MachineInfo;
use super::timelines::Timeline;
use crate::contract::advice::Figure;
use crate::contract::record::Record;
use crate::repeat::Tally;

const STYLE: &str = "body{font-family:sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}\
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}\
th{background:#f3f3f3}.holds{color:#176317}.does-not-hold{color:#a31515}.info{color:#555}\
figure{margin:1.5em 0}figcaption{color:#444;font-size:0.92em}code{background:#f6f6f6;padding:0 3px}\
.machine{color:#444}data{font-weight:bold}figure.timeline svg{max-width:100%;height:auto}\
figure.timeline pre{overflow-x:auto;font-size:0.8em;background:#f6f6f6;padding:4px}";

/// Renders the whole page. `svgs` are the charts drawn, in `charts` order;
/// `tallies` say, per experiment, how the verdicts of repeated runs fell.
pub fn render(
    machine: &MachineInfo,
    mode: &str,
    advice: &[Advice],
    charts: &[(Chart, String)],
    timelines: &[Timeline],
    records: &[Record],
    tallies: &[Tally],
) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\"><head><meta charset=\"utf-8\"/>\
         <title>concurrency-lab: when to use what, measured</title><style>{STYLE}</style></head><body>\n\
         <h1>When to use what: threads, processes, locks and pipes, measured on this machine</h1>\n\
         <p class=\"machine\">{} cores · {} · {} · Python: {} · {} · {} mode</p>\n",
        machine.cores,
        esc(&machine.os),
        esc(&machine.rustc),
        esc(&machine.python),
        esc(&machine.date),
        esc(mode),
    );
    h.push_str("<h2 id=\"when\">When to use what</h2>\n<table id=\"advice\"><tr><th>situation</th><th>use</th><th>measured here</th><th>evidence</th></tr>\n");
    for a in advice {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><a href=\"#{}\">chart</a> · <code>{}</code></td></tr>",
            esc(&a.situation),
            esc(&a.choice),
            evidence(&a.figures, &a.note),
            esc(&a.chart),
            esc(&a.command)
        );
    }
    h.push_str("</table>\n");
    if advice.is_empty() {
        h.push_str("<p>No row could be derived: the records lack the figures it needs.</p>\n");
    }
    for (chart, svg) in charts {
        let _ = writeln!(
            h,
            "<h2 id=\"{}\">{}</h2>\n<figure>{}<figcaption>{} From: {}.</figcaption></figure>",
            esc(&chart.id),
            esc(&chart.title),
            svg.trim(),
            esc(&chart.note),
            esc(&chart.sources.join(", "))
        );
    }
    timelines_section(&mut h, timelines);
    h.push_str("<h2 id=\"all\">Every experiment</h2>\n<table><tr><th>demo</th><th>experiment</th><th>claim</th><th>verdict</th><th>key figures</th><th>detail</th></tr>\n");
    for r in records {
        let figures: Vec<String> = crate::summary::shown_figures(r, 3)
            .iter()
            .map(|f| esc(f))
            .collect();
        // Over repeated runs: the majority verdict, and every run's count.
        let repeated = tallies
            .iter()
            .find(|t| t.demo == r.demo && t.experiment == r.experiment && t.runs() > 1);
        let verdict = repeated.map_or(r.verdict, Tally::majority);
        let runs = repeated
            .map(|t| format!("<br/><small>{}</small>", esc(&t.counts_text())))
            .unwrap_or_default();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"{v}\">{v}{runs}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.demo),
            esc(&r.experiment),
            esc(&r.claim),
            figures.join("<br/>"),
            esc(&r.detail),
            v = verdict.as_str()
        );
    }
    h.push_str("</table>\n<p>The raw records (JSON lines, schema 2) are in <a href=\"records.jsonl\">records.jsonl</a> beside this page.</p>\n<script>document.documentElement.setAttribute('data-height', document.documentElement.scrollHeight)</script>\n</body></html>\n");
    h
}

/// "Watch the GIL": each timeline inline, what to look for, the run's
/// figures, and a link to its trace file.
fn timelines_section(h: &mut String, timelines: &[Timeline]) {
    if timelines.is_empty() {
        return;
    }
    h.push_str(
        "<h2 id=\"timelines\">Watch the GIL: who holds it, moment by moment</h2>\n\
         <p>Each picture is one run of the simulator (<code>gil-sim trace</code>), recorded on this machine: \
         a lane per thread, green while it holds the GIL, red while it waits for it, blue while it is blocked in I/O, \
         purple in native code without it; a tick above a lane is a drop request. \
         Each links its trace file: open it at <a href=\"https://ui.perfetto.dev\">ui.perfetto.dev</a> \
         (Open trace file) or in <code>chrome://tracing</code> to zoom into every hand-off.</p>\n",
    );
    for t in timelines {
        let _ = writeln!(
            h,
            "<h3 id=\"{id}\">{title}</h3>\n<figure class=\"timeline\">{svg}<figcaption>{look} \
             <a href=\"{json}\">Trace JSON</a> · <code>cargo run -p gil-sim -- trace {args}</code></figcaption>\
             <pre>{summary}</pre></figure>",
            id = esc(t.spec.id),
            title = esc(t.spec.title),
            svg = t.svg.trim(),
            look = esc(t.spec.look_for),
            json = esc(&t.json),
            args = esc(&t.spec.args().join(" ")),
            summary = esc(&t.summary),
        );
    }
}

/// The figures of an advice row, each number in a `<data>` element, and
/// the row's note under them.
fn evidence(figures: &[Figure], note: &str) -> String {
    let figures = figures
        .iter()
        .map(|f| format!("{} {}", esc(&f.label), data(f.value, &f.unit)))
        .collect::<Vec<_>>()
        .join("; ");
    if note.is_empty() {
        figures
    } else {
        format!("{figures}<br/><small class=\"note\">{}</small>", esc(note))
    }
}
