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
}
