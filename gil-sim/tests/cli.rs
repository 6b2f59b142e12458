//! The binary's contract on bad input: a clear message and exit code 2.

use std::process::Command;

fn gil_sim(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gil-sim"))
        .args(args)
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_unknown_policy_is_refused_with_exit_2() {
    let (code, _, err) = gil_sim(&["vm-speed", "--gil", "py4"]);
    assert_eq!(code, 2);
    assert!(err.contains("py4"), "{err}");
}

#[test]
fn an_unknown_program_is_refused_with_exit_2() {
    let (code, _, err) = gil_sim(&["dis", "fibonacci"]);
    assert_eq!(code, 2);
    assert!(err.contains("fibonacci"), "{err}");
    // The usage line names the argument that is missing or wrong.
    let (code, _, err) = gil_sim(&["dis"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("Usage: gil-sim dis [OPTIONS] <PROGRAM>"),
        "{err}"
    );
}

#[test]
fn malformed_intervals_are_refused_with_exit_2() {
    for bad in ["5", "abc", "5 parsecs", "0ms", "-1ms"] {
        let (code, _, err) = gil_sim(&["vm-speed", "--switch-interval", bad]);
        assert_eq!(code, 2, "{bad} was accepted");
        assert!(!err.is_empty());
    }
}

#[test]
fn dis_lists_a_program_with_its_switch_points() {
    let (code, out, _) = gil_sim(&["dis", "counter"]);
    assert_eq!(code, 0);
    assert!(out.contains("LOAD_GLOBAL") && out.contains("STORE_GLOBAL"));
    assert!(out.contains("py311"));
    // py2/py39 can switch after LOAD_GLOBAL (before the LOAD_CONST of
    // `counter += 1`) but not after a fast opcode such as LOAD_FAST.
    let line = |op: &str, arg: &str| {
        out.lines()
            .find(|l| l.contains(op) && l.ends_with(arg))
            .unwrap_or_else(|| panic!("no {op} {arg} in\n{out}"))
            .to_string()
    };
    assert!(line("LOAD_CONST", "1").starts_with("  *    *  "), "{out}");
    assert!(
        line("LOAD_GLOBAL", "(counter)").starts_with("     "),
        "{out}"
    );
}

/// A path in the temporary directory for this test, removed first.
fn temp(name: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("gil-sim-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&p);
    p
}

/// (pid, tid) pairs that carry complete events in a Chrome trace.
fn tracks_with_spans(path: &std::path::Path) -> std::collections::BTreeSet<(u64, u64)> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the trace was written"))
            .expect("the trace is JSON");
    v["traceEvents"]
        .as_array()
        .expect("traceEvents")
        .iter()
        .filter(|e| e["ph"] == "X")
        .map(|e| (e["pid"].as_u64().unwrap(), e["tid"].as_u64().unwrap()))
        .collect()
}

#[test]
fn an_experiment_with_trace_writes_spans_on_two_thread_tracks() {
    let path = temp("convoy.json");
    let (code, out, err) = gil_sim(&["convoy", "--quick", "--trace", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("trace:") || err.contains("trace:"),
        "{out}{err}"
    );
    let tracks = tracks_with_spans(&path);
    // Some run of the convoy has both its threads traced.
    let most = tracks
        .iter()
        .map(|(pid, _)| tracks.iter().filter(|(p, _)| p == pid).count())
        .max()
        .unwrap_or(0);
    assert!(most >= 2, "{tracks:?}");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn the_trace_command_writes_a_trace_and_a_timeline() {
    let (json, svg) = (temp("t.json"), temp("t.svg"));
    let (code, out, err) = gil_sim(&[
        "trace",
        "cpu-bound",
        "--gil",
        "py39",
        "--n",
        "50000",
        "--out",
        json.to_str().unwrap(),
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("most threads holding the GIL at once (from the trace): 1"),
        "{out}"
    );
    assert_eq!(tracks_with_spans(&json).len(), 2);
    let picture = std::fs::read_to_string(&svg).unwrap();
    assert!(picture.starts_with("<svg") && picture.contains("class=\"lane\""));
    std::fs::remove_file(&json).unwrap();
    std::fs::remove_file(&svg).unwrap();
}

#[test]
fn a_trace_file_that_cannot_be_written_is_a_clear_error() {
    let (code, _, err) = gil_sim(&[
        "trace",
        "race",
        "--n",
        "10",
        "--out",
        "/nonexistent/dir/t.json",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("/nonexistent/dir/t.json"), "{err}");
}

/// The one JSON record an experiment printed.
fn record(out: &str) -> serde_json::Value {
    serde_json::from_str(out.lines().next().expect("a record")).expect("a JSON record")
}

/// Asserts that the record has every metric in `keys`, each a number.
fn assert_metrics(r: &serde_json::Value, keys: &[&str]) {
    for key in keys {
        assert!(r["metrics"][key].is_f64(), "{key} in {r}");
    }
}

#[test]
fn gilectomy_measures_the_three_ways_of_counting() {
    let (code, out, err) = gil_sim(&["--json", "gilectomy", "--n", "20000", "--no-python"]);
    assert_eq!(code, 0, "{err}");
    let r = record(&out);
    assert_metrics(
        &r,
        &[
            "atomic_single_thread_cost",
            "biased_single_thread_cost",
            "atomic_shared_speedup",
            "biased_own_speedup",
            "separate_vms_speedup",
        ],
    );
    assert!(err.contains("CPython: skipped (--no-python)"), "{err}");
}

/// Whether `python3` runs here (the CPython halves need one).
fn have_python3() -> bool {
    let found = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("no python3 on PATH: skipped");
    }
    found
}

/// A small quick `gilectomy --json` run with `extra` flags.
fn quick_gilectomy(extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["--json", "--quick", "gilectomy", "--n", "20000"];
    args.extend_from_slice(extra);
    gil_sim(&args)
}

#[test]
fn gilectomy_times_the_cpython_builds_it_is_given() {
    if !have_python3() {
        return;
    }
    // python3 stands in for both GIL builds: the table and the figure
    // appear, and its "atomic" build costs what one build costs against itself.
    let (code, out, err) =
        quick_gilectomy(&["--python-gil", "python3", "--python-atomic", "python3"]);
    assert_eq!(code, 0, "{err}");
    let r = record(&out);
    assert_metrics(&r, &["cpython_atomic_single_thread_cost"]);
    assert!(
        r["metrics"].get("cpython_ft_single_thread_cost").is_none(),
        "{r}"
    );
    for row in ["load_store", "calls", "attributes"] {
        assert!(err.contains(row), "{row} in {err}");
    }
}

#[test]
fn gilectomy_refuses_a_gil_build_given_as_the_free_threaded_one() {
    if !have_python3() {
        return;
    }
    let (code, _, err) = quick_gilectomy(&["--python-ft", "python3", "--python-gil", "python3"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("CPython: not measured") && err.contains("expected a free-threaded one"),
        "{err}"
    );
    let (_, _, err) = quick_gilectomy(&["--python-ft", "/no/python"]);
    assert!(
        err.contains("CPython: skipped: /no/python does not run"),
        "{err}"
    );
}

#[test]
fn list_names_the_new_experiments() {
    let (code, out, _) = gil_sim(&["list"]);
    assert_eq!(code, 0);
    for name in ["gilectomy", "gui-responsiveness", "cpu-bound", "convoy"] {
        assert!(out.contains(name), "{name} in {out}");
    }
}

#[test]
fn help_starts_with_the_claim_and_errors_say_what_is_valid() {
    let (code, out, _) = gil_sim(&["cpu-bound", "--help"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("threads do not speed up CPU-bound bytecode"),
        "{out}"
    );

    let (code, _, err) = gil_sim(&["cpu-bund"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("'cpu-bound'") && err.contains("gil-sim list"),
        "{err}"
    );

    let (code, _, err) = gil_sim(&["cpu-bound", "--threads", "-1"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("at least 1") && !err.contains("unexpected argument"),
        "{err}"
    );

    let (code, _, err) = gil_sim(&["convoy", "--switch-interval", "banana"]);
    assert_eq!(code, 2);
    assert!(err.contains("such as 5ms"), "{err}");
}

#[test]
fn list_names_the_tools_too() {
    let (_, out, _) = gil_sim(&["list"]);
    assert!(
        out.contains("tools:") && out.contains("dis") && out.contains("trace"),
        "{out}"
    );
}
