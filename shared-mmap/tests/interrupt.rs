//! Ctrl-C (SIGINT) and SIGTERM mid-run: the demo ends at once, its workers
//! with it, and nothing it made is left in its temporary directory.

use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use shared_mmap::contract::ctrl_c::{files_under, sigint_mid_run, wait_within};

/// Trials per signal: the signal lands at a different moment of the run each time.
const TRIALS: u64 = 20;

/// Live processes of one run: every process the demo starts inherits
/// `TMPDIR=<tmp>` (workers lead process groups of their own, so the demo's
/// group does not find them).
fn members(tmp: &std::path::Path) -> Vec<u32> {
    subprocess_pipes::child::running_with_env("TMPDIR", &tmp.display().to_string()).unwrap()
}

/// Starts the demo with `args` (its temp dir in `tmp`), sends `sig` to its
/// group after `delay`, and waits (at most 1 s) for it to end and for every
/// process it started to be gone. Returns how it ended.
fn signal_mid_run(
    tmp: &tempfile::TempDir,
    args: &[&str],
    sig: Signal,
    delay: Duration,
) -> std::process::ExitStatus {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shared-mmap"))
        .args(args)
        .env("TMPDIR", tmp.path())
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pgid = child.id() as i32;
    std::thread::sleep(delay);
    let _ = kill(Pid::from_raw(pgid), sig);
    let status = wait_within(&mut child, Duration::from_secs(1))
        .unwrap()
        .unwrap_or_else(|| panic!("{args:?}: still running 1 s after {sig}"));
    let until = Instant::now() + Duration::from_secs(1);
    while !members(tmp.path()).is_empty() {
        assert!(
            Instant::now() < until,
            "{args:?}: {:?} outlived the demo",
            members(tmp.path())
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    status
}

fn trial(args: &[&str], sig: Signal, delay: Duration) {
    let tmp = tempfile::tempdir().unwrap();
    let status = signal_mid_run(&tmp, args, sig, delay);
    // Finished before the signal, ended by it through the watcher (128 +
    // signal), or killed by it before the watcher was installed.
    let ok = status.code() == Some(0)
        || status.code() == Some(128 + sig as i32)
        || status.signal() == Some(sig as i32);
    assert!(ok, "{args:?} after {sig} at {delay:?}: {status:?}");
    let left = files_under(tmp.path());
    assert!(
        left.is_empty(),
        "{args:?} after {sig} at {delay:?} left {left:?}"
    );
}

#[test]
fn sigint_and_sigterm_during_sigbus_leave_no_file_and_no_process() {
    for sig in [Signal::SIGINT, Signal::SIGTERM] {
        for i in 0..TRIALS {
            // 0 to 9.5 ms: from before the demo is up to the end of its run
            // (about 10 ms here).
            trial(&["sigbus"], sig, Duration::from_micros(i * 500));
        }
    }
}

/// The contract's Ctrl-C clause, during a run with worker processes.
#[test]
fn sigint_during_a_run_with_workers_ends_them_and_exits_130() {
    let tmp = tempfile::tempdir().unwrap();
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_shared-mmap"));
    let args = ["share-vs-copy", "--sizes", "4M,32M", "--repeats", "3"];
    sigint_mid_run(exe, &args, Duration::from_secs(10), tmp.path()).unwrap();
}
