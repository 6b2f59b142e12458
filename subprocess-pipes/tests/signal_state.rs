//! The Ctrl-C policy leaves children a clean signal state: nothing blocked,
//! no handler inherited, so `SIGTERM` ends them. (A `sigwait` design blocks
//! the signals in every thread, and std does not reset the mask of a
//! child: its children started with `SIGINT` and `SIGTERM` blocked.)
//! This file runs in its own process, so installing the policy here
//! touches no other test.

use std::process::{Command, Stdio};
use std::time::Duration;

use nix::sys::signal::Signal;
use subprocess_pipes::interrupt::{kill_children_on_interrupt, without_watcher};
use subprocess_pipes::popen::Popen;

/// The `SigBlk`, `SigIgn` and `SigCgt` masks of a child, as it sees them.
fn child_masks() -> Vec<(String, u64)> {
    let mut cmd = Command::new("grep");
    cmd.args(["-E", "^Sig(Blk|Ign|Cgt):", "/proc/self/status"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let out = Popen::spawn(cmd)
        .unwrap()
        .communicate(None, Some(Duration::from_secs(10)))
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let (name, hex) = l.split_once(':').unwrap();
            (
                name.to_string(),
                u64::from_str_radix(hex.trim(), 16).unwrap(),
            )
        })
        .collect()
}

fn bit(sig: Signal) -> u64 {
    1 << (sig as u32 - 1)
}

/// Whether this process has a thread named `interrupt` (the watcher).
fn watcher_runs_now() -> bool {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .flatten()
        .any(|t| {
            std::fs::read_to_string(t.path().join("comm"))
                .is_ok_and(|c| c.trim_end() == "interrupt")
        })
}

/// Whether the watcher runs within a second (a new thread names itself
/// once it has started).
fn watcher_runs() -> bool {
    let until = std::time::Instant::now() + Duration::from_secs(1);
    while std::time::Instant::now() < until {
        if watcher_runs_now() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    false
}

#[test]
fn children_start_with_nothing_blocked_and_sigterm_ends_them() {
    kill_children_on_interrupt().unwrap();
    let ending = bit(Signal::SIGINT) | bit(Signal::SIGTERM) | bit(Signal::SIGHUP);
    let masks = child_masks();
    assert_eq!(masks.len(), 3, "{masks:?}");
    for (name, mask) in &masks {
        assert_eq!(mask & ending, 0, "{name} of a child: {mask:016x}");
    }
    // The test that fails under a blocked mask: SIGTERM must end `sleep`.
    let mut cmd = Command::new("sleep");
    cmd.arg("30");
    let mut sleeper = Popen::spawn(cmd).unwrap();
    sleeper.signal(Signal::SIGTERM).unwrap();
    let status = sleeper.wait_timeout(Duration::from_secs(5)).unwrap();
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(
        status.and_then(|s| s.signal()),
        Some(Signal::SIGTERM as i32),
        "sleep did not end on SIGTERM: {status:?}"
    );
}

#[test]
fn the_watcher_steps_aside_for_a_fork_and_ignores_a_stray_sigusr2() {
    kill_children_on_interrupt().unwrap();
    assert!(watcher_runs());
    let seen = without_watcher(watcher_runs_now);
    assert!(!seen, "the watcher ran during without_watcher");
    assert!(watcher_runs(), "the watcher did not come back");
    // A SIGUSR2 that is not the pause request leaves it running.
    nix::sys::signal::raise(Signal::SIGUSR2).unwrap();
    std::thread::sleep(Duration::from_millis(50));
    assert!(watcher_runs(), "a stray SIGUSR2 stopped the watcher");
}
