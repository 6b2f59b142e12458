//! `cargo xtask ci`: every check, in order; all of them run even when one
//! fails, and the end says which failed and how to re-run each.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use crate::workspace::{cargo, root};

/// One check: a cargo command with its environment.
#[derive(Debug, Clone)]
pub struct Step {
    /// Short name.
    pub name: &'static str,
    /// cargo's arguments.
    pub args: Vec<&'static str>,
    /// Extra environment.
    pub env: Vec<(&'static str, &'static str)>,
}

impl Step {
    fn new(name: &'static str, args: &[&'static str]) -> Step {
        Step {
            name,
            args: args.to_vec(),
            env: Vec::new(),
        }
    }

    fn env(mut self, key: &'static str, value: &'static str) -> Step {
        self.env.push((key, value));
        self
    }

    /// The shell line that re-runs this step.
    pub fn rerun(&self) -> String {
        let env: String = self
            .env
            .iter()
            .map(|(k, v)| format!("{k}='{v}' "))
            .collect();
        format!("{env}cargo {}", self.args.join(" "))
    }

    fn command(&self) -> Command {
        let mut cmd = cargo();
        cmd.args(&self.args);
        cmd.envs(self.env.iter().copied());
        cmd
    }
}

/// The checks, in the order they run. `clippy-bare`, `bare-libs` and
/// `copy-out` check what the READMEs promise a user who copies a demo crate
/// out: its library alone, and the copy building outside the workspace.
/// The loom models run when `threads-sync/tests/loom.rs` exists, in their own target directory so the
/// `--cfg threads_sync_loom` build does not invalidate the normal one, and
/// without the demo (that build models the primitives only).
pub fn steps(root: &Path) -> Vec<Step> {
    let mut steps = vec![
        Step::new("fmt", &["fmt", "--all", "--check"]),
        Step::new("manifests", &["xtask", "manifests"]),
        Step::new(
            "clippy",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
        // The libraries without their demos (`default-features = false`),
        // tests and doctests included, lint clean too.
        Step::new(
            "clippy-bare",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--no-default-features",
                "--",
                "-D",
                "warnings",
            ],
        ),
        Step::new("test", &["test", "--workspace"]),
        Step::new("doc", &["doc", "--workspace", "--no-deps"]).env("RUSTDOCFLAGS", "-D warnings"),
        Step::new("bare-libs", &["xtask", "bare-libs"]),
        Step::new("copy-out", &["xtask", "copy-out"]),
    ];
    if root.join("threads-sync/tests/loom.rs").is_file() {
        steps.push(
            Step::new(
                "loom",
                &[
                    "test",
                    "--release",
                    "-p",
                    "threads-sync",
                    "--no-default-features",
                    "--test",
                    "loom",
                    "--target-dir",
                    "target/loom",
                ],
            )
            .env("RUSTFLAGS", "--cfg threads_sync_loom")
            .env("LOOM_MAX_PREEMPTIONS", "2"),
        );
    }
    // Three rounds: CI shows whether a verdict is stable, and fails only on a
    // demo that failed or hung, never on a verdict. The report is drawn from
    // the same rounds, and `--strict` fails it when a chart or advice row
    // names a figure that no experiment produced.
    steps.push(Step::new(
        "report",
        &[
            "xtask",
            "report",
            "--quick",
            "--strict",
            "--repeat",
            "3",
            "--out",
            "target/ci-report",
        ],
    ));
    steps
}

/// Runs every step; returns `true` when all passed.
pub fn run() -> anyhow::Result<bool> {
    let mut failed = Vec::new();
    for step in steps(&root()) {
        eprintln!("\n==> ci: {} ({})", step.name, step.rerun());
        let start = Instant::now();
        let status = step.command().status()?;
        if crate::interrupt::interrupted() {
            return Ok(false);
        }
        let secs = start.elapsed().as_secs_f64();
        if status.success() {
            eprintln!("==> ci: {} passed in {secs:.0}s", step.name);
        } else {
            eprintln!("==> ci: {} FAILED ({status}) in {secs:.0}s", step.name);
            failed.push(step);
        }
    }
    if failed.is_empty() {
        eprintln!("\nci: all steps passed");
        return Ok(true);
    }
    eprintln!("\nci: {} step(s) failed; re-run each with:", failed.len());
    for step in &failed {
        eprintln!("  {:<8} {}", step.name, step.rerun());
    }
    Ok(false)
}
