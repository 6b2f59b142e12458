//! Ctrl-C (SIGINT) to the demo binary while it waits on a child: the child, in a process group of its own, is killed too, not orphaned.

mod common;

use std::time::Instant;

use common::{EXE, ms, proc_state};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use subprocess_pipes::popen::Popen;

/// How long the demo may take to start its `sleep 30` child.
const START_PATIENCE_MS: u64 = 20_000;

/// The pid of a child of `parent` whose command name is `comm`.
fn child_named(parent: u32, comm: &str) -> Option<u32> {
    std::fs::read_dir("/proc").ok()?.find_map(|e| {
        let pid: u32 = e.ok()?.file_name().to_str()?.parse().ok()?;
        let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
        let (state, ppid) = proc_state(pid)?;
        (ppid == parent && state != 'Z' && name.trim_end() == comm).then_some(pid)
    })
}

#[test]
fn sigint_to_the_demo_kills_its_children() {
    // `run` ends with `sleep 30` under a timeout; make the timeout long, so
    // that the SIGINT arrives while the demo waits on it.
    let mut cmd = std::process::Command::new(EXE);
    cmd.args(["run", "--timeout", "30s"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let mut demo = Popen::spawn(cmd).unwrap();
    let until = Instant::now() + ms(START_PATIENCE_MS);
    let sleeper = loop {
        if let Some(pid) = child_named(demo.id(), "sleep") {
            break pid;
        }
        assert!(Instant::now() < until, "the demo never started sleep 30");
        std::thread::sleep(ms(20));
    };
    // What a terminal's Ctrl-C sends to the demo's group (not the child's).
    kill(Pid::from_raw(demo.id() as i32), Signal::SIGINT).unwrap();
    let status = demo
        .wait_timeout(ms(5000))
        .unwrap()
        .expect("the demo exits on SIGINT");
    assert_eq!(status.code(), Some(128 + Signal::SIGINT as i32), "{status}");
    // The sleeper is dead: gone, or a zombie waiting for init to reap it.
    let until = Instant::now() + ms(2000);
    while let Some((state, _)) = proc_state(sleeper) {
        if state == 'Z' {
            break;
        }
        assert!(
            Instant::now() < until,
            "sleep {sleeper} still alive after the demo's Ctrl-C: state {state}"
        );
        std::thread::sleep(ms(20));
    }
}
