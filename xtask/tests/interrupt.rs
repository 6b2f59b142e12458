//! Ctrl-C of a run ends the demo at once: a SIGINT to xtask reaches the
//! demo's process group (the demo and what it started in that group), which
//! is killed after a short grace period; xtask says so and exits 130.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Whether a process with this pid still runs: it exists and is not a
/// zombie (a killed orphan waits for init to reap it, which takes its time).
fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the command name, which is in parentheses.
        Ok(stat) => stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| !rest.trim_start().starts_with(['Z', 'X'])),
        Err(_) => false,
    }
}

#[test]
fn sigint_ends_the_run_and_leaves_no_process_within_a_second() {
    let dir = std::env::temp_dir().join(format!("xtask-int-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pids = dir.join("pids");
    // The "demo": two children in the demo's group, then it waits (a shell
    // ignores SIGINT while it waits, so the grace period's kill ends it).
    let script = format!(
        "sleep 61 & echo $! > {p}.tmp; sleep 62 & echo $! >> {p}.tmp; mv {p}.tmp {p}; wait",
        p = pids.display()
    );
    let mut xtask = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["__run-as-demo", "sh-demo", "sh", "-c", &script])
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
