//! Out of threads (`ulimit -u`): every experiment that cannot start its
//! threads ends with a one-line error and the demo exits 1 - no panic
//! backtrace (exit 101), no hang.
//!
//! `RLIMIT_NPROC` does not bind root, so the demo runs as `nobody` through
//! `setpriv` when the tests run as root; elsewhere the limit binds the user
//! running the tests. Skipped (with a message) where neither works.

use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn running_out_of_threads_is_a_one_line_error_per_experiment() {
    let exe = env!("CARGO_BIN_EXE_threads-sync");
    // The effective uid, from /proc (this crate does not depend on libc).
    let root = std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|v| v.split_whitespace().nth(1))
            == Some("0")
    });
    let script = format!("ulimit -u 6 && exec '{exe}' --quick");
    let mut cmd = if root {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "bash",
            "-c",
            &script,
        ]);
        c
    } else {
        let mut c = Command::new("bash");
        c.args(["-c", &script]);
        c
    };
    let t = Instant::now();
    let Ok(out) = cmd.output() else {
        eprintln!("skipped: cannot run setpriv/bash here");
        return;
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("Permission denied") || stderr.contains("setpriv:") {
        eprintln!("skipped: the demo cannot run as nobody here: {stderr}");
        return;
    }
    assert!(
        t.elapsed() < Duration::from_secs(120),
        "took {:?}",
        t.elapsed()
    );
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("stack backtrace"), "{stderr}");
    assert!(!stderr.contains("thread 'main' panicked"), "{stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains(": error: ")).collect();
    assert!(
        !errors.is_empty(),
        "no experiment ran out of threads: {stderr}"
    );
    for e in errors {
        assert!(e.starts_with("threads-sync "), "{e}");
        assert!(e.contains("thread"), "an error that does not say why: {e}");
        // A thread that cannot start is an error the experiment reports,
        // not a panic caught on its way out (which names std's source).
        assert!(!e.contains("panicked"), "{e}");
    }
}
