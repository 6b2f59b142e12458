//! The CPython side of an experiment: runs its script from `python/` and reads the JSON records it prints.

use std::time::Duration;

use serde_json::Value;

use crate::contract::Report;
use crate::contract::python::Python;

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
