//! The fork-based parts, in a test binary without the threaded harness
//! (`harness = false`): `fork` is only allowed while single-threaded.

use std::time::Duration;

use shared_mmap::counter::{Increment, count};
use shared_mmap::fork::{ExitCause, fork_child};
use shared_mmap::{Error, trap};

const LIMIT: Duration = Duration::from_secs(20);
/// Children in the counter test.
const PROCS: usize = 3;
/// How long the children count.
const WINDOW: Duration = Duration::from_millis(30);

fn private_anon_map_does_not_reach_the_parent() {
    let seen = trap::private_vs_shared(LIMIT).unwrap();
    assert_eq!(seen.private, 0, "map_anon is private after fork");
    assert_eq!(
        seen.child_private,
        trap::MARK,
        "the child's write landed in its own copy"
    );
    assert_eq!(
        seen.shared,
        u64::from(trap::MARK),
        "MAP_SHARED carries the write back"
    );
}

fn atomic_counts_are_exact_across_processes() {
    let atomic = count(PROCS, WINDOW, Increment::Atomic, LIMIT).unwrap();
    assert!(atomic.expected >= PROCS as u64);
    assert_eq!(atomic.total, atomic.expected);
    // Load-then-store may lose updates, never invent them.
    let plain = count(PROCS, WINDOW, Increment::LoadStore, LIMIT).unwrap();
    assert!(plain.total <= plain.expected, "{plain:?}");
}

fn a_hung_child_is_killed_and_reaped() {
    let child = fork_child(|| {
        loop {
            std::thread::sleep(Duration::from_secs(1));
        }
    })
    .unwrap();
    let pid = nix::unistd::Pid::from_raw(child.pid());
    let err = child.wait_timeout(Duration::from_millis(50)).unwrap_err();
    assert!(matches!(err, Error::Timeout(..)), "{err}");
    // Reaped: waitpid no longer knows it.
    assert_eq!(
        nix::sys::wait::waitpid(pid, None),
        Err(nix::errno::Errno::ECHILD)
    );
}

fn a_panicking_child_exits_101() {
    let child = fork_child(|| {
        std::panic::set_hook(Box::new(|_| {})); // quiet: the panic is the point
        panic!("boom in the child")
    })
    .unwrap();
    assert_eq!(child.wait_timeout(LIMIT).unwrap(), ExitCause::Exited(101));
}

fn fork_is_refused_while_other_threads_exist() {
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let t = std::thread::spawn(move || rx.recv());
    let err = fork_child(|| 0).unwrap_err();
    assert!(matches!(err, Error::MultiThreaded(2)), "{err}");
    drop(tx);
    let _ = t.join();
}

/// Joins and forks this many times: a just-joined thread lingering in
/// `/proc/self/task` must not make the fork fail.
const JOIN_THEN_FORK: usize = 20;

fn fork_right_after_joining_a_thread_is_allowed() {
    for _ in 0..JOIN_THEN_FORK {
        std::thread::spawn(|| std::hint::black_box(1 + 1))
            .join()
            .unwrap();
        let child = fork_child(|| 0).expect("the joined thread is gone (after a short settle)");
        assert_eq!(child.wait_timeout(LIMIT).unwrap(), ExitCause::Exited(0));
    }
}

fn main() {
    let tests: [(&str, fn()); 6] = [
        (
            "private_anon_map_does_not_reach_the_parent",
            private_anon_map_does_not_reach_the_parent,
        ),
        (
            "atomic_counts_are_exact_across_processes",
            atomic_counts_are_exact_across_processes,
        ),
        (
            "a_hung_child_is_killed_and_reaped",
            a_hung_child_is_killed_and_reaped,
        ),
        ("a_panicking_child_exits_101", a_panicking_child_exits_101),
        (
            "fork_is_refused_while_other_threads_exist",
            fork_is_refused_while_other_threads_exist,
        ),
        (
            "fork_right_after_joining_a_thread_is_allowed",
            fork_right_after_joining_a_thread_is_allowed,
        ),
    ];
    for (name, test) in tests {
        test();
        println!("test {name} ... ok");
    }
    println!("fork: {} tests passed", tests.len());
}
