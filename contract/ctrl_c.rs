//! The demo contract's Ctrl-C clause, as a check each demo's tests run:
//! a `SIGINT` mid-run ends the demo with status 130 at once, saying what it
//! killed, no process of the run is left, whichever process group it
//! leads, and no file is left in its temporary directory.
//!
//! The run is marked with an environment variable, which every process it
//! starts inherits ([`subprocess_pipes::child::running_with_env`]), and
//! given a `TMPDIR` of the caller's, which the check finds empty at the
//! end; the signal goes to the demo's process group, as a terminal sends
//! it. (Shared memory here is memfds and anonymous maps, which end with the
//! last process that holds them: no process left means none is left.)

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use subprocess_pipes::child::running_with_env;

/// What the Ctrl-C policy says on stderr when it ends a run
/// (`subprocess_pipes::interrupt`).
const SAYS: &str = "SIGINT: interrupted; killed";

/// The variable that marks a run's processes.
const MARK: &str = "CONCURRENCY_LAB_RUN";

/// How long the demo may take to exit after the signal, and its processes to go.
const EXIT_LIMIT: Duration = Duration::from_secs(5);
const GONE_LIMIT: Duration = Duration::from_secs(1);

/// How an interrupted run ended, when it kept the clause.
#[derive(Debug)]
pub struct Interrupted {
    /// What the demo printed on stdout before it ended.
    pub stdout: String,
    /// What it printed on stderr (it names what it killed).
    pub stderr: String,
    /// From the signal to the demo's exit.
    pub took: Duration,
}

/// Whether `pid` leads a process group (field 5 of `/proc/<pid>/stat`): a
/// child the terminal's Ctrl-C does not reach.
pub fn leads_group(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        let rest = s.rsplit_once(')').map_or("", |(_, r)| r);
        rest.split_whitespace().nth(2) == Some(pid.to_string().as_str())
    })
}

/// Runs `exe args` in a process group of its own with `TMPDIR=tmp` (an
/// empty directory), waits (up to `start`) until one of its processes other
/// than itself leads a group of its own, sends `SIGINT` to the demo's
/// group, and checks the clause. An `Err` says what broke it.
pub fn sigint_mid_run(
    exe: &Path,
    args: &[&str],
    start: Duration,
    tmp: &Path,
) -> Result<Interrupted, String> {
    // One mark per run, not per test process: two of these clauses running
    // side by side in one test binary would otherwise each see the other's
    // demo (which leads its own group) as a started child, and send
    // Ctrl-C before their own demo had set up its handler.
    static RUNS: AtomicU64 = AtomicU64::new(0);
    let mark = format!(
        "{}-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::Relaxed),
        exe.display()
    );
    let mut demo = Command::new(exe)
        .args(args)
        .env(MARK, &mark)
        .env("TMPDIR", tmp)
        .process_group(0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("starting {}: {e}", exe.display()))?;
    // Drained on threads, so that a talkative demo never blocks on a full pipe.
    let drain = |r: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            if let Some(mut r) = r {
                let _ = r.read_to_string(&mut s);
            }
            s
        })
    };
    let out = drain(demo.stdout.take().map(|o| Box::new(o) as _));
    let err = drain(demo.stderr.take().map(|e| Box::new(e) as _));
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
    let Some(status) = wait_within(&mut demo, EXIT_LIMIT).map_err(|e| e.to_string())? else {
        let _ = demo.kill();
        let _ = demo.wait();
        return Err(format!("still running {EXIT_LIMIT:?} after SIGINT"));
    };
    let took = sent.elapsed();
    if status.code() != Some(130) {
        let stderr = err.join().unwrap_or_default();
        return Err(format!("ended with {status}, not 130: {stderr}"));
    }
    while !run().is_empty() {
        if sent.elapsed() > GONE_LIMIT {
            return Err(format!("{:?} outlived the demo by {GONE_LIMIT:?}", run()));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // Every process is gone, so both pipes are closed: the threads end.
    let (stdout, stderr) = (
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    );
    if !stderr.contains(SAYS) {
        return Err(format!("no {SAYS:?} on stderr: {stderr}"));
    }
    let left = files_under(tmp);
    if !left.is_empty() {
        return Err(format!("left in its temporary directory: {left:?}"));
    }
    Ok(Interrupted {
        stdout,
        stderr,
        took,
    })
}

/// Waits up to `limit` for `child` to exit: its status, or `None` while it
/// still runs (std's `Child` has no timed wait).
pub fn wait_within(
    child: &mut std::process::Child,
    limit: Duration,
) -> std::io::Result<Option<std::process::ExitStatus>> {
    let until = Instant::now() + limit;
    loop {
        if let Some(s) = child.try_wait()? {
            return Ok(Some(s));
        }
        if Instant::now() >= until {
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// Every path under `dir` (none when it cannot be read).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        }
        out.push(p);
    }
    out
}
