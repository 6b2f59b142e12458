//! Ctrl-C while a CPython child runs: the demo kills it (it leads a process
//! group of its own, out of the terminal's reach) and exits 130, and no
//! process of the run is left.

use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use subprocess_pipes::child::running_with_env;

/// Whether `pid` leads a process group (field 5 of `/proc/<pid>/stat`):
/// a child the terminal's Ctrl-C does not reach.
fn leads_group(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        let fields: Vec<&str> = s
            .rsplit_once(')')
            .map_or("", |(_, r)| r)
            .split_whitespace()
            .collect();
        fields.get(2) == Some(&pid.to_string().as_str())
    })
}

#[test]
fn sigint_mid_run_ends_the_cpython_child_too() {
    if Command::new("python3").arg("-V").output().is_err() {
        eprintln!("no python3: nothing to interrupt");
        return;
    }
    let mark = format!("gil-sim-{}", std::process::id());
    let mut demo = Command::new(env!("CARGO_BIN_EXE_gil-sim"))
        .args(["compare-cpython"])
        .env("CONCURRENCY_LAB_RUN", &mark)
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let demo_pid = demo.id();
    let run = || running_with_env("CONCURRENCY_LAB_RUN", &mark).unwrap();
    let until = Instant::now() + Duration::from_secs(60);
    let child_leads = || run().into_iter().any(|p| p != demo_pid && leads_group(p));
    while !child_leads() {
        assert!(Instant::now() < until, "no CPython child started");
        std::thread::sleep(Duration::from_millis(10));
    }
    killpg(Pid::from_raw(demo.id() as i32), Signal::SIGINT).unwrap();
    let sent = Instant::now();
    let status = loop {
        if let Some(s) = demo.try_wait().unwrap() {
            break s;
        }
        assert!(sent.elapsed() < Duration::from_secs(5), "still running");
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut demo.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(err.contains("SIGINT: interrupted; killed"), "{err}");
    while !run().is_empty() {
        assert!(
            sent.elapsed() < Duration::from_secs(1),
            "{:?} outlived the demo",
            run()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}
