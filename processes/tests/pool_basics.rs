//! The pool end to end, with the crate's binary as the worker program.

use std::path::PathBuf;

use processes::jobs::{Fault, FaultTask, Primes, Tiny, count_primes};
use processes::pool::{ProcessPool, StartMethod, TaskError};

fn worker_bin() -> StartMethod {
    StartMethod::Spawn(Some(PathBuf::from(env!("CARGO_BIN_EXE_processes"))))
}

#[test]
fn map_keeps_order_and_matches_sequential() {
    let mut pool = ProcessPool::<Primes>::builder()
        .workers(2)
        .start_method(worker_bin())
        .build()
        .unwrap();
    let tasks: Vec<(u64, u64)> = (0..20).map(|i| (i * 500, (i + 1) * 500)).collect();
    let got: Vec<u64> = pool
        .map(tasks.clone())
        .unwrap()
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let want: Vec<u64> = tasks.iter().map(|&(a, b)| count_primes(a, b)).collect();
    assert_eq!(got, want);
}

#[test]
fn chunks_and_unordered_deliver_every_index_once() {
    let mut pool = ProcessPool::<Tiny>::builder()
        .workers(2)
        .chunksize(7)
        .start_method(worker_bin())
        .build()
        .unwrap();
    let mut seen = vec![false; 1000];
    for item in pool.imap_unordered(0..1000u64) {
        let (i, r) = item.unwrap();
        assert!(!seen[i], "index {i} twice");
        seen[i] = true;
        assert_eq!(r.unwrap(), 2 * i as u64);
    }
    assert!(seen.iter().all(|&s| s));
}

#[test]
fn a_dying_worker_fails_its_task_and_is_replaced() {
    let mut pool = ProcessPool::<Fault>::builder()
        .workers(2)
        .start_method(worker_bin())
        .build()
        .unwrap();
    let tasks = vec![
        FaultTask::Square(3),
        FaultTask::Panic,
        FaultTask::Square(4),
        FaultTask::Abort,
        FaultTask::Fail("no".into()),
        FaultTask::Exit(9),
        FaultTask::Print("to stderr, not the channel".into()),
        FaultTask::Square(5),
    ];
    let out = pool.map(tasks).unwrap();
    assert_eq!(out[0].as_ref().unwrap(), &9);
    assert!(
        matches!(&out[1], Err(TaskError::WorkerDied(d)) if d.to_string().contains("101")),
        "{:?}",
        out[1]
    );
    assert_eq!(out[2].as_ref().unwrap(), &16);
    assert!(
        matches!(&out[3], Err(TaskError::WorkerDied(d)) if d.to_string().contains("SIGABRT")),
        "{:?}",
        out[3]
    );
    assert!(matches!(&out[4], Err(TaskError::Failed(m)) if m == "no"));
    assert!(
        matches!(&out[5], Err(TaskError::WorkerDied(d)) if d.to_string().contains("status 9")),
        "{:?}",
        out[5]
    );
    assert_eq!(out[6].as_ref().unwrap(), &0);
    assert_eq!(out[7].as_ref().unwrap(), &25);
    assert_eq!(pool.stats().died, 3);
    assert_eq!(pool.pids().len(), 2);
}
