//! The report built from a fixed set of records (recorded from a real
//! `--quick` run of every demo): the page is well-formed, has one SVG per
//! chart, every number in the advice table is a figure of the records, and a
//! chart or row whose records are missing is left out rather than invented.

use std::collections::HashSet;
use std::path::Path;

use xtask::contract::record::Record;
use xtask::report::machine::MachineInfo;
use xtask::report::{build, catalog, read_records};

fn records() -> Vec<Record> {
    read_records(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/records.jsonl"))
        .unwrap()
}

fn machine() -> MachineInfo {
    MachineInfo {
        cores: 2,
        os: "Linux 6.1".into(),
        rustc: "rustc 1.95.0".into(),
        python: "Python 3.11.7".into(),
        date: "2026-11-21".into(),
    }
}

/// Parses the page as XML; `<!DOCTYPE html>` is its only declaration.
fn parse(html: &str) -> Result<roxmltree::Document<'_>, roxmltree::Error> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..Default::default()
    };
    roxmltree::Document::parse_with_options(html, opts)
}

/// Every number of the records: their metrics and their series' points.
fn figures(records: &[Record]) -> HashSet<u64> {
    records
        .iter()
        .flat_map(|r| {
            let points = r
                .series
                .iter()
                .flat_map(|s| s.points.iter().flat_map(|p| p.values()));
            r.metrics
                .values()
                .chain(points)
                .filter_map(|v| v.as_f64())
                .map(f64::to_bits)
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn the_page_is_well_formed_with_one_svg_per_chart() {
    let records = records();
    let html = build(&records, &machine(), "saved", &[]).unwrap();
    let doc = parse(&html).expect("the page parses as XML (polyglot XHTML)");
    let svgs = doc.descendants().filter(|n| n.has_tag_name("svg")).count();
    let figures = doc
        .descendants()
        .filter(|n| n.has_tag_name("figure"))
        .count();
    let charts = catalog::charts(&records);
    assert_eq!(
        charts.len(),
        12,
        "every chart has its records in the fixture"
    );
    assert_eq!((svgs, figures), (charts.len(), charts.len()));
    for c in &charts {
        assert!(
            doc.descendants()
                .any(|n| n.attribute("id") == Some(c.id.as_str())),
            "no anchor {}",
            c.id
        );
    }
    for needle in ["2 cores", "rustc 1.95.0", "Python 3.11.7", "2026-11-21"] {
        assert!(html.contains(needle), "header lacks {needle}");
    }
    let rows = doc.descendants().filter(|n| n.has_tag_name("tr")).count();
    assert!(rows > records.len(), "every experiment has a row");
}

#[test]
fn every_number_in_the_advice_table_is_a_recorded_figure() {
    let records = records();
    let known = figures(&records);
    let html = build(&records, &machine(), "saved", &[]).unwrap();
    let doc = parse(&html).unwrap();
    let table = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("advice"))
        .expect("advice table");
    let rows: Vec<_> = table
        .children()
        .filter(|n| n.has_tag_name("tr"))
        .skip(1)
        .collect();
    // Every rule finds its figures in a full run: a rule that names a
    // figure no experiment produces (a renamed metric or series) fails here.
    assert_eq!(
        xtask::report::underived(&records),
        Vec::<String>::new(),
        "charts or advice rows the recorded run cannot fill"
    );
    assert_eq!(rows.len(), xtask::report::advice::RULES.len());
    let mut numbers = 0;
    for row in rows {
        let link = row
            .descendants()
            .find(|n| n.has_tag_name("a"))
            .expect("a chart link");
        let target = link.attribute("href").unwrap().trim_start_matches('#');
        assert!(
            doc.descendants().any(|n| n.attribute("id") == Some(target)),
            "link to missing #{target}"
        );
        for d in row.descendants().filter(|n| n.has_tag_name("data")) {
            let v: f64 = d.attribute("value").unwrap().parse().unwrap();
            assert!(
                known.contains(&v.to_bits()),
                "{v} is not a figure of the records"
            );
            numbers += 1;
        }
        // Outside <data>, the situation, choice and evidence text carry no numbers
        // (names such as py311 are not numbers).
        let cells: Vec<_> = row
            .children()
            .filter(|n| n.has_tag_name("td"))
            .take(3)
            .collect();
        for cell in cells {
            let text: String = cell
                .descendants()
                .filter(|n| n.is_text() && !n.ancestors().any(|a| a.has_tag_name("data")))
                .filter_map(|n| n.text())
                .collect();
            let bare = text
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '.')
                .any(|token| token.starts_with(|c: char| c.is_ascii_digit()));
            assert!(!bare, "a bare number in {text:?}");
        }
    }
    assert!(numbers >= 12, "only {numbers} figures in the table");
}

#[test]
fn missing_records_leave_their_charts_and_rows_out() {
    let records: Vec<Record> = records()
        .into_iter()
        .filter(|r| r.demo != "threads-sync")
        .collect();
    let html = build(&records, &machine(), "saved", &[]).unwrap();
    assert!(!html.contains("id=\"chart-primitives\"") && !html.contains("id=\"chart-queues\""));
    assert!(!html.contains("A counter shared by threads"));
    assert!(html.contains("id=\"chart-cpu\""));
    let empty = build(&[], &machine(), "saved", &[]).unwrap();
    assert!(!empty.contains("<svg") && empty.contains("No row could be derived"));
}

/// The text of the advice row about `situation`, or `None` without one.
fn advice_row(records: &[Record], situation: &str) -> Option<String> {
    let html = build(records, &machine(), "saved", &[]).unwrap();
    let doc = parse(&html).unwrap();
    let table = doc
        .descendants()
        .find(|n| n.attribute("id") == Some("advice"))?;
    table
        .children()
        .filter(|n| n.has_tag_name("tr"))
        .map(|row| {
            row.descendants()
                .filter_map(|n| n.is_text().then(|| n.text()).flatten())
                .collect::<String>()
        })
        .find(|text| text.contains(situation))
}

#[test]
fn the_many_slow_waits_row_follows_the_lectures_picture_and_its_figures() {
    let records = records();
    let situation = "I/O-bound work with many slow waits (many connections), in CPython";
    let text = advice_row(&records, situation).expect("the async row");
    assert!(text.contains("async"), "{text}");
    // The rows read in the lecture's order: CPU-bound, few fast waits, many slow waits.
    let html = build(&records, &machine(), "saved", &[]).unwrap();
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("no row {s}"));
    assert!(at("CPU-bound work, in Python") < at("a few fast waits, in Python"));
    assert!(at("a few fast waits, in Python") < at(situation));
    // Where async did not win, the row says so.
    let mut slower = records.clone();
    for r in &mut slower {
        if r.experiment == "many-slow-connections" {
            r.metrics
                .insert("cpython_async_over_threads_rate".into(), 0.5.into());
            r.metrics
                .insert("cpython_threads_over_async_memory".into(), 1.0.into());
        }
    }
    let text = advice_row(&slower, situation).expect("the async row");
    assert!(text.contains("threads: async gained neither"), "{text}");
}

