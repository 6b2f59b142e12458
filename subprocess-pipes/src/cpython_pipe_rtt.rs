//! CPython's `multiprocessing.Pipe` round trip, measured by `python/mp_pipe.py` for the `latency` side-by-side.

use std::time::Duration;

use crate::contract::python::Python;

/// CPython's `multiprocessing.Pipe` round trip (seconds), or `None` without
/// Python; with a non-zero `spin`, both ends busy-poll that long before
/// each blocking `recv`, as the Rust side's spinning receivers do.
pub(crate) fn python_rtt(
    explicit: Option<&std::path::Path>,
    n: u64,
    repeats: usize,
    cpus: Option<(usize, usize)>,
    spin: Duration,
    lines: &mut Vec<String>,
) -> anyhow::Result<Option<f64>> {
    let Some(py) = Python::find(explicit) else {
        lines.push("CPython: no python3 found; side-by-side skipped".to_string());
        return Ok(None);
    };
    let script = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/python/mp_pipe.py"));
    let mut args = [
        "--mode",
        "rtt",
        "--round-trips",
        &n.to_string(),
        "--repeats",
        &repeats.to_string(),
    ]
    .map(String::from)
    .to_vec();
    if !spin.is_zero() {
        args.extend(["--spin-us".to_string(), spin.as_micros().to_string()]);
    }
    if let Some((parent, child)) = cpus {
        // The same placement as the Rust pair: parent on one CPU, child on the other.
        args.extend(["--cpus".to_string(), format!("{parent},{child}")]);
    }
    let out = match py.run_json(script, &args, Duration::from_secs(120)) {
        Ok(out) => out,
        Err(e) => {
            lines.push(format!(
                "CPython {}: mp_pipe.py failed ({e:#}); skipped",
                py.version_string()
            ));
            return Ok(None);
        }
    };
    let method = out
        .iter()
        .find_map(|v| v.get("start_method")?.as_str().map(String::from));
    let rtt = out
        .iter()
        .find(|v| v.get("kind").and_then(|k| k.as_str()) == Some("rtt"))
        .and_then(|v| v.get("median_s")?.as_f64());
    let about = format!(
        "CPython {}: multiprocessing.Pipe() (a socketpair), start method {}",
        py.version_string(),
        method.as_deref().unwrap_or("?")
    );
    if rtt.is_some() && !lines.contains(&about) {
        lines.push(about); // once per report, however many setups
    }
    Ok(rtt)
}
