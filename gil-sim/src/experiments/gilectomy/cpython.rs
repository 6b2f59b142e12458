//! The CPython half of `gilectomy`: loops whose work is mostly reference
//! counting (`python/refcount.py`), timed on one thread in builds of one
//! CPython version that count differently:
//!
//! - the GIL build (plain counts), what the others are measured against;
//! - the free-threaded build (`python3.13t`: biased counts, PEP 703, and
//!   whatever else that build changes, such as its specialising interpreter
//!   being off in 3.13);
//! - a GIL build with every count atomic (the gilectomy's way), built with
//!   `python/build_atomic_cpython.sh`; only when given.

use std::path::Path;

use crate::contract::python::Python;
use crate::python_scripts::{bounded, one};

/// The loops `refcount.py` times; `load_store` is the simulator's workload.
pub(super) const LOOPS: [&str; 3] = ["load_store", "calls", "attributes"];

/// The builds to time: the GIL build and at least one other.
#[derive(Debug)]
pub(super) struct Builds {
    gil: Python,
    free_threaded: Option<Python>,
    atomic: Option<Python>,
}

/// One loop's figures: the GIL build's best time, and each other build's
/// cost against it (`0.25` = 25% slower).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Row {
    pub name: &'static str,
    pub gil_s: f64,
    pub free_threaded: Option<f64>,
    pub atomic: Option<f64>,
}

impl Builds {
    /// The builds to compare: `ft` (else `python3.13t` or `python3.14t` on
    /// `PATH`), `atomic` when given, and `gil` (else `python3.X` of their
    /// version on `PATH`). `Err` says why the CPython half is skipped.
    pub(super) fn find(
        ft: Option<&Path>,
        gil: Option<&Path>,
        atomic: Option<&Path>,
    ) -> Result<Builds, String> {
        let probe = |p: &Path| {
            Python::find(Some(p)).ok_or_else(|| format!("{} does not run", p.display()))
        };
        let free_threaded = match ft {
            Some(p) => Some(probe(p)?),
            None => ["python3.13t", "python3.14t"]
                .iter()
                .find_map(|n| Python::find(Some(Path::new(n)))),
        };
        let atomic = atomic.map(probe).transpose()?;
        let Some(version) = free_threaded.as_ref().or(atomic.as_ref()).map(|p| p.version) else {
            return Err(
                "no free-threaded CPython (python3.13t or python3.14t) on PATH, and no --python-atomic"
                    .into(),
            );
        };
        let gil = match gil {
            Some(p) => probe(p)?,
            None => {
                let name = format!("python{}.{}", version.0, version.1);
                Python::find(Some(Path::new(&name)))
                    .ok_or_else(|| format!("no GIL build {name} on PATH (give --python-gil)"))?
            }
        };
        for other in free_threaded.iter().chain(&atomic) {
            if (other.version.0, other.version.1) != (gil.version.0, gil.version.1) {
                return Err(format!(
                    "{} is CPython {}, the GIL build {} is {}: compare builds of one version",
                    other.path.display(),
                    other.version_string(),
                    gil.path.display(),
                    gil.version_string()
                ));
            }
        }
        Ok(Builds {
            gil,
            free_threaded,
            atomic,
        })
    }

    /// `3.13.5`.
    pub(super) fn version(&self) -> String {
        self.gil.version_string()
    }

    /// Times every loop `n` iterations long in each build, twice in turn
    /// (a slow phase of the machine hits every build alike), keeping each
    /// build's best; checks that each build has (or lacks) its GIL.
    pub(super) fn measure(&self, n: u64) -> anyhow::Result<Vec<Row>> {
        let builds = [
            Some((&self.gil, true)),
            self.free_threaded.as_ref().map(|p| (p, false)),
            self.atomic.as_ref().map(|p| (p, true)),
        ];
        let mut best = [[f64::INFINITY; LOOPS.len()]; 3];
        for _round in 0..2 {
            for (b, build) in builds.iter().enumerate() {
                let Some((py, gil_expected)) = build else {
                    continue;
                };
                for (l, s) in best[b].iter_mut().zip(times(py, *gil_expected, n)?) {
                    *l = l.min(s);
                }
            }
        }
        let cost = |b: usize, l: usize| builds[b].map(|_| best[b][l] / best[0][l] - 1.0);
        Ok(LOOPS
            .iter()
            .enumerate()
            .map(|(l, &name)| Row {
                name,
                gil_s: best[0][l],
                free_threaded: cost(1, l),
                atomic: cost(2, l),
            })
            .collect())
    }
}

/// One run of `refcount.py`: each loop's best seconds, in [`LOOPS`] order.
fn times(py: &Python, gil_expected: bool, n: u64) -> anyhow::Result<Vec<f64>> {
    let v = one(py, "refcount.py", &[n.to_string()])?;
    let gil = v.get("gil_enabled").and_then(serde_json::Value::as_bool);
    anyhow::ensure!(
        gil == Some(gil_expected),
        "{} runs {} its GIL, expected {}",
        py.path.display(),
        if gil == Some(true) { "with" } else { "without" },
        if gil_expected { "a GIL build" } else { "a free-threaded one" }
    );
    LOOPS
        .iter()
        .map(|&name| {
            let s = v
                .pointer(&format!("/seconds/{name}"))
                .and_then(serde_json::Value::as_f64)
                .ok_or_else(|| anyhow::anyhow!("no seconds for {name:?} in {v}"))?;
            bounded(s, name, 1e-9, 3600.0)
        })
        .collect()
}

/// The table of `rows`, one line per loop.
pub(super) fn table(rows: &[Row]) -> Vec<String> {
    let pct = |c: Option<f64>| c.map_or_else(|| "-".to_string(), |c| format!("{:+.0}%", c * 100.0));
    let mut lines = vec![format!(
        "  {:<12} {:>12} {:>14} {:>14}",
        "loop", "GIL build", "free-threaded", "atomic counts"
    )];
    lines.extend(rows.iter().map(|r| {
        format!(
            "  {:<12} {:>9.1} ms {:>14} {:>14}",
            r.name,
            r.gil_s * 1e3,
            pct(r.free_threaded),
            pct(r.atomic)
        )
    }));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_interpreter_says_which() {
        let e = Builds::find(Some(Path::new("/no/such/python3.13t")), None, None).unwrap_err();
        assert!(e.contains("/no/such/python3.13t does not run"), "{e}");
        let e = Builds::find(None, None, Some(Path::new("/no/such/atomic"))).unwrap_err();
        assert!(e.contains("/no/such/atomic"), "{e}");
    }

    #[test]
    fn the_table_shows_costs_and_dashes_for_builds_not_given() {
        let rows = [Row {
            name: "calls",
            gil_s: 0.07,
            free_threaded: Some(0.334),
            atomic: None,
        }];
        let t = table(&rows);
        assert_eq!(t.len(), 2);
        assert!(t[1].contains("70.0 ms"), "{}", t[1]);
        assert!(t[1].contains("+33%"), "{}", t[1]);
        assert!(t[1].trim_end().ends_with('-'), "{}", t[1]);
    }
}
