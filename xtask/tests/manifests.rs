//! The manifest check: what counts as two members disagreeing.

use serde_json::{Value, json};
use xtask::manifests::{disagreements, lint_disagreements, lint_table};

fn pkg(name: &str, deps: Value) -> Value {
    json!({"name": name, "edition": "2024", "rust_version": "1.88",
           "license": "MIT", "publish": [], "dependencies": deps})
}

fn dep(name: &str, req: &str, features: &[&str]) -> Value {
    json!({"name": name, "source": "registry+https://github.com/rust-lang/crates.io-index",
           "req": req, "uses_default_features": true, "features": features})
}

#[test]
fn a_dropped_feature_is_a_disagreement_naming_the_crates() {
    let a = pkg("a", json!([dep("serde_json", "^1", &["preserve_order"])]));
    let b = pkg("b", json!([dep("serde_json", "^1", &[])]));
    let found = disagreements(&[a, b]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("`serde_json`") && found[0].contains("b: `^1, features {}`"));
}

#[test]
fn versions_must_agree_but_nix_features_are_each_crates_own() {
    let a = pkg(
        "a",
        json!([dep("nix", "^0.31", &["process"]), dep("bincode", "^2", &[])]),
    );
    let b = pkg(
        "b",
        json!([dep("nix", "^0.31", &["mman"]), dep("bincode", "^3", &[])]),
    );
    let found = disagreements(&[a, b]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("`bincode`"), "{found:?}");
}

#[test]
fn a_missing_lint_is_a_disagreement() {
    let full =
        lint_table("[lints.rust]\nunreachable_pub = \"warn\"\n[lints.clippy]\nall = \"warn\"\n");
    let short = lint_table("[lints.clippy]\nall = \"warn\"\n");
    let lints = [("a".to_string(), full), ("b".to_string(), short)].into();
    let found = lint_disagreements(&lints);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("b: no entry"), "{found:?}");
}
