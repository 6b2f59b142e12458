//! Fault injection: workers killed at random moments, misbehaving workers
//! (garbage, oversized and truncated frames), and no child left behind.
//!
//! Tests here share one lock: each checks this process's children in
//! `/proc`, which another test's pool would disturb.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::getpid;
use processes::demo_jobs::{Fault, FaultTask};
use processes::pool::{PoolError, ProcessPool, StartMethod, TaskError};
use subprocess_pipes::channel::ChannelError;

static SERIAL: Mutex<()> = Mutex::new(());

/// Tasks in the random-kill run.
const TASKS: u64 = 150;
/// Kills during it.
const KILLS: usize = 6;

fn worker_bin() -> StartMethod {
    StartMethod::Spawn(Some(PathBuf::from(env!("CARGO_BIN_EXE_processes"))))
}

fn children() -> Vec<nix::unistd::Pid> {
    processes::proc_info::children(getpid()).unwrap()
}

/// A tiny xorshift, so the test needs no RNG crate and replays from its seed.
fn rng(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn random_kills_every_task_ends_once_and_no_child_is_left() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    for retry in [false, true] {
        let mut pool = ProcessPool::<Fault>::builder()
            .workers(3)
            .retry_once(retry)
            .start_method(worker_bin())
            .build()
            .unwrap();
        let killer = std::thread::spawn(|| {
            let mut seed = 0x2545_F491_4F6C_DD1D;
            for _ in 0..KILLS {
                std::thread::sleep(Duration::from_millis(5 + rng(&mut seed) % 25));
                let kids = children();
                if !kids.is_empty() {
                    let victim = kids[(rng(&mut seed) % kids.len() as u64) as usize];
                    let _ = kill(victim, Signal::SIGKILL);
                }
            }
        });
        let tasks: Vec<FaultTask> = (0..TASKS)
            .map(|i| {
                if i % 3 == 0 {
                    FaultTask::SleepMs(2)
                } else {
                    FaultTask::Square(i)
                }
            })
            .collect();
        let out = pool.map(tasks.clone()).unwrap();
        killer.join().unwrap();
        assert_eq!(out.len(), TASKS as usize);
        let mut failed = 0;
        for (i, (t, r)) in tasks.iter().zip(&out).enumerate() {
            match (t, r) {
                (FaultTask::SleepMs(ms), Ok(v)) => assert_eq!(v, ms),
                (FaultTask::Square(x), Ok(v)) => assert_eq!(*v, x * x),
                (_, Err(TaskError::WorkerDied(d))) => {
                    failed += 1;
                    assert!(d.to_string().contains("SIGKILL"), "task {i}: {d}");
                }
                (_, r) => panic!("task {i}: unexpected {r:?}"),
            }
        }
        assert!(failed <= KILLS, "{failed} failures for {KILLS} kills");
        assert_eq!(pool.pids().len(), 3, "every dead worker was replaced");
        drop(pool);
        assert_eq!(children(), vec![], "a child outlived the pool");
    }
}

#[test]
fn drop_during_a_panic_reaps_every_worker() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let r = std::panic::catch_unwind(|| {
        let mut pool = ProcessPool::<Fault>::builder()
            .workers(2)
            .start_method(worker_bin())
            .build()
            .unwrap();
        let _ = pool.map([FaultTask::Square(2)]);
        panic!("the parent thread panics with live workers");
    });
    assert!(r.is_err());
    assert_eq!(children(), vec![]);
}

#[test]
fn a_hung_task_is_killed_by_the_task_timeout() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let mut pool = ProcessPool::<Fault>::builder()
        .workers(1)
        .task_timeout(Duration::from_millis(200))
        .start_method(worker_bin())
        .build()
        .unwrap();
    let out = pool
        .map([FaultTask::SleepMs(60_000), FaultTask::Square(3)])
        .unwrap();
    assert!(matches!(&out[0], Err(TaskError::WorkerDied(d)) if d.timed_out));
    assert_eq!(out[1].as_ref().unwrap(), &9);
}

fn sh_worker(script: &str) -> StartMethod {
    StartMethod::Command("sh".into(), vec!["-c".into(), script.into()])
}

fn start_error(script: &str) -> PoolError {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let err = ProcessPool::<Fault>::builder()
        .workers(1)
        .max_frame(1 << 20)
        .start_method(sh_worker(script))
        .build()
        .unwrap_err();
    assert_eq!(children(), vec![]);
    err
}

fn channel_error(e: &PoolError) -> &ChannelError {
    match e {
        PoolError::WorkerStart(d) => d.channel.as_deref().expect("a channel error"),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn an_oversized_frame_is_a_typed_error() {
    // A header announcing 4 GiB - 1 to a pool that accepts 1 MiB.
    let e = start_error(r"printf '\377\377\377\377'; sleep 5");
    assert!(
        matches!(channel_error(&e), ChannelError::FrameTooLarge { max, .. } if *max == 1 << 20),
        "{e}"
    );
}

#[test]
fn a_truncated_frame_is_a_typed_error() {
    let e = start_error(r"printf '\010\000\000\000abc'");
    assert!(
        matches!(
            channel_error(&e),
            ChannelError::Truncated {
                expected: 8,
                got: 3
            }
        ),
        "{e}"
    );
}

#[test]
fn garbage_is_a_typed_decode_error() {
    let e = start_error(r"printf '\004\000\000\000\377\377\377\377'; sleep 5");
    assert!(matches!(channel_error(&e), ChannelError::Decode(_)), "{e}");
}

#[test]
fn a_worker_that_exits_at_once_is_a_start_error_not_a_respawn_storm() {
    let e = start_error("exit 7");
    assert!(
        matches!(&e, PoolError::WorkerStart(d) if d.channel.is_none()),
        "{e}"
    );
    assert!(e.to_string().contains("status 7"), "{e}");
}

/// A worker that says a proper hello, then sends `tail`: the task it was
/// given fails with the typed channel error, and the pool stays usable.
fn after_hello(tail: &[u8]) -> (Result<u64, TaskError>, tempfile::TempDir) {
    use processes::protocol::Reply;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wire");
    let mut wire = Vec::new();
    let mut tx = subprocess_pipes::channel::Sender::<Reply<u64>, _>::new(&mut wire);
    tx.send(&Reply::Hello {
        job: "fault".into(),
        pid: 1,
    })
    .unwrap();
    wire.extend_from_slice(tail);
    std::fs::write(&path, &wire).unwrap();
    let script = format!("cat '{}'; sleep 5", path.display());
    let mut pool = ProcessPool::<Fault>::builder()
        .workers(1)
        .max_frame(1 << 20)
        .start_method(sh_worker(&script))
        .build()
        .unwrap();
    let mut out = pool.map([FaultTask::Square(2)]).unwrap();
    drop(pool);
    (out.remove(0), dir)
}

fn died_of(r: &Result<u64, TaskError>) -> &ChannelError {
    match r {
        Err(TaskError::WorkerDied(d)) => d.channel.as_deref().expect("a channel error"),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn garbage_mid_run_fails_the_task_with_a_typed_error() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (r, _dir) = after_hello(&[4, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    assert!(matches!(died_of(&r), ChannelError::Decode(_)), "{r:?}");
    let (r, _dir) = after_hello(&u32::MAX.to_le_bytes());
    assert!(
        matches!(died_of(&r), ChannelError::FrameTooLarge { .. }),
        "{r:?}"
    );
    assert_eq!(children(), vec![]);
}
