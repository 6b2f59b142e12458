//! The demo binary as a whole: Ctrl-C (the terminal sends SIGINT to the
//! whole foreground process group, which holds the demo; each worker leads
//! a group of its own; the demo's Ctrl-C policy kills every worker and
//! exits 130, and no process of the demo's tree is left),
//! and the fork start method, which needs a single-threaded parent.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use processes::contract::ctrl_c::sigint_mid_run;

/// How long the demo may take to start its pool.
const START_LIMIT: Duration = Duration::from_secs(10);

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_processes"))
}

#[test]
fn ctrl_c_stops_the_pool_and_leaves_no_process() {
    let tmp = tempfile::tempdir().unwrap();
    let args = ["crash", "--tasks", "100000", "--kills", "0"];
    sigint_mid_run(exe(), &args, START_LIMIT, tmp.path()).unwrap();
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
    let tmp = tempfile::tempdir().unwrap();
    let end = sigint_mid_run(exe(), &["--json", "--quick"], START_LIMIT, tmp.path()).unwrap();
    let records = end.stdout.lines().count();
    assert!(
        records <= 1,
        "{records} experiments reported after one Ctrl-C: {}",
        end.stderr
    );
    assert!(
        end.took < Duration::from_secs(3),
        "it took {:?} to stop",
        end.took
    );
}

/// The demo binary forks where an experiment measures a fork: its Ctrl-C
/// watcher thread is set aside for the check as for the fork itself, so the
/// fork figures are in the records (a check that counted that thread
/// refused every fork, and the figures went missing without a failure).
#[test]
fn the_demo_measures_its_forks() {
    for (exp, metric) in [("memory", "fork_worker_pss_kib"), ("start-cost", "fork_us")] {
        let out = Command::new(exe())
            .args([exp, "--quick", "--json"])
            .stderr(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "{exp}: {:?}", out.status);
        let line = String::from_utf8_lossy(&out.stdout);
        let rec: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
        assert!(
            rec["metrics"][metric].is_f64(),
            "{exp}: no {metric} in {line}"
        );
    }
}
