//! Small helpers shared by the integration tests: readable durations and a
//! bounded poll, so no test can hang.
#![allow(dead_code, unreachable_pub)]

use std::time::{Duration, Instant};

/// `n` milliseconds.
pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The generous limit every blocking wait in the tests gets.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// Polls `cond` until it holds; panics after [`PATIENCE`] instead of hanging.
pub fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < PATIENCE, "timed out waiting for {what}");
        std::thread::sleep(ms(1));
    }
}

/// Asserts that a timed wait took about `expected` (at least it, as CPython's
/// `assertTimeout` does, and not absurdly longer).
pub fn assert_took(elapsed: Duration, expected: Duration) {
    assert!(
        elapsed + ms(1) >= expected,
        "returned early: {elapsed:?} < {expected:?}"
    );
    assert!(elapsed < expected + ms(5000), "far too slow: {elapsed:?}");
}

/// Runs `f` on another thread and returns what it returned: how the tests
/// ask "what does a thread that is not the owner see?".
pub fn on_another_thread<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| s.spawn(f).join().expect("the other thread panicked"))
}
