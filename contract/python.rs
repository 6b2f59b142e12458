//! CPython side by side: find an interpreter and run one of a crate's
//! `python/` scripts with a time limit, reading JSON lines from its stdout.
//!
//! An experiment that finds no Python says so and skips that part; it never
//! fails because of it.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{OnceLock, mpsc};
use std::time::Duration;

use serde_json::Value;
use subprocess_pipes::child::{ChildGuard, ExitCause};

/// A Python interpreter found on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Python {
    /// The interpreter to run.
    pub path: PathBuf,
    /// `(major, minor, micro)`.
    pub version: (u32, u32, u32),
}

impl Python {
    /// `explicit` if given, else `python3` on `PATH`; `None` when it does not run.
    /// The `python3` lookup runs once per process: several experiments of a
    /// run ask for it.
    pub fn find(explicit: Option<&Path>) -> Option<Python> {
        static DEFAULT: OnceLock<Option<Python>> = OnceLock::new();
        match explicit {
            Some(path) => Python::probe(path.to_path_buf()),
            None => DEFAULT
                .get_or_init(|| Python::probe(PathBuf::from("python3")))
                .clone(),
        }
    }

    /// Runs `path` to read its version; `None` when it does not run.
    fn probe(path: PathBuf) -> Option<Python> {
        let out = Command::new(&path)
            .args(["-c", "import sys; print('%d %d %d' % sys.version_info[:3])"])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()?;
        if !out.status.success() {
            return None;
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let mut parts = text.split_whitespace().map(|p| p.parse::<u32>().ok());
        let version = (parts.next()??, parts.next()??, parts.next()??);
        Some(Python { path, version })
    }

    /// `3.11.7`.
    pub fn version_string(&self) -> String {
        format!("{}.{}.{}", self.version.0, self.version.1, self.version.2)
    }

    /// Runs `script` with `args`, killing and reaping it after `limit`, and
    /// returns every JSON object it printed on stdout (one per line).
    ///
    /// The script runs as the leader of its own process group, and the whole
    /// group is killed when it ends or times out: `multiprocessing` workers
    /// inherit its stdout and would otherwise keep the pipe (and this call)
    /// open. stdout and stderr are drained on their own threads so a noisy
    /// script cannot block, and those threads are waited for with a deadline.
    pub fn run_json(
        &self,
        script: &Path,
        args: &[String],
        limit: Duration,
    ) -> anyhow::Result<Vec<Value>> {
        self.run_json_with_stdin(script, args, limit, Stdio::null())
    }

    /// As [`Python::run_json`], with `stdin` as the script's standard input:
    /// a pipe, a file, or a socket handed over (a listening socket passed
    /// this way is `socket.socket(fileno=0)` in the script).
    pub fn run_json_with_stdin(
        &self,
        script: &Path,
        args: &[String],
        limit: Duration,
        stdin: Stdio,
    ) -> anyhow::Result<Vec<Value>> {
        anyhow::ensure!(script.is_file(), "script {} not found", script.display());
        let name = script
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let mut cmd = Command::new(&self.path);
        cmd.arg(script).args(args);
        run_json_lines(cmd, &name, limit, stdin)
    }
}

/// Runs `cmd` (named `name` in errors) with `stdin`, as the leader of its
/// own process group, killing the group and reaping the leader after
/// `limit`, and returns every JSON object it printed on stdout (one per
/// line): [`Python::run_json`] for any program, such as a demo binary
/// running one of its own roles in a child.
pub fn run_json_lines(
    mut cmd: Command,
    name: &str,
    limit: Duration,
    stdin: Stdio,
) -> anyhow::Result<Vec<Value>> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut child = cmd
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| anyhow::anyhow!("starting {program}: {e}"))?;
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    // The one child guard of the workspace, as a group leader: the group is
    // killed when the leader ends or times out, and the leader reaped, also
    // on an early error return (drop). Listed for the Ctrl-C policy.
    let mut group = ChildGuard::from_child(child).into_group_leader();
    let out = drain(stdout.expect("piped"))?;
    let err = drain(stderr.expect("piped"))?;
    // Leftover workers of the script die with the group, closing the pipes.
    let status = group.wait_timeout(limit)?;
    let _ = group.kill();
    let grace = Duration::from_secs(2);
    let stdout = out.recv_timeout(grace).unwrap_or_default();
    let stderr = err.recv_timeout(grace).unwrap_or_default();
    let status = status.ok_or_else(|| anyhow::anyhow!("{name} ran past {limit:?}; killed"))?;
    if status != ExitCause::Exited(0) {
        let lines: Vec<&str> = stderr.lines().collect();
        let tail = lines[lines.len().saturating_sub(5)..].join("\n");
        anyhow::bail!("{name} failed ({status}): {tail}");
    }
    stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| anyhow::anyhow!("{name} printed {l:?}: {e}")))
        .collect()
}

