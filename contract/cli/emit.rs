//! What a demo prints: one experiment's outcome (human text, and the JSON
//! record under `--json`), or its error.

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use serde_json::{Map, Value};

use super::super::experiment::{Ctx, Entry};
use super::super::record::Report;

pub(super) fn fail(demo: &str, what: &str, err: &anyhow::Error) -> ExitCode {
    eprintln!("{demo} {what}: error: {err:#}");
    ExitCode::FAILURE
}

/// Prints one experiment's outcome: human text (stdout, or stderr under
/// `--json`) and, under `--json`, the record as one line on stdout.
pub(super) fn emit(
    demo: &str,
    e: &Entry,
    report: Report,
    flags: Map<String, Value>,
    ctx: &Ctx,
    started: Instant,
) {
    let mut text = format!("== {demo} {}: {}\n", e.name, e.claim);
    for line in &report.lines {
        text.push_str(&format!("  {line}\n"));
    }
    for (name, value, unit) in &report.metrics {
        let (shown, unit) = super::super::show::metric(*value, unit);
        let line = format!("  {name:<32} {shown:>14} {unit}");
        text.push_str(line.trim_end());
        text.push('\n');
    }
    // `holds` -> `HOLDS`, `does-not-hold` -> `DOES NOT HOLD`.
    let verdict = report.verdict.as_str().to_uppercase().replace('-', " ");
    text.push_str(&format!(
        "  verdict: {verdict}: {} ({:.1}s)\n\n",
        report.detail,
        started.elapsed().as_secs_f64()
    ));
    let record = report.into_record(demo, e.name, e.claim, flags);
    if ctx.json {
        eprint!("{text}");
        let line = serde_json::to_string(&record).expect("a record always serializes");
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    } else {
        print!("{text}");
    }
}
