//! CPython side by side: find an interpreter and run one of a crate's
//! `python/` scripts with a time limit, reading JSON lines from its stdout.
//!
//! An experiment that finds no Python says so and skips that part; it never
//! fails because of it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

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
    pub fn find(explicit: Option<&Path>) -> Option<Python> {
        let path = explicit.map_or_else(|| PathBuf::from("python3"), Path::to_path_buf);
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
    /// stderr is drained on its own thread so a noisy script cannot block.
    pub fn run_json(
        &self,
        script: &Path,
        args: &[String],
        limit: Duration,
    ) -> anyhow::Result<Vec<Value>> {
        anyhow::ensure!(script.is_file(), "script {} not found", script.display());
        let mut child = Command::new(&self.path)
            .arg(script)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| anyhow::anyhow!("starting {}: {e}", self.path.display()))?;
        let mut stdout = child.stdout.take().expect("piped");
        let mut stderr = child.stderr.take().expect("piped");
        let out = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stdout.read_to_string(&mut s);
            s
        });
        let err = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stderr.read_to_string(&mut s);
            s
        });
        let deadline = Instant::now() + limit;
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break Some(status);
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let stdout = out.join().unwrap_or_default();
        let stderr = err.join().unwrap_or_default();
        let name = script.file_name().unwrap_or_default().to_string_lossy();
        let status = status.ok_or_else(|| anyhow::anyhow!("{name} ran past {limit:?}; killed"))?;
        if !status.success() {
            let tail: String = stderr
                .lines()
                .rev()
                .take(5)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n");
            anyhow::bail!("{name} failed ({status}): {tail}");
        }
        stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                serde_json::from_str(l).map_err(|e| anyhow::anyhow!("{name} printed {l:?}: {e}"))
            })
            .collect()
    }
}
