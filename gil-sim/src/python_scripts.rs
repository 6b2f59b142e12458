//! Running gil-sim's `python/` scripts: where they are, the last JSON line
//! a script prints, and its numbers, each checked to lie in a stated range.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use crate::contract::python::Python;

/// Longest a script may run.
pub(crate) const SCRIPT_TIME_LIMIT: Duration = Duration::from_secs(60);

/// The path of one of gil-sim's `python/` scripts.
pub fn script(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/python")).join(name)
}

/// The number `key` of a script's JSON line.
pub(crate) fn num(v: &Value, key: &str) -> anyhow::Result<f64> {
    v.get(key)
        .and_then(Value::as_f64)
        .ok_or_else(|| anyhow::anyhow!("no number {key:?} in {v}"))
}

/// Runs one of gil-sim's `python/` scripts and returns the last JSON line it printed.
pub(crate) fn one(py: &Python, name: &str, args: &[String]) -> anyhow::Result<Value> {
    py.run_json(&script(name), args, SCRIPT_TIME_LIMIT)?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("{name} printed nothing"))
}

/// A number from Python, checked to be finite and in `lo..=hi` (a broken
/// or hostile script must give a clear error, not an overflow).
pub(crate) fn bounded(x: f64, what: &str, lo: f64, hi: f64) -> anyhow::Result<f64> {
    anyhow::ensure!(
        x.is_finite() && (lo..=hi).contains(&x),
        "Python reported {what} = {x}, outside {lo}..={hi}"
    );
    Ok(x)
}

#[cfg(test)]
mod tests {
    use super::bounded;

    #[test]
    fn numbers_from_python_outside_their_range_are_clear_errors() {
        assert_eq!(bounded(2.5, "ratio", 1e-3, 1e3).unwrap(), 2.5);
        for bad in [f64::NAN, f64::INFINITY, -1.0, 0.0, 1e300] {
            let e = bounded(bad, "iters_per_s", 1e3, 1e11).unwrap_err();
            assert!(e.to_string().contains("iters_per_s"), "{e}");
        }
    }
}
