//! `cargo xtask copy-out`: each demo crate, copied out of the workspace as
//! the README says (its folder, `contract/` and the sibling crates it
//! names by path, side by side, with the workspace's `Cargo.lock`), builds
//! on its own in a fresh temporary directory that no workspace lies above.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;

use crate::DEMOS;
use crate::manifests::inherited;
use crate::workspace::{cargo, metadata, package, report_problems, root, target_dir};

/// Copies and builds every demo; prints each problem and returns `true`
/// when every copy built.
pub fn run() -> anyhow::Result<bool> {
    let metadata = metadata()?;
    // One target directory for every copy, so the dependencies compile once.
    let target = target_dir().join("copy-out");
    prune(&target)?;
    let mut problems = Vec::new();
    for demo in DEMOS {
        let start = Instant::now();
        let folders = folders(&metadata, demo);
        eprintln!("==> copy-out: {demo} (copies {})", folders.join(", "));
        match copy_and_build(demo, &folders, &target) {
            Ok(()) => eprintln!(
                "==> copy-out: {demo} built in {:.0}s",
                start.elapsed().as_secs_f64()
            ),
            Err(e) => problems.push(format!("{demo}: {e:#}")),
        }
    }
    Ok(report_problems(
        "copy-out",
        &problems,
        "every demo crate builds as a plain copy outside the workspace",
    ))
}

/// What a user copies for `demo`: its folder, the sibling crates it
/// depends on by path (and theirs), and `contract/`.
///
/// ```
/// let m = serde_json::json!({"packages": [
///     {"name": "shared-mmap", "dependencies": [
///         {"name": "processes", "path": "/w/processes"}, {"name": "libc"}]},
///     {"name": "processes", "dependencies": [
///         {"name": "subprocess-pipes", "path": "/w/subprocess-pipes"}]},
///     {"name": "subprocess-pipes", "dependencies": []},
/// ]});
/// assert_eq!(
///     xtask::copy_out::folders(&m, "shared-mmap"),
///     ["shared-mmap", "processes", "subprocess-pipes", "contract"]
/// );
/// ```
pub fn folders(metadata: &Value, demo: &str) -> Vec<String> {
    let mut out = vec![demo.to_string()];
    let mut i = 0;
    while let Some(name) = out.get(i).cloned() {
        let deps = package(metadata, &name).and_then(|p| p["dependencies"].as_array());
        for dep in deps.into_iter().flatten() {
            if let (Some(dep), Some(_)) = (dep["name"].as_str(), dep["path"].as_str())
                && !out.iter().any(|o| o == dep)
            {
                out.push(dep.to_string());
            }
        }
        i += 1;
    }
    out.push("contract".to_string());
    out
}

/// Copies `folders` into a fresh temporary directory, checks that the copy
/// stands alone, and builds it offline into `target`.
fn copy_and_build(demo: &str, folders: &[String], target: &Path) -> anyhow::Result<()> {
    let tmp = tempfile::Builder::new().prefix("copy-out-").tempdir()?;
    if let Some(above) = tmp
        .path()
        .ancestors()
        .find(|d| d.join("Cargo.toml").exists())
    {
        anyhow::bail!(
            "{} has a Cargo.toml above it ({}): the copy would not stand alone; \
             point TMPDIR elsewhere",
            tmp.path().display(),
            above.display()
        );
    }
    for folder in folders {
        copy_dir(&root().join(folder), &tmp.path().join(folder))?;
    }
    let crate_dir = tmp.path().join(demo);
    std::fs::copy(root().join("Cargo.lock"), crate_dir.join("Cargo.lock"))?;
    for folder in folders.iter().filter(|f| *f != "contract") {
        let manifest = std::fs::read_to_string(tmp.path().join(folder).join("Cargo.toml"))?;
        let lines = inherited(&manifest);
        anyhow::ensure!(
            lines.is_empty(),
            "{folder}/Cargo.toml still inherits from a workspace: {}",
            lines.join("; ")
        );
    }
    // The copy is its own workspace: cargo found no other above it.
    let found = cargo()
        .current_dir(&crate_dir)
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .output()?;
    let root_manifest = PathBuf::from(String::from_utf8_lossy(&found.stdout).trim());
    anyhow::ensure!(
        found.status.success() && root_manifest == crate_dir.join("Cargo.toml"),
        "the copy's workspace root is {:?}, not the copy itself",
        root_manifest
    );
    // Whether it builds is the question: no debug info, no incremental
    // state (the copies are built once each), which saves time and disk.
    let status = cargo()
        .current_dir(&crate_dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .args(["build", "--quiet", "--offline", "--lib", "--bins"])
        .status()?;
    anyhow::ensure!(
        status.success(),
        "the copy does not build ({status}); re-run by hand: copy {} side by side \
         into an empty directory, Cargo.lock into {demo}/, then `cargo build --offline` in {demo}/",
        folders.join(", ")
    );
    Ok(())
}

/// Removes the previous copies' own build outputs from `target`: cargo
/// names a path crate's outputs by its absolute path, which is a new
/// temporary directory each run, so they would pile up; the dependencies'
/// outputs stay and are reused.
fn prune(target: &Path) -> anyhow::Result<()> {
    let local: Vec<String> = DEMOS
        .iter()
        .flat_map(|d| [format!("{d}-"), format!("{}-", d.replace('-', "_"))])
        .flat_map(|d| [format!("lib{d}"), d])
        .collect();
    for sub in ["deps", ".fingerprint", "build"] {
        let Ok(entries) = std::fs::read_dir(target.join("debug").join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if local.iter().any(|l| name.starts_with(l.as_str())) {
                let path = entry.path();
                if entry.file_type()?.is_dir() {
                    std::fs::remove_dir_all(&path)?;
                } else {
                    std::fs::remove_file(&path)?;
                }
            }
        }
    }
    Ok(())
}

/// Copies the directory `from` to `to`, files and subdirectories; a
/// `target` directory (a build's output) is left behind.
fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if name != "target" {
                copy_dir(&entry.path(), &to.join(&name))?;
            }
        } else {
            std::fs::copy(entry.path(), to.join(&name))
                .map_err(|e| anyhow::anyhow!("copying {}: {e}", entry.path().display()))?;
        }
    }
    Ok(())
}