#[test]
fn the_pipes_advice_says_to_spin_only_when_its_figure_shows_it() {
    let situation = "Small messages between processes";
    let records = records();
    let with = advice_row(&records, situation).expect("the pipes row");
    assert!(with.contains("spin briefly"), "{with}");
    assert!(with.contains("framed, spinning receivers"), "{with}");
    let mut without = records.clone();
    for r in &mut without {
        r.metrics.remove("spin_framed_rtt_us");
    }
    let text = advice_row(&without, situation).expect("the pipes row");
    assert!(!text.contains("spin"), "{text}");
}

/// Timelines as the report lays them out, each drawn with a picture that
/// `gil-sim trace convoy --n 6 --svg` recorded.
fn timelines() -> Vec<xtask::report::timelines::Timeline> {
    let svg = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/timeline-convoy.svg"),
    )
    .unwrap();
    xtask::report::timelines::SPECS
        .iter()
        .map(|spec| xtask::report::timelines::Timeline {
            spec: *spec,
            svg: svg.clone(),
            json: format!("{}.json", spec.id),
            summary: "convoy · py311: 40 ms over 2 threads".into(),
        })
        .collect()
}

#[test]
fn the_page_embeds_each_timeline_with_its_legend_axis_and_trace_link() {
    let records = records();
    let timelines = timelines();
    let html = build(&records, &machine(), "saved", &timelines).unwrap();
    let doc = parse(&html).expect("the page with timelines is well-formed XML");
    let figures: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("figure") && n.attribute("class") == Some("timeline"))
        .collect();
    assert!(figures.len() >= 4, "{} timelines", figures.len());
    for (fig, spec) in figures.iter().zip(xtask::report::timelines::SPECS) {
        let svg = fig
            .descendants()
            .find(|n| n.has_tag_name("svg"))
            .expect("the picture is inline");
        let class = |c: &str| svg.descendants().any(|n| n.attribute("class") == Some(c));
        assert!(
            class("lane") && class("axis") && class("legend"),
            "{}",
            spec.id
        );
        let link = format!("{}.json", spec.id);
        assert!(
            fig.descendants()
                .any(|n| n.has_tag_name("a") && n.attribute("href") == Some(link.as_str())),
            "{} links its trace",
            spec.id
        );
    }
    // Without timelines there is no empty section.
    let without = build(&records, &machine(), "saved", &[]).unwrap();
    assert!(!without.contains("id=\"timelines\""));
}

/// The page as one PNG, whole: with Chromium installed, the picture is as
/// tall as the page says it is laid out (it was cut at 6000 px once, and
/// showed 5 of 37 experiments). Without Chromium there is nothing to check.
#[test]
fn the_png_covers_the_whole_page() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("index.html");
    std::fs::write(&page, build(&records(), &machine(), "saved", &[]).unwrap()).unwrap();
    let Some(r) = xtask::report::png::render(&page).unwrap() else {
        eprintln!("no Chromium installed: the PNG is not made, nothing to check");
        return;
    };
    let png = std::fs::read(&r.png).unwrap();
    let height = xtask::report::png::png_height(&png).expect("a PNG");
    // Every experiment's row is on the page: far taller than one screen.
    assert!(
        r.page_height > 6000,
        "the page measured {} px",
        r.page_height
    );
    // As tall as the page laid out at the picture's width: all of it, and
    // no blank strip under it.
    assert_eq!(
        height,
        r.page_height.min(32_000),
        "PNG height vs page height"
    );
}
