//! The demo contract's Ctrl-C clause, as a check each demo's tests run:
//! a `SIGINT` mid-run ends the demo with status 130 at once, and no process
//! of the run is left, whichever process group it leads.
//!
//! The run is marked with an environment variable, which every process it
//! starts inherits ([`subprocess_pipes::child::running_with_env`]); the
//! signal goes to the demo's process group, as a terminal sends it.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use subprocess_pipes::child::running_with_env;

/// The variable that marks a run's processes.
const MARK: &str = "CONCURRENCY_LAB_RUN";

/// How long the demo may take to exit after the signal, and its processes to go.
const EXIT_LIMIT: Duration = Duration::from_secs(5);
const GONE_LIMIT: Duration = Duration::from_secs(1);

/// Whether `pid` leads a process group (field 5 of `/proc/<pid>/stat`): a
/// child the terminal's Ctrl-C does not reach.
pub fn leads_group(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        let rest = s.rsplit_once(')').map_or("", |(_, r)| r);
        rest.split_whitespace().nth(2) == Some(pid.to_string().as_str())
    })
}

/// Runs `exe args` in a process group of its own, waits (up to `start`)
/// until one of its processes other than itself leads a group of its own,
/// sends `SIGINT` to the demo's group, and checks the clause. Returns the
/// demo's stderr; an `Err` says what broke the clause.
pub fn sigint_mid_run(exe: &Path, args: &[&str], start: Duration) -> Result<String, String> {
    let mark = format!("{}-{}", std::process::id(), exe.display());
    let mut demo = Command::new(exe)
        .args(args)
        .env(MARK, &mark)
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("starting {}: {e}", exe.display()))?;
    let me = demo.id();
    let run = || running_with_env(MARK, &mark).unwrap_or_default();
    let until = Instant::now() + start;
    while !run().into_iter().any(|p| p != me && leads_group(p)) {
        if Instant::now() > until || demo.try_wait().ok().flatten().is_some() {
            let _ = demo.kill();
            let _ = demo.wait();
            return Err(format!("no child leading its own group within {start:?}"));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = killpg(Pid::from_raw(me as i32), Signal::SIGINT);
    let sent = Instant::now();
    let status = loop {
        if let Some(s) = demo.try_wait().map_err(|e| e.to_string())? {
            break s;
        }
        if sent.elapsed() > EXIT_LIMIT {
            let _ = demo.kill();
            let _ = demo.wait();
            return Err(format!("still running {EXIT_LIMIT:?} after SIGINT"));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let mut err = String::new();
    if let Some(mut e) = demo.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut err);
    }
    if status.code() != Some(130) {
        return Err(format!("ended with {status}, not 130: {err}"));
    }
    while !run().is_empty() {
        if sent.elapsed() > GONE_LIMIT {
            return Err(format!(
                "{:?} outlived the demo by {GONE_LIMIT:?}: {err}",
                run()
            ));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    Ok(err)
}
