//! Helpers the experiments share: the worker program, CPython side by side.

use std::time::Duration;

use serde_json::Value;

use crate::contract::Report;
use crate::contract::python::Python;
use crate::pool::StartMethod;

/// The start method, as a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Start {
    /// Re-execute this binary as `<bin> __worker <job>`.
    Spawn,
    /// Fork server (forked while single-threaded) forks the workers.
    Fork,
}

impl Start {
    /// The pool's start method.
    pub fn method(self) -> StartMethod {
        match self {
            Start::Spawn => StartMethod::Spawn(None),
            Start::Fork => StartMethod::Fork,
        }
    }
}

/// Runs `python/<script>` with `args` if a `python3` is found; says on the
/// report what happened, and returns its JSON lines (or `None`: skipped).
pub fn python_side(
    report: &mut Report,
    script: &str,
    args: &[String],
    limit: Duration,
) -> Option<Vec<Value>> {
    let Some(py) = Python::find(None) else {
        report.say("CPython: no python3 on PATH; its side is skipped");
        return None;
    };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("python")
        .join(script);
    match py.run_json(&path, args, limit) {
        Ok(v) => {
            report.say(format!("CPython {} ({script}):", py.version_string()));
            Some(v)
        }
        Err(e) => {
            report.say(format!(
                "CPython {}: {script} failed, skipped: {e:#}",
                py.version_string()
            ));
            None
        }
    }
}

/// A number from a JSON record (`NaN` when absent).
pub fn num(v: &Value, key: &str) -> f64 {
    v.get(key).and_then(Value::as_f64).unwrap_or(f64::NAN)
}
