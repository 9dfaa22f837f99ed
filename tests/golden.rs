//! Golden output: a fixture site is built and selected outputs are compared byte for byte
//! with `tests/fixtures/golden/expected/`. After an intended change, regenerate them with
//! `UPDATE_GOLDEN=1 cargo test --test golden` and review the diff.

mod common;

use std::fs;
use std::path::Path;

const FILES: &[&str] = &[
    ".well-known/csaf/white/2026/gold-2026-0001.json",
    ".well-known/csaf/white/2025/gold-2025-0001.json",
    ".well-known/csaf/white/index.txt",
    ".well-known/csaf/white/changes.csv",
    ".well-known/csaf/provider-metadata.json",
    ".well-known/csaf/csaf-feed-tlp-white.json",
    ".well-known/security.txt",
    "feeds/advisories.xml",
    "feeds/updates.xml",
    "sitemap.xml",
    "robots.txt",
];

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from).into_iter().flatten() {
        let rel = e.path().strip_prefix(from).expect("below");
        if rel.starts_with("expected") {
            continue;
        }
        let target = to.join(rel);
        if e.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else {
            fs::copy(e.path(), &target).expect("copy");
        }
    }
}

#[test]
fn outputs_match_the_golden_files() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden");
    let dir = tempfile::tempdir().expect("tmp");
    copy_dir(&fixture, dir.path());
    let opts = psirt_site::BuildOptions {
        root: dir.path().to_path_buf(),
        now: Some(common::now()),
        ..Default::default()
    };
    psirt_site::build(&opts).unwrap_or_else(|f| {
        panic!(
            "{}",
            psirt_site::diag::render(&f.diagnostics, &f.sources, Default::default())
        )
    });
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut mismatches = Vec::new();
    for rel in FILES {
        let actual = fs::read_to_string(dir.path().join("public").join(rel)).expect("output exists");
        let expected_path = fixture.join("expected").join(rel);
        if update {
            fs::create_dir_all(expected_path.parent().expect("parent")).expect("mkdir");
            fs::write(&expected_path, &actual).expect("write golden");
            continue;
        }
        let expected = fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            mismatches.push(format!("{rel} differs from {}", expected_path.display()));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{mismatches:#?}\nrun UPDATE_GOLDEN=1 cargo test --test golden and review the diff"
    );
}
