//! Where things are: the workspace root, the cargo to run, and the demo
//! binaries built once in release.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The workspace root: the parent of xtask's manifest directory.
pub fn root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// Cargo's target directory: `$CARGO_TARGET_DIR` when set (relative to
/// the workspace root if relative), else `target` in the root.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) if !d.is_empty() => {
            let d = PathBuf::from(d);
            if d.is_absolute() { d } else { root().join(d) }
        }
        _ => root().join("target"),
    }
}

/// A `cargo` command (from `$CARGO`, as cargo sets it for `cargo xtask`),
/// run in the workspace root.
pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root());
    cmd
}

/// `cargo metadata --no-deps` of the workspace: its members, their
/// dependencies as written and their features.
pub fn metadata() -> anyhow::Result<serde_json::Value> {
    let out = cargo()
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .stderr(Stdio::inherit())
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "cargo metadata failed ({})",
        out.status
    );
    Ok(serde_json::from_slice(&out.stdout)?)
}

/// The package named `name` in [`metadata`]'s output.
pub fn package<'m>(metadata: &'m serde_json::Value, name: &str) -> Option<&'m serde_json::Value> {
    metadata["packages"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == name)
}

/// How a check task ends: prints each of `problems` prefixed with `task`,
/// or `all_good` when there is none; `true` when there is none.
pub fn report_problems(task: &str, problems: &[String], all_good: &str) -> bool {
    for p in problems {
        eprintln!("{task}: {p}");
    }
    if problems.is_empty() {
        eprintln!("{task}: {all_good}");
    }
    problems.is_empty()
}

/// Builds `demos` in release with one cargo invocation and returns each
/// binary's path, read from cargo's own JSON messages (so any target
/// directory works).
pub fn build_release(demos: &[&str]) -> anyhow::Result<BTreeMap<String, PathBuf>> {
    let mut cmd = cargo();
    cmd.args([
        "build",
        "--release",
        "--message-format=json-render-diagnostics",
    ]);
    for d in demos {
        cmd.args(["--package", d, "--bin", d]);
    }
    let mut child = cmd.stdout(Stdio::piped()).spawn()?;
    let mut bins = BTreeMap::new();
    for line in std::io::BufReader::new(child.stdout.take().expect("piped")).lines() {
        let msg: serde_json::Value = match serde_json::from_str(&line?) {
            Ok(v) => v,
            Err(_) => continue,
        };
        if msg["reason"] == "compiler-artifact"
            && let (Some(name), Some(exe)) =
                (msg["target"]["name"].as_str(), msg["executable"].as_str())
            && demos.contains(&name)
        {
            bins.insert(name.to_string(), PathBuf::from(exe));
        }
    }
    let status = child.wait()?;
    anyhow::ensure!(status.success(), "cargo build --release failed ({status})");
    for d in demos {
        anyhow::ensure!(bins.contains_key(*d), "cargo built no binary for {d}");
    }
    Ok(bins)
}
