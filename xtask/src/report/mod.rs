//! `cargo xtask report`: the lecture's "when to use what", rebuilt from
//! measurements on this machine, as one self-contained HTML page with SVG
//! charts ([`chart`]), a table of advice derived from the figures
//! ([`advice`]), and the raw records beside it.

pub mod advice;
pub mod catalog;
pub mod chart;
pub mod html;
pub mod machine;
pub mod page;
pub mod png;
pub mod timelines;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::contract::record::Record;
use crate::run_all::{self, run_demos};
use machine::MachineInfo;

/// `report`'s options.
#[derive(Debug, Clone)]
pub struct Options {
    /// Small sizes.
    pub quick: bool,
    /// Where the page goes (`target/report` by default).
    pub out: PathBuf,
    /// Re-render from a saved `records.jsonl` instead of running the demos.
    pub from: Option<PathBuf>,
    /// Per-demo time limit.
    pub timeout: Duration,
    /// Rounds of every demo (see `run-all --repeat`).
    pub repeat: usize,
    /// Fail when a chart or an advice row cannot be derived from the
    /// records (a figure that no experiment produces any more).
    pub strict: bool,
}

/// Runs the demos (or reads saved records), writes `records.jsonl`,
/// `index.html` and, where Chromium is installed, `index.png`. Returns
/// `false` when a demo failed (the page is still written from what ran).
pub fn run(opts: &Options) -> anyhow::Result<bool> {
    std::fs::create_dir_all(&opts.out)?;
    let (records, ok) = match &opts.from {
        Some(path) => (read_records(path)?, true),
        None => {
            let mut records = Vec::new();
            let run_opts = run_all::Options {
                quick: opts.quick,
                json: false,
                timeout: opts.timeout,
                repeat: opts.repeat,
            };
            let rounds = run_demos(&run_opts, |rec| records.push(rec.clone()))?;
            if crate::interrupt::interrupted() {
                return Ok(false);
            }
            println!("\n{}", run_all::summary(&rounds, opts.repeat));
            let ok = run_all::report_failures(rounds.iter().flatten(), &run_opts);
            (records, ok)
        }
    };
    let mut jsonl = std::fs::File::create(opts.out.join("records.jsonl"))?;
    for r in &records {
        writeln!(jsonl, "{}", serde_json::to_string(r)?)?;
    }
    let mode = if opts.from.is_some() {
        "saved"
    } else if opts.quick {
        "quick"
    } else {
        "full"
    };
    // The timelines are recorded afresh (a saved records file has none).
    let (timelines, ok) = match record_timelines(&opts.out, opts.quick) {
        Ok(t) => (t, ok),
        Err(e) => {
            eprintln!("report: the GIL timelines were not recorded: {e:#}");
            (Vec::new(), false)
        }
    };
    let missing = underived(&records);
    let ok = if missing.is_empty() {
        ok
    } else {
        eprintln!(
            "report: not derived from these records (a figure no experiment produced): {}",
            missing.join(", ")
        );
        ok && !opts.strict
    };
    let html = build(&records, &MachineInfo::current(), mode, &timelines)?;
    let page = opts.out.join("index.html");
    std::fs::write(&page, html)?;
    eprintln!("report: {} ({} records)", page.display(), records.len());
    if let Some(r) = png::render(&page)? {
        eprintln!(
            "report: rendered {} (the whole page, {} px high)",
            r.png.display(),
            r.page_height
        );
    }
    Ok(ok)
}

/// The page for `records`: charts, advice, every experiment. Where an
/// experiment ran more than once (`--repeat`), the page draws from its run
/// with the median key figure and shows every run's verdict count beside it.
pub fn build(
    records: &[Record],
    machine: &MachineInfo,
    mode: &str,
    timelines: &[timelines::Timeline],
) -> anyhow::Result<String> {
    let tallies = crate::repeat::tally(records);
    let chosen: Vec<Record> = tallies
        .iter()
        .map(|t| {
            let runs = records
                .iter()
                .filter(|r| r.demo == t.demo && r.experiment == t.experiment);
            runs.clone()
                .nth(t.median_index())
                .or_else(|| runs.clone().next())
                .cloned()
                .expect("every tally comes from a record")
        })
        .collect();
    let records = &chosen[..];
    let charts = catalog::charts(records);
    let mut drawn = Vec::with_capacity(charts.len());
    for c in charts {
        let svg = c.to_svg()?;
        drawn.push((c, svg));
    }
    let advice = advice::derive(records);
    Ok(page::render(
        machine, mode, &advice, &drawn, timelines, records, &tallies,
    ))
}

/// The charts and advice rows that `records` cannot fill, by name
/// (`chart convoy`, `advice responsiveness`).
pub fn underived(records: &[Record]) -> Vec<String> {
    let charts = catalog::rules()
        .filter(|(_, b)| b(records).is_none())
        .map(|(name, _)| format!("chart {name}"));
    let rows = advice::RULES
        .iter()
        .filter(|(_, r)| r(records).is_none())
        .map(|(name, _)| format!("advice {name}"));
    charts.chain(rows).collect()
}

/// Builds gil-sim (cargo does nothing when it is fresh) and records the
/// timelines into `out`.
fn record_timelines(out: &Path, quick: bool) -> anyhow::Result<Vec<timelines::Timeline>> {
    let bins = crate::workspace::build_release(&["gil-sim"])?;
    let t = timelines::record(&bins["gil-sim"], out, quick)?;
    eprintln!("report: {} GIL timelines recorded", t.len());
    Ok(t)
}

/// Reads a `records.jsonl` file, validating every line. The summary lines
/// of `run-all --json --repeat N` (see [`crate::repeat::Summary`]) are
/// skipped, so its whole output can be saved and re-rendered.
pub fn read_records(path: &Path) -> anyhow::Result<Vec<Record>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !crate::repeat::is_summary_line(l))
        .map(|(i, l)| {
            Record::parse_line(l).map_err(|e| anyhow::anyhow!("{}:{}: {e}", path.display(), i + 1))
        })
        .collect()
}
