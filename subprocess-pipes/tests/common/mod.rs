//! Helpers shared by the integration tests: start a worker child, check that a pid left no zombie.

#![allow(dead_code, unreachable_pub)]

use std::path::Path;
use std::time::{Duration, Instant};

use subprocess_pipes::popen::Popen;

/// The demo binary, built by cargo for the integration tests.
pub const EXE: &str = env!("CARGO_BIN_EXE_subprocess-pipes");

/// Milliseconds, for readable timeouts.
pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Starts the demo binary as a worker in `role`.
pub fn worker(role: &str) -> Popen {
    Popen::spawn(subprocess_pipes::worker::command(Path::new(EXE), role)).expect("start worker")
}

/// The state letter of process `pid` (`R`, `S`, `Z`, ...) and its parent, or
/// `None` when it no longer exists (it was reaped).
pub fn proc_state(pid: u32) -> Option<(char, u32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) S ppid ...": comm may contain spaces, so split after the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut f = rest.split_whitespace();
    let state = f.next()?.chars().next()?;
    let ppid = f.next()?.parse().ok()?;
    Some((state, ppid))
}

/// Asserts that `pid` is neither running nor a zombie child of this process.
pub fn assert_reaped(pid: u32) {
    // A reaped pid disappears at once; allow a moment for the kernel anyway.
    let until = Instant::now() + ms(500);
    loop {
        match proc_state(pid) {
            None => return,
            Some((_, ppid)) if ppid != std::process::id() => return, // pid reused by a stranger
            Some(state) if Instant::now() > until => {
                panic!("child {pid} not reaped: state {state:?}")
            }
            Some(_) => std::thread::sleep(ms(10)),
        }
    }
}
