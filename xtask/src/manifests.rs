//! `cargo xtask manifests`: every member's `Cargo.toml` stands alone (no
//! `.workspace = true`), and the members agree on what they share (each
//! dependency's version and features, the package fields, the lint table),
//! so a crate copied out of the workspace builds the same as it does here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::workspace::{metadata, report_problems, root};

/// Dependencies each crate may enable different features of: nix's
/// features are the OS APIs a crate calls, and each enables only its own.
pub const OWN_FEATURES: &[&str] = &["nix"];

/// Lints a crate adds to the common table, and why: threads-sync declares
/// the cfg of its loom build (`--cfg threads_sync_loom`).
pub const OWN_LINTS: &[(&str, &str)] = &[("threads-sync", "rust.unexpected_cfgs")];

/// Runs the check on this workspace; prints every problem and returns
/// `true` when there is none.
pub fn run() -> anyhow::Result<bool> {
    let found = problems(&metadata()?, &root())?;
    Ok(report_problems(
        "manifests",
        &found,
        "every member stands alone and they agree",
    ))
}

/// Every problem with the members that `metadata` (`cargo metadata
/// --no-deps`) lists, their manifests read from disk.
pub fn problems(metadata: &Value, root: &Path) -> anyhow::Result<Vec<String>> {
    let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
    let mut found = Vec::new();
    let mut lints = BTreeMap::new();
    for pkg in &packages {
        let name = pkg["name"].as_str().unwrap_or("?");
        let path = pkg["manifest_path"].as_str().unwrap_or_default();
        let text =
            std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("reading {path}: {e}"))?;
        for line in inherited(&text) {
            found.push(format!("{name} inherits from the workspace: `{line}`"));
        }
        lints.insert(name.to_string(), lint_table(&text));
        found.extend(path_deps(name, pkg, root));
    }
    found.extend(disagreements(&packages));
    found.extend(lint_disagreements(&lints));
    Ok(found)
}

/// The lines of a manifest that inherit from a workspace
/// (`edition.workspace = true`, `serde = { workspace = true }`,
/// `[lints] workspace = true`); comments are ignored.
///
/// ```
/// let toml = "[package]\nedition.workspace = true\n# workspace = true\n[lints]\nworkspace = true\n";
/// assert_eq!(xtask::manifests::inherited(toml), ["edition.workspace = true", "workspace = true"]);
/// ```
pub fn inherited(manifest: &str) -> Vec<String> {
    manifest
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| {
            let squeezed: String = l.chars().filter(|c| !c.is_whitespace()).collect();
            squeezed.contains("workspace=true")
        })
        .map(String::from)
        .collect()
}

/// The `[lints.*]` tables of a manifest as `table.lint -> value`, the
/// value with its spaces removed.
///
/// ```
/// let toml = "[lints.rust]\nunreachable_pub = \"warn\"\n\n[lints.clippy]\nall = { level = \"warn\" }\n[dependencies]\nx = \"1\"\n";
/// let lints = xtask::manifests::lint_table(toml);
/// assert_eq!(lints["rust.unreachable_pub"], "\"warn\"");
/// assert_eq!(lints["clippy.all"], "{level=\"warn\"}");
/// assert_eq!(lints.len(), 2);
/// ```
pub fn lint_table(manifest: &str) -> BTreeMap<String, String> {
    let mut table: Option<String> = None;
    let mut lints = BTreeMap::new();
    for line in manifest.lines() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if let Some(header) = line.strip_prefix('[') {
            let header = header.trim_end_matches(']').trim();
            table = header.strip_prefix("lints.").map(String::from);
        } else if let (Some(t), Some((key, value))) = (&table, line.split_once('=')) {
            let value: String = value.chars().filter(|c| !c.is_whitespace()).collect();
            lints.insert(format!("{t}.{}", key.trim()), value);
        }
    }
    lints
}

/// A sibling crate is named by `path = "../<name>"`: the layout a user
/// copies.
fn path_deps(name: &str, pkg: &Value, root: &Path) -> Vec<String> {
    let deps = pkg["dependencies"].as_array().cloned().unwrap_or_default();
    deps.iter()
        .filter_map(|d| Some((d["name"].as_str()?, d["path"].as_str()?)))
        .filter(|(dep, path)| Path::new(path) != root.join(dep))
        .map(|(dep, path)| format!("{name} names {dep} at {path}, not as the sibling ../{dep}"))
        .collect()
}

/// Shared package fields and registry dependencies that differ between
/// packages.
pub fn disagreements(packages: &[Value]) -> Vec<String> {
    let mut specs: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for pkg in packages {
        let name = pkg["name"].as_str().unwrap_or("?").to_string();
        for field in ["edition", "rust_version", "license", "publish"] {
            let value = pkg[field].to_string();
            let key = format!("package field `{field}`");
            specs
                .entry(key)
                .or_default()
                .entry(value)
                .or_default()
                .insert(name.clone());
        }
        for dep in pkg["dependencies"].as_array().into_iter().flatten() {
            let source = dep["source"].as_str().unwrap_or_default();
            let Some(dep_name) = dep["name"]
                .as_str()
                .filter(|_| source.starts_with("registry+"))
            else {
                continue;
            };
            let key = format!("dependency `{dep_name}`");
            let spec = spec(dep, !OWN_FEATURES.contains(&dep_name));
            specs
                .entry(key)
                .or_default()
                .entry(spec)
                .or_default()
                .insert(name.clone());
        }
    }
    differing(specs)
}

/// What must agree about a dependency: its version requirement, default
/// features, and (unless each crate picks its own) its features.
fn spec(dep: &Value, with_features: bool) -> String {
    let req = dep["req"].as_str().unwrap_or("?");
    let defaults = if dep["uses_default_features"] == Value::Bool(false) {
        ", default-features = false"
    } else {
        ""
    };
    let features: BTreeSet<&str> = dep["features"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if with_features {
        format!("`{req}{defaults}, features {features:?}`")
    } else {
        format!("`{req}{defaults}`")
    }
}

/// Lints whose level differs between members, or that some members lack,
/// apart from [`OWN_LINTS`].
pub fn lint_disagreements(lints: &BTreeMap<String, BTreeMap<String, String>>) -> Vec<String> {
    let keys: BTreeSet<&String> = lints.values().flat_map(BTreeMap::keys).collect();
    let mut by_lint: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (name, table) in lints {
        for &key in &keys {
            if OWN_LINTS.contains(&(name.as_str(), key.as_str())) {
                continue;
            }
            let value = table
                .get(key)
                .map_or("no entry".to_string(), |v| format!("`{v}`"));
            let lint = format!("lint `{key}`");
            by_lint
                .entry(lint)
                .or_default()
                .entry(value)
                .or_default()
                .insert(name.clone());
        }
    }
    differing(by_lint)
}

/// One line per `what` whose members hold more than one value.
fn differing(by_what: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>) -> Vec<String> {
    by_what
        .into_iter()
        .filter(|(_, by_value)| by_value.len() > 1)
        .map(|(what, by_value)| {
            let each: Vec<String> = by_value
                .iter()
                .map(|(value, crates)| {
                    let crates: Vec<&str> = crates.iter().map(String::as_str).collect();
                    format!("{}: {value}", crates.join(", "))
                })
                .collect();
            format!("members disagree on {what}: {}", each.join("; "))
        })
        .collect()
}
