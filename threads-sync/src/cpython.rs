//! The CPython side by side of the experiments: where this crate's
//! `python/` scripts are, and the interpreter that runs them, or why there
//! is none.

/// The path of one of this crate's `python/` scripts.
pub fn python_script(name: &str) -> std::path::PathBuf {
    std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/python")).join(name)
}

/// The machine's `python3` for a CPython side by side, or `None` with the
/// reason said in `report` (`--no-python`, or no interpreter on `PATH`).
pub fn python_or_skip(
    no_python: bool,
    report: &mut crate::contract::Report,
) -> Option<crate::contract::python::Python> {
    if no_python {
        report.say("CPython: skipped (--no-python)");
        return None;
    }
    let py = crate::contract::python::Python::find(None);
    if py.is_none() {
        report.say("CPython: no python3 on PATH; side by side skipped");
    }
    py
}
