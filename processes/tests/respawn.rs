//! Replacements that fail before their hello (killed during start-up, or
//! silent past the start timeout): the pool starts another, up to
//! `MAX_START_FAILURES` in a row per slot, and goes on; the map is never
//! aborted by a replacement's death, and it never hangs on one.
//!
//! The workers are `sh` scripts that count their starts in a directory:
//! the first `healthy` starts become real workers (`exec` of the demo binary
//! in worker mode), later ones die by `SIGKILL` (or hang) before their hello.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use nix::unistd::getpid;
use processes::demo_jobs::{Fault, FaultTask};
use processes::pool::{MAX_START_FAILURES, PoolConfig, PoolError, ProcessPool, StartMethod};

static SERIAL: Mutex<()> = Mutex::new(());

/// How long the pool may take to settle after the faults.
const SETTLE: Duration = Duration::from_secs(20);

/// A worker command: start number `n` (0-based) runs `act(n)`:
/// `worker` (a real worker), `die` (SIGKILL itself before any hello) or `hang`.
fn counted(dir: &std::path::Path, cases: &str) -> StartMethod {
    let bin = env!("CARGO_BIN_EXE_processes");
    let script = format!(
        "n=$(ls '{d}' | wc -l); : > '{d}/'$$; case $n in {cases} esac",
        d = dir.display()
    )
    .replace("WORKER", &format!("exec '{bin}' __worker fault"))
    .replace("DIE", "kill -KILL $$")
    .replace("HANG", "exec sleep 30");
    StartMethod::Command("sh".into(), vec!["-c".into(), script.into()])
}

fn children() -> Vec<nix::unistd::Pid> {
    processes::proc_info::children(getpid()).unwrap()
}

/// `Exit(9)` kills the worker that runs it, mid-run; the rest are ordinary tasks.
fn tasks(n: u64) -> Vec<FaultTask> {
    std::iter::once(FaultTask::Exit(9))
        .chain((1..n).map(|i| {
            if i % 4 == 0 {
                FaultTask::SleepMs(2)
            } else {
                FaultTask::Square(i)
            }
        }))
        .collect()
}

fn check(tasks: &[FaultTask], out: &[Result<u64, processes::pool::TaskError>]) {
    assert_eq!(out.len(), tasks.len());
    assert!(out[0].is_err(), "the Exit task fails: {:?}", out[0]);
    for (t, r) in tasks.iter().zip(out).skip(1) {
        match (t, r) {
            (FaultTask::SleepMs(ms), Ok(v)) => assert_eq!(v, ms),
            (FaultTask::Square(x), Ok(v)) => assert_eq!(*v, x * x),
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn replacements_killed_during_start_up_are_started_again() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    // Starts 0, 1: the pool; 2, 3: replacements killed before their hello
    // (two failures, under the budget); 4: a replacement that works.
    let method = counted(dir.path(), "0|1) WORKER;; 2|3) DIE;; *) WORKER;;");
    let mut pool = ProcessPool::<Fault>::builder()
        .workers(2)
        .start_method(method)
        .build()
        .unwrap();
    let work = tasks(40);
    check(&work, &pool.map(work.clone()).expect("the map goes on"));
    // Keep the pool busy until the slot is refilled (the failures and the
    // final replacement may come after the first map ended).
    let t0 = Instant::now();
    while pool.stats().started < 5 && t0.elapsed() < SETTLE {
        let small: Vec<FaultTask> = (0..8).map(|_| FaultTask::SleepMs(2)).collect();
        assert!(pool.map(small).unwrap().iter().all(|r| matches!(r, Ok(2))));
    }
    let stats = pool.stats();
    assert_eq!(
        (stats.started, stats.died, stats.gave_up),
        (5, 3, 0),
        "{stats:?}"
    );
    assert_eq!(pool.pids().len(), 2);
    drop(pool);
    assert_eq!(children(), vec![], "a child outlived the pool");
}

#[test]
fn a_slot_whose_replacements_keep_dying_ends_the_pool_cleanly() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let mut pool = ProcessPool::<Fault>::builder()
        .workers(1)
        .start_method(counted(dir.path(), "0) WORKER;; *) DIE;;"))
        .build()
        .unwrap();
    let err = pool.map(tasks(4)).unwrap_err();
    assert!(
        matches!(&err, PoolError::NoWorkers(m) if m.contains("before their hello")),
        "{err}"
    );
    let stats = pool.stats();
    assert_eq!(stats.gave_up, 1, "{stats:?}");
    assert_eq!(stats.started, 1 + MAX_START_FAILURES as usize, "{stats:?}");
    drop(pool);
    assert_eq!(children(), vec![]);
}

#[test]
fn a_silent_replacement_is_killed_at_the_start_timeout() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let cfg = PoolConfig {
        workers: 1,
        start: counted(dir.path(), "0) WORKER;; *) HANG;;"),
        start_timeout: Duration::from_millis(1000),
        ..PoolConfig::default()
    };
    let mut pool = ProcessPool::<Fault>::with_config(cfg).unwrap();
    let t0 = Instant::now();
    let err = pool.map(tasks(4)).unwrap_err();
    assert!(
        matches!(&err, PoolError::NoWorkers(m) if m.contains("no hello within")),
        "{err}"
    );
    assert!(t0.elapsed() < SETTLE);
    drop(pool);
    assert_eq!(children(), vec![]);
}