/// Reads all of `r` on its own thread; the text arrives on the channel. A
/// thread that cannot start (`ulimit -u`) is an error, not a panic.
fn drain(mut r: impl Read + Send + 'static) -> anyhow::Result<mpsc::Receiver<String>> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("python output".into())
        .spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            let _ = tx.send(String::from_utf8_lossy(&buf).into_owned());
        })
        .map_err(|e| anyhow::anyhow!("starting a thread to read python's output: {e}"))?;
    Ok(rx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(dir: &Path, body: &str) -> PathBuf {
        let path = dir.join("s.py");
        std::fs::write(&path, body).unwrap();
        path
    }

    #[test]
    fn json_lines_come_back_and_failures_carry_stderr() {
        let Some(py) = Python::find(None) else { return };
        let dir = std::env::temp_dir().join(format!("contract-py-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ok = script(&dir, "print('{\"a\": 1}')\nprint('{\"b\": 2}')\n");
        let got = py.run_json(&ok, &[], Duration::from_secs(20)).unwrap();
        assert_eq!(
            got,
            vec![serde_json::json!({"a": 1}), serde_json::json!({"b": 2})]
        );
        let bad = script(
            &dir,
            "import sys\nsys.stderr.write('boom\\n')\nsys.exit(3)\n",
        );
        let e = py
            .run_json(&bad, &[], Duration::from_secs(20))
            .unwrap_err()
            .to_string();
        assert!(e.contains("boom"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_hung_script_and_its_children_are_killed_at_the_limit() {
        let Some(py) = Python::find(None) else { return };
        let dir = std::env::temp_dir().join(format!("contract-hang-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // A grandchild inherits stdout and outlives the script unless its group dies.
        let pidfile = dir.join("grandchild.pid");
        let body = format!(
            "import subprocess, time\n\
             p = subprocess.Popen(['sleep', '60'])\n\
             open({:?}, 'w').write(str(p.pid))\n\
             time.sleep(60)\n",
            pidfile.display().to_string()
        );
        let hang = script(&dir, &body);
        let start = std::time::Instant::now();
        let limit = Duration::from_millis(1500);
        let e = py.run_json(&hang, &[], limit).unwrap_err().to_string();
        assert!(e.contains("ran past"), "{e}");
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "took {:?}",
            start.elapsed()
        );
        let pid = std::fs::read_to_string(&pidfile).expect("the grandchild started in time");
        let stat = format!("/proc/{}/stat", pid.trim());
        let gone = (0..250).any(|_| {
            let s = std::fs::read_to_string(&stat).unwrap_or_default();
            // Gone, or a zombie waiting for init to reap it: no longer running.
            let done = s.is_empty() || s.split_whitespace().nth(2) == Some("Z");
            if !done {
                std::thread::sleep(Duration::from_millis(20));
            }
            done
        });
        assert!(
            gone,
            "grandchild {} outlived the script's group",
            pid.trim()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
