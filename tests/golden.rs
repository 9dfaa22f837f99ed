//! Golden output: the demo site (the repository root) and a fixture site are built, and
//! their whole output trees (every file, HTML included) are compared byte for byte with
//! the expected trees in `tests/fixtures/golden/`: a changed, extra or missing file fails.
//!
//! After an intended change to the output, rewrite the expected trees with
//!
//! ```text
//! UPDATE_GOLDEN=1 cargo test --test main golden::
//! ```
//!
//! and review `git diff tests/fixtures/golden/` before committing it.
//!
//! Nothing in either tree varies between builds, so no file is left out: the build time
//! is fixed (`common::NOW`), and the demo's OpenPGP signatures (`.asc`) are deterministic
//! (Ed25519, with each document's `current_release_date` as signature time; see
//! `docs/signing.md`).

use std::fs;
use std::path::Path;

use crate::common::{self, tree};

/// How many differing files a failure shows in detail (the rest are named).
const SHOWN: usize = 5;
/// Characters of context shown either side of a file's first difference.
const CONTEXT: usize = 60;

fn golden_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden")
}

/// Builds the site at `root` into a temporary folder and returns its files.
fn build_tree(root: &Path) -> Vec<(String, Vec<u8>)> {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("public");
    let opts = psirt_site::BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.clone()),
        now: Some(common::now()),
        // Never a cache in the repository's fixture (or demo) folder.
        cache_dir: Some(dir.path().join("cache")),
        ..Default::default()
    };
    psirt_site::build(&opts).unwrap_or_else(|f| {
        panic!(
            "{}",
            psirt_site::diag::render(&f.diagnostics, &f.sources, Default::default())
        )
    });
    tree(&out)
}

/// Replaces the expected tree with `actual` (files that went away go too).
fn rewrite(expected: &Path, actual: &[(String, Vec<u8>)]) {
    if expected.exists() {
        fs::remove_dir_all(expected).expect("remove the old expected tree");
    }
    for (rel, bytes) in actual {
        let path = expected.join(rel);
        fs::create_dir_all(path.parent().expect("below the tree")).expect("mkdir");
        fs::write(&path, bytes).expect("write golden file");
    }
    eprintln!("wrote {} files to {}", actual.len(), expected.display());
}

/// Where two texts first differ, with some context of each.
fn first_difference(expected: &[u8], actual: &[u8]) -> String {
    let at = expected
        .iter()
        .zip(actual)
        .position(|(e, a)| e != a)
        .unwrap_or(expected.len().min(actual.len()));
    let line = 1 + expected[..at].iter().filter(|b| **b == b'\n').count();
    let window = |bytes: &[u8]| {
        let start = at.saturating_sub(CONTEXT);
        let end = (at + CONTEXT).min(bytes.len());
        String::from_utf8_lossy(&bytes[start.min(end)..end]).into_owned()
    };
    format!(
        "first difference at byte {at} (line {line}; {} bytes expected, {} actual)\n      expected: {:?}\n      actual:   {:?}",
        expected.len(),
        actual.len(),
        window(expected),
        window(actual)
    )
}

/// Every difference between the two trees, as readable lines (empty: identical).
fn differences(expected: &[(String, Vec<u8>)], actual: &[(String, Vec<u8>)]) -> Vec<String> {
    let expected: std::collections::BTreeMap<_, _> = expected.iter().cloned().collect();
    let actual: std::collections::BTreeMap<_, _> = actual.iter().cloned().collect();
    let mut found = Vec::new();
    for (rel, want) in &expected {
        match actual.get(rel) {
            None => found.push(format!("missing: {rel}")),
            Some(got) if got != want => {
                let detail = if found.len() < SHOWN {
                    format!("\n    {}", first_difference(want, got))
                } else {
                    String::new()
                };
                found.push(format!("changed: {rel}{detail}"));
            }
            Some(_) => {}
        }
    }
    let extra = actual.keys().filter(|rel| !expected.contains_key(*rel));
    found.extend(extra.map(|rel| format!("extra:   {rel}")));
    found
}

/// Compares the output of the site at `root` with the tree `tests/fixtures/golden/<name>`.
fn check_against_golden(root: &Path, name: &str) {
    let actual = build_tree(root);
    let expected_dir = golden_dir().join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        rewrite(&expected_dir, &actual);
        return;
    }
    assert!(
        expected_dir.is_dir(),
        "no expected tree at {}: run UPDATE_GOLDEN=1 cargo test --test main golden:: and review it",
        expected_dir.display()
    );
    let found = differences(&tree(&expected_dir), &actual);
    assert!(
        found.is_empty(),
        "the output differs from {} in {} files:\n  {}\nif the change is intended, run \
         UPDATE_GOLDEN=1 cargo test --test main golden:: and review the diff",
        expected_dir.display(),
        found.len(),
        found.join("\n  ")
    );
}

/// The demo site: every page, feed, CSAF file, signature, key and static file.
#[test]
fn the_demo_sites_whole_output_matches_the_golden_tree() {
    check_against_golden(Path::new(env!("CARGO_MANIFEST_DIR")), "demo");
}

/// A site below a path (`base_url` with `/security`) and without minification.
#[test]
fn a_fixture_sites_whole_output_matches_the_golden_tree() {
    check_against_golden(&golden_dir().join("site"), "expected");
}

#[test]
fn a_difference_is_shown_where_it_is() {
    let file = |text: &str| vec![("a.html".to_string(), text.as_bytes().to_vec())];
    let found = differences(&file("<p>one</p>\n<p>two</p>"), &file("<p>one</p>\n<p>too</p>"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("changed: a.html") && found[0].contains("line 2"),
        "{found:?}"
    );
    let more = vec![("b.xml".to_string(), Vec::new())];
    let found = differences(&file("x"), &more);
    assert_eq!(found, ["missing: a.html", "extra:   b.xml"]);
}
