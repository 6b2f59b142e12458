//! Runs one demo binary in `--json` mode under a time limit: reads its
//! records as they arrive, validates each, keeps its stderr, and kills and
//! reaps the whole process group if it hangs.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::contract::record::Record;

/// How a demo run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// Exit 0, every line a valid record of this demo.
    Ok,
    /// The demo exited with a failure status.
    Failed(String),
    /// A stdout line was not a valid record (the line, and why).
    BadOutput(String),
    /// The demo ran past its limit and was killed.
    TimedOut(Duration),
    /// Ctrl-C (or SIGTERM) stopped the run.
    Interrupted,
}

/// Everything one run of a demo produced.
#[derive(Debug)]
pub struct Outcome {
    /// The demo's name.
    pub demo: String,
    /// Valid records with the seconds since the previous one (or the start).
    pub records: Vec<(Record, f64)>,
    /// How it ended.
    pub ending: Ending,
    /// The last lines of its stderr.
    pub stderr_tail: String,
    /// Wall time of the whole run.
    pub wall: Duration,
}

impl Outcome {
    /// True when the run counts as a success.
    pub fn ok(&self) -> bool {
        self.ending == Ending::Ok
    }
}

/// How long to wait for stdout to close after the demo itself has exited
/// (a leftover grandchild may hold it open).
const EXIT_GRACE: Duration = Duration::from_secs(2);
/// How many stderr lines to keep for the failure report.
const TAIL_LINES: usize = 20;
/// After an interrupt, how long the demo has to clean up after the SIGINT
/// forwarded to it, before its group is killed.
const INTERRUPT_GRACE: Duration = Duration::from_millis(500);

/// Runs `cmd` (a demo binary with its arguments, `--json` included) as a
/// process-group leader, under `limit`. `progress` is called for each valid
/// record as it arrives, with the seconds it took.
pub fn run_demo(
    demo: &str,
    mut cmd: Command,
    limit: Duration,
    mut progress: impl FnMut(&Record, f64),
) -> anyhow::Result<Outcome> {
    let start = Instant::now();
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = cmd
        .spawn()
        .map_err(|e| anyhow::anyhow!("starting {demo}: {e}"))?;
    let group = Group(child.id() as libc::pid_t);
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().expect("piped");
    let lines = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut stderr = child.stderr.take().expect("piped");
    let errors = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    });

    // A limit too long to be a deadline means none (no overflow panic).
    let deadline = start.checked_add(limit);
    let mut records = Vec::new();
    let mut ending = None;
    let mut last = start;
    let mut exited: Option<(ExitStatus, Instant)> = None;
    let mut forwarded: Option<Instant> = None;
    loop {
        if crate::interrupt::interrupted() {
            match forwarded {
                None => {
                    // The terminal's SIGINT reached xtask only: pass it on.
                    eprintln!(
                        "\nxtask: interrupted ({}); stopping {demo} and its process group",
                        crate::interrupt::signal_name()
                    );
                    group.signal(libc::SIGINT);
                    forwarded = Some(Instant::now());
                }
                Some(at) if exited.is_some() || at.elapsed() > INTERRUPT_GRACE => break,
                Some(_) => {}
            }
        }
        match rx.recv_timeout(Duration::from_millis(20)) {
            Ok(line) if line.trim().is_empty() => {}
            Ok(line) => match Record::parse_line(&line) {
                Ok(rec) if rec.demo == demo => {
                    let took = last.elapsed().as_secs_f64();
                    last = Instant::now();
                    progress(&rec, took);
                    records.push((rec, took));
                }
                Ok(rec) => {
                    ending.get_or_insert(Ending::BadOutput(format!(
                        "record of demo {:?} from {demo}: {line}",
                        rec.demo
                    )));
                }
                Err(e) => {
                    ending.get_or_insert(Ending::BadOutput(format!("{e}: {}", shorten(&line))));
                }
            },
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if exited.is_none()
            && let Some(status) = child.try_wait()?
        {
            exited = Some((status, Instant::now()));
        }
        if exited.is_some_and(|(_, at)| at.elapsed() > EXIT_GRACE) {
            break;
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            ending = Some(Ending::TimedOut(limit));
            break;
        }
    }
    // However the loop ended, a forwarded interrupt is how the run ended.
    if forwarded.is_some() {
        ending = Some(Ending::Interrupted);
    }
    // Whatever happened, nothing of the demo's process group outlives the run.
    group.signal(libc::SIGKILL);
    let status = match exited {
        Some((status, _)) => status,
        None => child.wait()?,
    };
    drop(rx);
    let _ = lines.join();
    let stderr = errors.join().unwrap_or_default();
    let ending = ending.unwrap_or_else(|| {
        if status.success() {
            Ending::Ok
        } else {
            Ending::Failed(describe(status))
        }
    });
    Ok(Outcome {
        demo: demo.to_string(),
        records,
        ending,
        stderr_tail: tail(&stderr, TAIL_LINES),
        wall: start.elapsed(),
    })
}

/// A process group to kill when the run ends.
///
/// xtask keeps this minimal guard instead of `subprocess_pipes::child::ChildGuard`,
/// the workspace's one kill-and-reap guard: xtask builds and runs the demo
/// crates, so it must not depend on one of them (a broken demo crate would
/// stop the runner that reports it broken, and every xtask command would
/// compile a demo first). Its Ctrl-C policy differs for the same reason:
/// it forwards the signal to the running demo, whose own policy then ends
/// that demo's children (see `interrupt.rs`).
struct Group(libc::pid_t);

impl Group {
    fn signal(&self, sig: libc::c_int) {
        // SAFETY: kill(2) with a negative pid signals the process group we
        // created with `process_group(0)`; it touches no memory of ours.
        // ESRCH (group already gone) is the normal case and is ignored.
        // The leader is not reaped until after the last signal, so the
        // group id cannot have been reused.
        unsafe {
            libc::kill(-self.0, sig);
        }
    }
}

/// Waits for `child` with a limit, killing and reaping it past the limit.
pub fn wait_with_limit(child: &mut Child, limit: Duration) -> anyhow::Result<Option<ExitStatus>> {
    let deadline = Instant::now().checked_add(limit);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            let _ = child.kill();
            child.wait()?;
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Runs `cmd` with its stdout piped and read on a thread (so that the
/// limit holds while it prints), under `limit` as [`wait_with_limit`]:
/// its exit status (`None`: killed at the limit) and what it printed.
pub fn stdout_with_limit(
    cmd: &mut Command,
    limit: Duration,
) -> anyhow::Result<(Option<ExitStatus>, String)> {
    let mut child = cmd.stdout(std::process::Stdio::piped()).spawn()?;
    let mut stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut out).map(|_| out)
    });
    let status = wait_with_limit(&mut child, limit)?;
    let out = reader.join().expect("the reader does not panic")?;
    Ok((status, out))
}

fn describe(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit status {code}"),
        (None, Some(sig)) => format!("killed by signal {sig}"),
        _ => status.to_string(),
    }
}

fn shorten(line: &str) -> String {
    let mut s: String = line.chars().take(120).collect();
    if s.len() < line.len() {
        s.push('…');
    }
    s
}

/// The last `n` lines of `text`.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
