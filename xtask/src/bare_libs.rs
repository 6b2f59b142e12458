//! `cargo xtask bare-libs`: each demo crate's library without its `demo`
//! feature (`default-features = false`) builds, and pulls in none of the
//! demo's dependencies: a user who wants the primitives gets only what
//! they need.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::DEMOS;
use crate::workspace::{cargo, metadata, package, report_problems};

/// What no bare library may depend on, even through another crate: the
/// demos' command line, errors and JSON records, threads-sync's async
/// demo runtime and the report's charts. Each crate's own demo-only
/// dependencies (`dep:` entries of its `demo` feature) are refused too.
pub const NEVER: &[&str] = &["anyhow", "clap", "serde_json", "tokio", "plotters"];

/// Builds and inspects every demo's bare library; prints each problem
/// (naming the crate and the unwanted dependency) and returns `true` when
/// there is none.
pub fn run() -> anyhow::Result<bool> {
    let metadata = metadata()?;
    let mut problems = Vec::new();
    for demo in DEMOS {
        let Some(pkg) = package(&metadata, demo) else {
            problems.push(format!("{demo}: not a member of the workspace"));
            continue;
        };
        if !default_features(pkg).contains("demo") {
            problems.push(format!(
                "{demo}: no default `demo` feature (`[features] default = [\"demo\"]`)"
            ));
            continue;
        }
        eprintln!("==> bare-libs: {demo}");
        let status = cargo()
            .args([
                "build",
                "--quiet",
                "-p",
                demo,
                "--no-default-features",
                "--lib",
            ])
            .status()?;
        if !status.success() {
            problems.push(format!(
                "{demo}: the library does not build without the demo \
                 (cargo build -p {demo} --no-default-features --lib)"
            ));
            continue;
        }
        let tree = bare_tree(demo)?;
        for dep in unwanted(&tree, &demo_only(pkg)) {
            problems.push(format!(
                "{demo}: the library without the demo still depends on {dep} \
                 (see why: cargo tree -p {demo} --no-default-features -e normal -i {dep})"
            ));
        }
    }
    Ok(report_problems(
        "bare-libs",
        &problems,
        "every demo's library builds without the demo and its dependencies",
    ))
}

/// The names of every crate in `demo`'s normal dependency tree without
/// default features (the crate itself included).
fn bare_tree(demo: &str) -> anyhow::Result<BTreeSet<String>> {
    let out = cargo()
        .args(["tree", "-p", demo, "--no-default-features", "-e", "normal"])
        .args(["--prefix", "none", "--format", "{p}"])
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "cargo tree -p {demo} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(crate_names(&String::from_utf8_lossy(&out.stdout)))
}

/// The crate names in `cargo tree --prefix none` output (`name vX.Y.Z ...`).
///
/// ```
/// let tree = "threads-sync v0.1.0 (/w/threads-sync)\nthiserror v2.0.21\nthiserror-impl v2.0.21 (proc-macro)\n";
/// let names = xtask::bare_libs::crate_names(tree);
/// assert_eq!(names.into_iter().collect::<Vec<_>>(), ["thiserror", "thiserror-impl", "threads-sync"]);
/// ```
pub fn crate_names(tree: &str) -> BTreeSet<String> {
    tree.lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(String::from)
        .collect()
}

/// The dependencies in `tree` that a bare library must not have: those in
/// [`NEVER`] and the crate's own `demo_only` ones, in order.
///
/// ```
/// let tree = xtask::bare_libs::crate_names("a v1\nclap v4\ntokio v1\nserde v1\n");
/// let demo_only = ["tokio".to_string()].into();
/// assert_eq!(xtask::bare_libs::unwanted(&tree, &demo_only), ["clap", "tokio"]);
/// ```
pub fn unwanted(tree: &BTreeSet<String>, demo_only: &BTreeSet<String>) -> Vec<String> {
    tree.iter()
        .filter(|name| NEVER.contains(&name.as_str()) || demo_only.contains(*name))
        .cloned()
        .collect()
}

fn default_features(pkg: &Value) -> BTreeSet<String> {
    strings(&pkg["features"]["default"])
}

/// The optional dependencies that only the `demo` feature turns on
/// (`dep:tokio` in `demo = [...]`, or in a feature `demo` enables).
fn demo_only(pkg: &Value) -> BTreeSet<String> {
    let features = &pkg["features"];
    let mut seen = BTreeSet::new();
    let mut todo = vec!["demo".to_string()];
    let mut deps = BTreeSet::new();
    while let Some(feature) = todo.pop() {
        if !seen.insert(feature.clone()) {
            continue;
        }
        for item in strings(&features[&feature]) {
            match item.strip_prefix("dep:") {
                Some(dep) => {
                    deps.insert(dep.to_string());
                }
                None if !item.contains('/') => todo.push(item),
                None => {}
            }
        }
    }
    deps
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(String::from)
        .collect()
}
