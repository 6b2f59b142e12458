//! `cargo xtask`'s own command line: bad arguments exit 2 with a message
//! that names the problem, before anything is built or run.

use std::process::Command;

fn xtask(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn bad_arguments_exit_2_with_a_message() {
    let cases: [(&[&str], &str); 7] = [
        (&["run-all", "--timeout", "1e300"], "too long"),
        (&["run-all", "--timeout", "abc"], "not a number"),
        (&["run-all", "--timeout", "-1"], "> 0"),
        (&["run-all", "--bogus"], "unknown flag"),
        (&["run-all", "--repeat", "0"], "between 1 and"),
        (&["report", "--repeat", "many"], "whole number"),
        (&["run", "nosuch"], "unknown demo"),
    ];
    for (args, says) in cases {
        let (code, stderr) = xtask(args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(says),
            "{args:?} should say {says:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn an_unknown_task_exits_2_and_help_exits_0() {
    assert_eq!(xtask(&["nosuch"]).0, Some(2));
    assert_eq!(xtask(&["help"]).0, Some(0));
}
