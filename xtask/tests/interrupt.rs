//! Ctrl-C of a run ends the demo and everything it started, at once: a
//! SIGINT to xtask reaches the demo's process group, and whatever the demo
//! started in groups of its own is killed and reaped too.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Whether a process with this pid still exists (zombies included).
fn alive(pid: i32) -> bool {
    // SAFETY: kill with signal 0 only checks that the pid exists.
    unsafe { libc::kill(pid, 0) == 0 }
}

#[test]
fn sigint_ends_the_run_and_leaves_no_process_within_a_second() {
    let dir = std::env::temp_dir().join(format!("xtask-int-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pids = dir.join("pids");
    // The "demo": a child in its own session (as a CPython script is put in
    // its own process group) and one in the demo's group, then it waits.
    let script = format!(
        "setsid sleep 61 & echo $! > {p}.tmp; sleep 62 & echo $! >> {p}.tmp; mv {p}.tmp {p}; wait",
        p = pids.display()
    );
    let mut xtask = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["__run-as-demo", "sh", "-c", &script])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !pids.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the demo never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let started: Vec<i32> = std::fs::read_to_string(&pids)
        .unwrap()
        .split_whitespace()
        .map(|p| p.parse().unwrap())
        .collect();
    assert_eq!(started.len(), 2);
    assert!(started.iter().all(|&p| alive(p)));

    // SAFETY: signals the xtask child we spawned and have not reaped.
    unsafe { libc::kill(xtask.id() as i32, libc::SIGINT) };
    let sent = Instant::now();
    let status = loop {
        if let Some(s) = xtask.try_wait().unwrap() {
            break s;
        }
        assert!(
            sent.elapsed() < Duration::from_secs(5),
            "xtask did not stop"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    let took = sent.elapsed();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut xtask.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted"), "{err}");
    assert!(took < Duration::from_secs(1), "took {took:?}");
    for p in started {
        assert!(!alive(p), "process {p} outlived the run");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
