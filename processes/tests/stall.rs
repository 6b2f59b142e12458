//! A worker that says hello, then never reads its task pipe: a batch larger
//! than the pipe cannot be written. The dispatcher must not block on it:
//! the task timeout kills the worker and the batch fails with it.

use std::time::{Duration, Instant};

use processes::demo_jobs::{Fault, FaultTask};
use processes::pool::{ProcessPool, StartMethod, TaskError};
use processes::protocol::Reply;

/// The task timeout of the test.
const LIMIT: Duration = Duration::from_millis(300);
/// A task far larger than a pipe's buffer (64 KiB by default).
const BIG: usize = 1 << 20;

#[test]
fn a_worker_that_stops_reading_is_killed_at_the_task_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let hello = dir.path().join("hello");
    let mut wire = Vec::new();
    subprocess_pipes::channel::Sender::<Reply<u64>, _>::new(&mut wire)
        .send(&Reply::Hello {
            job: "fault".into(),
            pid: 1,
        })
        .unwrap();
    std::fs::write(&hello, &wire).unwrap();
    let script = format!("cat '{}'; exec sleep 30", hello.display());
    let mut pool = ProcessPool::<Fault>::builder()
        .workers(1)
        .task_timeout(LIMIT)
        .start_method(StartMethod::Command(
            "sh".into(),
            vec!["-c".into(), script.into()],
        ))
        .build()
        .unwrap();
    let t0 = Instant::now();
    let out = pool.map([FaultTask::Fail("x".repeat(BIG))]).unwrap();
    assert!(
        matches!(&out[0], Err(TaskError::WorkerDied(d)) if d.timed_out),
        "{:?}",
        out[0].as_ref().err().map(ToString::to_string)
    );
    assert!(t0.elapsed() < 20 * LIMIT, "took {:?}", t0.elapsed());
    drop(pool);
    let left = processes::proc_info::children(nix::unistd::getpid()).unwrap();
    assert!(left.is_empty(), "children left: {left:?}");
}
