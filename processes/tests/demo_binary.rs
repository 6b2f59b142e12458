//! The demo binary as a whole: Ctrl-C (the terminal sends SIGINT to the
//! whole foreground process group, which holds the demo; each worker leads
//! a group of its own; the demo's Ctrl-C policy kills every worker and
//! exits 130, and no process of the demo's tree is left),
//! and the fork start method, which needs a single-threaded parent.

use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// How long the demo may take to stop after Ctrl-C.
const STOP_LIMIT: Duration = Duration::from_secs(10);

/// Starts the demo with `args` in a process group of its own (as a shell
/// does) and waits until a pool's two workers are up; returns the child,
/// its group, and the workers' pids.
fn start_until_pool(args: &[&str]) -> (std::process::Child, i32, Vec<Pid>) {
    let child = Command::new(env!("CARGO_BIN_EXE_processes"))
        .args(args)
        .process_group(0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pgid = child.id() as i32;
    let tree = || processes::proc_info::descendants(Pid::from_raw(pgid)).unwrap_or_default();
    let t0 = Instant::now();
    while tree().len() < 2 && t0.elapsed() < STOP_LIMIT {
        std::thread::sleep(Duration::from_millis(5));
    }
    let workers = tree();
    assert!(workers.len() >= 2, "the pool did not start");
    (child, pgid, workers)
}

/// Processes whose process group is `pgid` (field 5 of `/proc/<pid>/stat`).
fn members(pgid: i32) -> Vec<i32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // The command name is in parentheses and may contain spaces: split after it.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.get(2).and_then(|f| f.parse::<i32>().ok()) == Some(pgid) {
            out.push(pid);
        }
    }
    out
}

/// Whether `pid` is gone or a zombie (dead, not yet reaped by init).
fn dead(pid: Pid) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |s| {
        s.rsplit_once(')')
            .is_some_and(|(_, r)| r.trim_start().starts_with('Z'))
    })
}

#[test]
fn ctrl_c_stops_the_pool_and_leaves_no_process() {
    let (child, pgid, workers) = start_until_pool(&["crash", "--tasks", "100000", "--kills", "0"]);
    std::thread::sleep(Duration::from_millis(200));
    killpg(Pid::from_raw(pgid), Signal::SIGINT).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Every worker is killed, and the demo says so and exits 130.
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("SIGINT: interrupted; killed"), "{stderr}");
    assert_eq!(
        members(pgid),
        Vec::<i32>::new(),
        "processes of the group outlived the demo"
    );
    // Killed before the demo exited: gone, or a zombie until init reaps it.
    for w in workers {
        assert!(dead(w), "worker {w} outlived the demo");
    }
}

/// The fork start method end to end (the test harness itself has threads,
/// so the fork server is started by the demo binary): workers killed
/// mid-run are reported and replaced by the fork server.
#[test]
fn the_fork_server_replaces_killed_workers() {
    let out = Command::new(env!("CARGO_BIN_EXE_processes"))
        .args(["crash", "--quick", "--json", "--start", "fork"])
        .stderr(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success());
    let line = String::from_utf8_lossy(&out.stdout);
    let rec: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(rec["verdict"], "holds", "{line}");
    assert_eq!(rec["params"]["start"], "fork");
    assert!(
        rec["metrics"]["workers_replaced"].as_f64().unwrap() >= 1.0,
        "{line}"
    );
}

/// One Ctrl-C stops the whole run, not only the running experiment: no
/// further experiment starts, and the demo exits 130 at once.
#[test]
fn one_ctrl_c_stops_the_whole_run_not_only_the_current_experiment() {
    let (child, pgid, _) = start_until_pool(&["--json", "--quick"]);
    killpg(Pid::from_raw(pgid), Signal::SIGINT).unwrap();
    let sent = Instant::now();
    let out = child.wait_with_output().unwrap();
    let took = sent.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let records = String::from_utf8_lossy(&out.stdout).lines().count();
    use std::os::unix::process::ExitStatusExt;
    assert!(
        out.status.code() == Some(130) || out.status.signal() == Some(libc::SIGINT),
        "{:?}: {stderr}",
        out.status
    );
    assert!(
        records <= 1,
        "{records} experiments reported after one Ctrl-C: {stderr}"
    );
    assert!(took < Duration::from_secs(3), "it took {took:?} to stop");
    assert_eq!(
        members(pgid),
        Vec::<i32>::new(),
        "processes outlived the demo"
    );
}
