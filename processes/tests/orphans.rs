//! A worker that starts processes of its own: when the pool ends the worker,
//! they end too (each worker leads its own process group, and the pool's
//! guard kills the group), so no orphan is left behind.

use std::time::{Duration, Instant};

use processes::demo_jobs::{Fault, FaultTask};
use processes::pool::{ProcessPool, StartMethod};

/// How long an orphan may take to disappear after the pool is dropped.
const LIMIT: Duration = Duration::from_secs(5);

/// Gone, or a zombie waiting for its new parent to reap it.
fn gone(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |s| {
        s.rsplit_once(')')
            .is_some_and(|(_, r)| r.trim_start().starts_with('Z'))
    })
}

#[test]
fn a_workers_own_children_do_not_outlive_the_pool() {
    let dir = tempfile::tempdir().unwrap();
    let pids = dir.path().join("pids");
    // The worker (a shell that becomes the demo binary in worker mode)
    // first leaves a background `sleep` behind: not the pool's child.
    let script = format!(
        "sleep 30 </dev/null >/dev/null 2>&1 & echo $! >> '{}'; exec '{}' __worker fault",
        pids.display(),
        env!("CARGO_BIN_EXE_processes")
    );
    let mut pool = ProcessPool::<Fault>::builder()
        .workers(2)
        .start_method(StartMethod::Command(
            "sh".into(),
            vec!["-c".into(), script.into()],
        ))
        .build()
        .unwrap();
    let out = pool.map((0..10).map(FaultTask::Square)).unwrap();
    assert!(
        out.iter()
            .enumerate()
            .all(|(i, r)| matches!(r, Ok(v) if *v == (i * i) as u64))
    );
    drop(pool);
    let sleeps: Vec<i32> = std::fs::read_to_string(&pids)
        .unwrap()
        .split_whitespace()
        .map(|p| p.parse().unwrap())
        .collect();
    assert_eq!(sleeps.len(), 2);
    let t0 = Instant::now();
    while !sleeps.iter().all(|p| gone(*p)) && t0.elapsed() < LIMIT {
        std::thread::sleep(Duration::from_millis(10));
    }
    for p in sleeps {
        assert!(
            gone(p),
            "process {p}, started by a worker, outlived the pool"
        );
    }
}
