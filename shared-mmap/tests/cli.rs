//! The binary end to end, small sizes: valid schema-1 records with computed
//! verdicts, exit 2 on bad arguments, and nothing left in its temp directory.

use std::process::Command;

use shared_mmap::contract::Record;

fn run(tmp: &tempfile::TempDir, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_shared-mmap"))
        .args(args)
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap()
}

#[test]
fn experiments_emit_records_and_leave_the_temp_dir_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [&[&str]; 4] = [
        &[
            "--json",
            "--repeats",
            "1",
            "share-vs-copy",
            "--sizes",
            "64K,512K",
        ],
        &[
            "--json",
            "--repeats",
            "1",
            "scan-bandwidth",
            "--size",
            "256K",
            "--passes",
            "1",
        ],
        &["--json", "sigbus"],
        &["--json", "private-trap"],
    ];
    for args in cases {
        let out = run(&tmp, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), 1, "{args:?}: {stdout}");
        let rec = Record::parse_line(lines[0]).unwrap();
        assert_eq!(rec.demo, "shared-mmap");
        assert_eq!(
            std::fs::read_dir(tmp.path()).unwrap().count(),
            0,
            "{args:?} left a file behind"
        );
    }
}

#[test]
fn the_fork_experiments_run_in_the_single_threaded_binary() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run(&tmp, &["--json", "shared-counter", "--window", "2ms"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rec = Record::parse_line(String::from_utf8(out.stdout).unwrap().trim()).unwrap();
    // In 2 ms the processes may not overlap: only exactness is asserted.
    assert_eq!(rec.metrics["atomic_exact"].as_f64(), Some(1.0));
}

#[test]
fn bad_arguments_exit_2_and_workers_are_not_listed() {
    let tmp = tempfile::tempdir().unwrap();
    for bad in [
        &["share-vs-copy", "--sizes", "12"][..],
        &["scan-bandwidth", "--size", "5T"],
        &["shared-counter", "--procs", "1"],
        &["shared-counter", "--window", "0ms"],
    ] {
        assert_eq!(run(&tmp, bad).status.code(), Some(2), "{bad:?}");
    }
    let list = String::from_utf8(run(&tmp, &["list"]).stdout).unwrap();
    assert!(list.contains("share-vs-copy") && !list.contains("__worker"));
    // A worker started with garbage refuses it with exit 1, not a panic.
    assert_eq!(
        run(&tmp, &["__worker", "reduce", "mmap", "x"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn the_sigbus_worker_truncates_only_a_file_made_for_it() {
    let tmp = tempfile::tempdir().unwrap();
    let victim = tmp.path().join("precious.txt");
    std::fs::write(&victim, vec![b'x'; 8192]).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_shared-mmap"))
        .args(["__worker", "sigbus-file"])
        .arg(&victim)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success(), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("left alone"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(&victim).unwrap().len(),
        8192,
        "the file was truncated"
    );
}

#[test]
fn a_worker_slice_too_big_for_the_memory_limit_is_an_error_not_an_abort() {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 400000 && exec '{}' __worker reduce pipe 0 0 8589934592 < /dev/null",
            env!("CARGO_BIN_EXE_shared-mmap")
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot allocate"), "{stderr}");
}

#[test]
fn a_worker_that_dies_before_replying_is_named_with_how_it_ended() {
    use shared_mmap::worker_set::{WorkerExe, WorkerSet};
    let exe = WorkerExe::at(env!("CARGO_BIN_EXE_shared-mmap"));
    // An unknown mode: the worker hook exits with status 2
    // (`subprocess_pipes::worker::UNKNOWN_ROLE`) before sending Ready.
    let mut set = WorkerSet::spawn(&exe, &[vec!["no-such-mode".into()]]).unwrap();
    let err = set
        .collect("Ready", std::time::Duration::from_secs(10), |_| Some(()))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("worker 0 exited with status 2 before sending Ready"),
        "{err}"
    );
    // And a worker index that does not exist is an error, not a panic.
    assert!(set.kill(5).is_err());
}
