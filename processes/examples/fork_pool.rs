//! A pool with the `fork` start method: built from a single-threaded `main`
//! (the rule), it forks a fork server, which forks the workers; a worker
//! that aborts is reported and the server forks its replacement, although
//! the pool's own reader threads run by then.
//! `cargo run --release -p processes --example fork_pool`

use processes::demo_jobs::{Fault, FaultTask};
use processes::pool::{ProcessPool, StartMethod};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut pool = ProcessPool::<Fault>::builder()
        .workers(2)
        .start_method(StartMethod::Fork)
        .build()?;
    let out = pool.map((0..20).map(FaultTask::Square))?;
    assert!(
        out.iter()
            .enumerate()
            .all(|(i, r)| r.as_ref().ok() == Some(&((i * i) as u64)))
    );
    let tasks = [FaultTask::Square(2), FaultTask::Abort, FaultTask::Square(3)];
    for (task, result) in tasks.iter().zip(pool.map(tasks.clone())?) {
        println!("{task:?} -> {result:?}");
    }
    println!("{:?}, live workers {:?}", pool.stats(), pool.pids());
    assert_eq!(pool.pids().len(), 2, "the dead worker was replaced");
    drop(pool);
    let left = processes::proc_info::children(nix::unistd::getpid())?;
    assert!(left.is_empty(), "children left: {left:?}");
    Ok(())
}
