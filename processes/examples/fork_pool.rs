//! A pool with the `fork` start method: run from a single-threaded `main`
//! (the rule), a worker that aborts is reported, and since the pool's own
//! reader threads now run, it is not replaced by a fork: the pool goes on
//! with the other worker. `cargo run --release -p processes --example fork_pool`

use processes::jobs::{Fault, FaultTask};
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
    drop(pool);
    let left = processes::proc_info::children(nix::unistd::getpid())?;
    assert!(left.is_empty(), "children left: {left:?}");
    Ok(())
}
