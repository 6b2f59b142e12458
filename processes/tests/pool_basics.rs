//! The pool end to end, with the crate's binary as the worker program.

use std::path::PathBuf;

use processes::demo_jobs::{Fault, FaultTask, Primes, Tiny, count_primes};
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

/// Random inputs, chunk sizes and prefetch depths: the pool's ordered map
/// equals the sequential map.
#[test]
fn property_pool_map_equals_sequential_map() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    const CASES: u32 = 24;
    let pools: Vec<std::cell::RefCell<ProcessPool<Tiny>>> = [(1, 1), (3, 2), (16, 1)]
        .iter()
        .map(|&(chunk, workers)| {
            std::cell::RefCell::new(
                ProcessPool::<Tiny>::builder()
                    .workers(workers)
                    .chunksize(chunk)
                    .start_method(worker_bin())
                    .build()
                    .unwrap(),
            )
        })
        .collect();
    let mut runner = TestRunner::new(Config::with_cases(CASES));
    let strategy = (
        proptest::collection::vec(any::<u64>(), 0..300),
        0..pools.len(),
    );
    runner
        .run(&strategy, |(input, which)| {
            let want: Vec<u64> = input.iter().map(|x| x.wrapping_mul(2)).collect();
            let got: Vec<u64> = pools[which]
                .borrow_mut()
                .map(input.clone())
                .unwrap()
                .into_iter()
                .map(Result::unwrap)
                .collect();
            prop_assert_eq!(got, want);
            Ok(())
        })
        .unwrap();
}

#[test]
fn an_abandoned_unordered_run_does_not_leak_into_the_next() {
    let mut pool = ProcessPool::<Tiny>::builder()
        .workers(2)
        .start_method(worker_bin())
        .build()
        .unwrap();
    // An endless input: taken lazily, abandoned after three results.
    let first: Vec<_> = pool.imap_unordered(0u64..).take(3).collect();
    assert_eq!(first.len(), 3);
    let again = pool.map(0..100u64).unwrap();
    assert!(
        again
            .iter()
            .enumerate()
            .all(|(i, r)| *r.as_ref().unwrap() == 2 * i as u64)
    );
}

#[test]
fn fork_is_refused_while_the_harness_runs_other_threads() {
    // A thread that lives through the check, so the process surely has
    // more than one (whatever the harness does): the rule must refuse. The
    // allowed case is in tests/fork_rule.rs, which runs without a harness.
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let other = std::thread::spawn(move || rx.recv());
    let e = ProcessPool::<Tiny>::builder()
        .start_method(StartMethod::Fork)
        .build()
        .unwrap_err();
    assert!(e.to_string().contains("refusing to fork"), "{e}");
    drop(tx);
    let _ = other.join();
}

#[test]
fn retry_once_runs_a_crashing_batch_twice_then_reports_it() {
    let mut pool = ProcessPool::<Fault>::builder()
        .workers(2)
        .retry_once(true)
        .start_method(worker_bin())
        .build()
        .unwrap();
    let out = pool
        .map([FaultTask::Square(2), FaultTask::Panic, FaultTask::Square(3)])
        .unwrap();
    assert_eq!(out[0].as_ref().unwrap(), &4);
    assert!(
        matches!(&out[1], Err(TaskError::WorkerDied(_))),
        "{:?}",
        out[1]
    );
    assert_eq!(out[2].as_ref().unwrap(), &9);
    let stats = pool.stats();
    assert_eq!((stats.died, stats.resent), (2, 1), "{stats:?}");
}

#[test]
fn max_frame_is_capped_at_what_the_codec_decodes() {
    let pool = ProcessPool::<Tiny>::builder()
        .workers(1)
        .max_frame(1 << 30)
        .start_method(worker_bin())
        .build()
        .unwrap();
    assert_eq!(pool.config().max_frame, processes::worker::MAX_FRAME);
}

/// At the end of a run of long batches, a worker holds one batch at a time:
/// a short task is not queued behind a long one while another worker can
/// take it (which would stretch the run by the short task).
#[test]
fn the_last_long_batches_go_to_whichever_worker_is_free() {
    let mut pool = ProcessPool::<Fault>::builder()
        .workers(2)
        .start_method(worker_bin())
        .build()
        .unwrap();
    // Warm-up: the pool learns that batches take milliseconds.
    let warm = pool.map((0..4).map(|_| FaultTask::Whoami(5))).unwrap();
    assert!(warm.iter().all(Result::is_ok));
    let out = pool
        .map([
            FaultTask::Whoami(300),
            FaultTask::Whoami(50),
            FaultTask::Whoami(50),
        ])
        .unwrap();
    let pids: Vec<u64> = out.into_iter().map(Result::unwrap).collect();
    assert_ne!(
        pids[0], pids[1],
        "a short task was queued behind the long one"
    );
    assert_eq!(pids[1], pids[2], "the free worker took both short tasks");
}

#[test]
fn an_invalid_config_is_an_error_before_any_worker_starts_never_a_hang() {
    use processes::pool::{PoolConfig, PoolError};
    let base = PoolConfig {
        start: worker_bin(),
        ..PoolConfig::default()
    };
    let bad = [
        PoolConfig {
            prefetch: Some(0),
            ..base.clone()
        },
        PoolConfig {
            workers: 0,
            ..base.clone()
        },
        PoolConfig {
            chunksize: 0,
            ..base.clone()
        },
        PoolConfig {
            max_frame: 0,
            ..base.clone()
        },
    ];
    for cfg in bad {
        match ProcessPool::<Tiny>::with_config(cfg.clone()) {
            Err(PoolError::InvalidConfig(why)) => assert!(!why.is_empty()),
            Err(e) => panic!("{cfg:?}: wrong error {e}"),
            Ok(_) => panic!("{cfg:?} was accepted"),
        }
    }
}

#[test]
fn timeouts_too_long_for_a_deadline_mean_no_limit_not_a_panic() {
    let mut pool = ProcessPool::<Tiny>::with_config(processes::pool::PoolConfig {
        start: worker_bin(),
        workers: 1,
        start_timeout: std::time::Duration::MAX,
        task_timeout: Some(std::time::Duration::MAX),
        ..processes::pool::PoolConfig::default()
    })
    .unwrap();
    let got: Vec<u64> = pool
        .map(0..10u64)
        .unwrap()
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(got, (0..10).map(|x| x * 2).collect::<Vec<_>>());
}
