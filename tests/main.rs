//! The integration tests, in one test binary: linking one binary instead of one per file
//! is most of what `cargo test` spends after a change to the library. Each file of
//! `tests/` is a module here and keeps its name, so a test is still `file::name`
//! (`cargo test --test main leaks::` runs the tests of `tests/leaks.rs`).
//!
//! `Cargo.toml` turns off the automatic test targets (`autotests = false`), so a new file
//! in `tests/` runs only once it is declared below; `every_test_file_is_a_module` fails
//! until it is.

// The files stay where they were (`#[path]`), so their history and the paths that docs
// cite (`tests/corpus.rs`) do not change.
#[path = "build.rs"]
mod build;
#[path = "cache.rs"]
mod cache;
#[path = "common/mod.rs"]
mod common;
#[path = "corpus.rs"]
mod corpus;
#[path = "csaf_details.rs"]
mod csaf_details;
#[path = "diagnostics.rs"]
mod diagnostics;
#[path = "feeds.rs"]
mod feeds;
#[path = "golden.rs"]
mod golden;
#[path = "hall.rs"]
mod hall;
#[path = "incremental.rs"]
mod incremental;
#[path = "interrupt.rs"]
mod interrupt;
#[path = "kill_points.rs"]
mod kill_points;
#[path = "leaks.rs"]
mod leaks;
#[path = "limits.rs"]
mod limits;
#[path = "lists.rs"]
mod lists;
#[path = "output_safety.rs"]
mod output_safety;
#[path = "page_furniture.rs"]
mod page_furniture;
#[path = "product_tree.rs"]
mod product_tree;
#[path = "props.rs"]
mod props;
#[path = "provider.rs"]
mod provider;
#[path = "scaffold.rs"]
mod scaffold;
#[path = "serve.rs"]
mod serve;
#[path = "signing.rs"]
mod signing;
#[path = "spare.rs"]
mod spare;
#[path = "theme.rs"]
mod theme;
#[path = "updates.rs"]
mod updates;
#[path = "vulnerability_lists.rs"]
mod vulnerability_lists;
#[path = "watched.rs"]
mod watched;

/// With `autotests = false` a test file that is not declared above would never run, and
/// nothing would say so: this test says so.
#[test]
fn every_test_file_is_a_module() {
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let this = std::fs::read_to_string(tests.join("main.rs")).expect("read tests/main.rs");
    let missing: Vec<String> = std::fs::read_dir(&tests)
        .expect("read tests/")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".rs") && name != "main.rs")
        .filter(|name| !this.contains(&format!("#[path = \"{name}\"]")))
        .collect();
    assert!(
        missing.is_empty(),
        "declare these files as modules in tests/main.rs, or they never run: {missing:?}"
    );
}
