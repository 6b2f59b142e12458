//! The fork rule outside a test harness (`harness = false`: this process
//! has one thread of its own, so forking is allowed): a thread that is just
//! ending does not make `fork` fail, a thread that lives does.

use std::time::{Duration, Instant};

use processes::child::ExitCause;
use processes::demo_jobs::{Fault, FaultTask};
use processes::fork::{ForkError, THREADS_SETTLE, check_single_threaded, fork_with};
use processes::pool::{ProcessPool, StartMethod, TaskError};

/// Threads started and joined right before a fork, each time.
const JOINED_THEN_FORK: usize = 20;

fn main() {
    // A thread that returns on its own 10 ms later (never joined): the
    // rule waits for it to leave /proc/self/task instead of refusing.
    std::thread::spawn(|| std::thread::sleep(Duration::from_millis(10)));
    check_single_threaded().expect("a thread that ends within the settle time is waited for");

    // start + join + fork at once, as the start-cost experiment does.
    for _ in 0..JOINED_THEN_FORK {
        std::thread::spawn(|| 1).join().unwrap();
        let mut child = fork_with(|| 0).expect("fork right after a join");
        assert_eq!(child.wait().unwrap(), ExitCause::Exited(0));
    }

    // A thread that really lives is refused, after the settle time.
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let live = std::thread::spawn(move || rx.recv());
    let t0 = Instant::now();
    match check_single_threaded() {
        Err(ForkError::MultiThreaded { threads }) => assert!(threads >= 2),
        other => panic!("expected MultiThreaded, got {other:?}"),
    }
    assert!(t0.elapsed() >= THREADS_SETTLE);
    assert!(fork_with(|| 0).is_err());
    drop(tx);
    let _ = live.join();

    // Allowed once the thread is gone: a fork pool (its workers are forked
    // by the fork server) runs a map, and a killed worker is replaced.
    let mut pool = ProcessPool::<Fault>::builder()
        .workers(2)
        .start_method(StartMethod::Fork)
        .build()
        .expect("a fork pool in a single-threaded process");
    let out = pool.map((0..20).map(FaultTask::Square)).unwrap();
    assert!(
        out.iter()
            .enumerate()
            .all(|(i, r)| matches!(r, Ok(v) if *v == (i * i) as u64))
    );
    let out = pool
        .map([FaultTask::Exit(9), FaultTask::Square(5)])
        .unwrap();
    assert!(
        matches!(&out[0], Err(TaskError::WorkerDied(_))),
        "{:?}",
        out[0]
    );
    assert!(matches!(out[1], Ok(25)));
    assert_eq!(pool.stats().died, 1);
    drop(pool);
    let left = processes::proc_info::children(nix::unistd::getpid()).unwrap();
    assert!(left.is_empty(), "children left: {left:?}");
    println!("fork_rule: ok");
}
