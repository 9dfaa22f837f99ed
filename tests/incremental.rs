//! Incremental `build` (#18): with the previous output and the cache in place, a build
//! makes only what changed, keeps every other file as it was (same inode and mtime) and
//! gives exactly the output of a clean build.

use std::collections::BTreeMap;

use crate::common::{self, SiteTest, advisory, tree};
use psirt_site::{BuildOptions, Report};

use common::identities;

pub(crate) fn build_with(opts: &BuildOptions) -> Report {
    psirt_site::build(opts).unwrap_or_else(|f| {
        panic!(
            "{}",
            psirt_site::diag::render(&f.diagnostics, &f.sources, Default::default())
        )
    })
}

/// Three advisories, two products, a disclosure policy: no warnings.
pub(crate) fn site() -> SiteTest {
    let t = SiteTest::minimal();
    let policy = include_str!("../content/policy.md").replace("[/pgp/](/pgp/)", "/pgp/");
    t.write("content/policy.md", &policy);
    t.write(
        "content/advisories/EX-2026-0002.md",
        &advisory("EX-2026-0002", "Second advisory", "2026-04-01T09:00:00Z"),
    );
    t.write(
        "content/advisories/EX-2025-0003.md",
        &advisory("EX-2025-0003", "Older advisory", "2025-06-01T09:00:00Z"),
    );
    t
}

/// The output a clean build of `t`'s content makes (in a fresh copy of the site).
pub(crate) fn clean_build(t: &SiteTest) -> Vec<(String, Vec<u8>)> {
    clean_build_at(t, common::NOW)
}

pub(crate) fn clean_build_at(t: &SiteTest, seconds: i64) -> Vec<(String, Vec<u8>)> {
    let fresh = SiteTest::empty();
    for (rel, bytes) in tree(t.root()) {
        if !rel.starts_with("public") && !rel.starts_with(".psirt-cache") && !rel.starts_with(".public") {
            fresh.write_bytes(&rel, &bytes);
        }
    }
    build_with(&BuildOptions {
        now: Some(jiff::Timestamp::from_second(seconds).expect("time")),
        ..fresh.options()
    });
    tree(&fresh.out())
}

/// The same files with the same bytes; names the paths that differ.
pub(crate) fn assert_same_tree(actual: &[(String, Vec<u8>)], expected: &[(String, Vec<u8>)]) {
    let a: BTreeMap<_, _> = actual.iter().cloned().collect();
    let e: BTreeMap<_, _> = expected.iter().cloned().collect();
    let differ: Vec<&String> = a
        .keys()
        .chain(e.keys())
        .filter(|k| a.get(*k) != e.get(*k))
        .collect();
    assert!(differ.is_empty(), "differs from a clean build: {differ:?}");
}

fn changed_paths(r: &Report) -> Vec<String> {
    let c = r.changes.as_ref().expect("build reports changes");
    c.changed
        .iter()
        .chain(&c.added)
        .chain(&c.removed)
        .cloned()
        .collect()
}

#[test]
fn a_rebuild_of_an_unchanged_site_touches_nothing() {
    let t = site();
    build_with(&t.options());
    assert!(
        t.root().join(".psirt-cache/CACHEDIR.TAG").is_file(),
        "the cache is written"
    );
    let before = identities(&t.out());
    let again = build_with(&t.options());
    assert!(changed_paths(&again).is_empty(), "{:?}", again.changes);
    assert_eq!(identities(&t.out()), before, "files were rewritten");
}

#[test]
fn editing_one_advisory_rewrites_exactly_the_files_that_show_it() {
    let t = site();
    build_with(&t.options());
    let before = identities(&t.out());
    t.write(
        "content/advisories/EX-2026-0002.md",
        &advisory("EX-2026-0002", "Renamed second advisory", "2026-04-01T09:00:00Z"),
    );
    let report = build_with(&t.options());
    let changed = changed_paths(&report);
    let after = identities(&t.out());
    let output = tree(&t.out());
    // Rewritten: exactly the files that show the new title, and the hashes and signature
    // of the advisory's CSAF document. Every other file is the same file as before.
    let shows = |rel: &str| {
        output
            .iter()
            .any(|(p, b)| p == rel && String::from_utf8_lossy(b).contains("Renamed second advisory"))
    };
    let csaf = ".well-known/csaf/white/2026/ex-2026-0002.json";
    for (rel, identity) in &after {
        let expected = shows(rel) || rel.starts_with(csaf);
        assert_eq!(changed.contains(rel), expected, "{rel}: in the changed list?");
        assert_eq!(before.get(rel) != Some(identity), expected, "{rel}: rewritten?");
    }
    assert!(changed.contains(&"advisories/EX-2026-0002/index.html".to_string()));
    assert!(!changed.contains(&"advisories/EX-2026-0001/index.html".to_string()));
    assert_eq!(
        output,
        clean_build(&t),
        "the incremental output differs from a clean build"
    );
}

/// Builds `t`, applies `change`, rebuilds with the cache, and checks that the result is a
/// clean build's and that the advisory pages were made again.
fn site_wide_change(change: impl FnOnce(&SiteTest)) -> SiteTest {
    let t = site();
    build_with(&t.options());
    change(&t);
    let report = build_with(&t.options());
    let changed = changed_paths(&report);
    assert!(
        changed.contains(&"advisories/EX-2025-0003/index.html".to_string()),
        "the oldest advisory's page was not made again: {changed:?}"
    );
    assert_same_tree(&tree(&t.out()), &clean_build(&t));
    t
}

#[test]
fn a_theme_change_rebuilds_every_page() {
    let t = site_wide_change(|t| {
        t.write(
            "templates/partials/footer.html",
            "<footer><p>New footer</p></footer>",
        );
    });
    assert!(
        t.read("advisories/EX-2025-0003/index.html")
            .contains("New footer")
    );
}

#[test]
fn a_catalog_change_rebuilds_every_advisory() {
    let t = site_wide_change(|t| {
        t.write(
            "content/products.toml",
            &common::PRODUCTS.replace("Example Widget", "Renamed Widget"),
        );
    });
    assert!(
        t.read(".well-known/csaf/white/2025/ex-2025-0003.json")
            .contains("Renamed Widget")
    );
}

#[test]
fn a_site_toml_change_rebuilds_every_advisory() {
    let t = site_wide_change(|t| {
        t.write(
            "site.toml",
            &common::SITE_TOML.replace("Example Corp PSIRT", "Renamed Corp PSIRT"),
        );
    });
    assert!(
        t.read(".well-known/csaf/white/2025/ex-2025-0003.json")
            .contains("Renamed Corp PSIRT")
    );
}

#[test]
fn a_deleted_or_damaged_cache_gives_the_output_of_a_clean_build() {
    let t = site();
    build_with(&t.options());
    let cache = t.root().join(".psirt-cache");
    let file = std::fs::read_dir(&cache)
        .expect("cache folder")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("a cache file");
    // Damaged: any garbage is ignored, never trusted.
    std::fs::write(&file, b"{\"format\": 1, garbage").expect("damage");
    t.write(
        "content/advisories/EX-2026-0002.md",
        &advisory("EX-2026-0002", "Edited once", "2026-04-01T09:00:00Z"),
    );
    build_with(&t.options());
    assert_same_tree(&tree(&t.out()), &clean_build(&t));
    // Deleted.
    std::fs::remove_dir_all(&cache).expect("delete cache");
    t.write(
        "content/advisories/EX-2026-0002.md",
        &advisory("EX-2026-0002", "Edited twice", "2026-04-01T09:00:00Z"),
    );
    build_with(&t.options());
    assert_same_tree(&tree(&t.out()), &clean_build(&t));
}

#[test]
fn an_output_file_edited_by_hand_is_made_again() {
    let t = site();
    build_with(&t.options());
    let page = t.out().join("advisories/EX-2025-0003/index.html");
    // Replaced (another inode), as editors and deploy tools do.
    std::fs::remove_file(&page).expect("remove");
    std::fs::write(&page, "tampered").expect("write");
    build_with(&t.options());
    assert_same_tree(&tree(&t.out()), &clean_build(&t));
    // Written in place (same inode, new mtime).
    std::fs::write(&page, "tampered again").expect("write");
    let report = build_with(&t.options());
    assert!(changed_paths(&report).contains(&"advisories/EX-2025-0003/index.html".to_string()));
    assert_same_tree(&tree(&t.out()), &clean_build(&t));
}

#[test]
fn full_makes_everything_again_and_keeps_unchanged_files() {
    let t = site();
    build_with(&t.options());
    let before = identities(&t.out());
    let report = build_with(&BuildOptions {
        full: true,
        ..t.options()
    });
    assert!(changed_paths(&report).is_empty());
    assert_eq!(identities(&t.out()), before);
}

#[test]
fn the_cache_is_never_in_or_around_an_output_or_an_input() {
    let t = site();
    for dir in ["public/cache", "public", "static/cache", "content/x", "."] {
        let err = psirt_site::build(&BuildOptions {
            cache_dir: Some(t.root().join(dir)),
            ..t.options()
        })
        .map(|_| ())
        .expect_err(dir);
        let text = psirt_site::diag::render(&err.diagnostics, &err.sources, Default::default());
        assert!(text.contains("refusing"), "{dir}: {text}");
    }
    assert!(!t.out().exists(), "nothing was built");
}

#[test]
fn a_cache_elsewhere_works_and_the_default_one_is_not_made() {
    let t = site();
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let opts = BuildOptions {
        cache_dir: Some(elsewhere.path().join("c")),
        ..t.options()
    };
    build_with(&opts);
    let before = identities(&t.out());
    build_with(&opts);
    assert_eq!(identities(&t.out()), before);
    assert!(elsewhere.path().join("c/CACHEDIR.TAG").is_file());
    assert!(!t.root().join(".psirt-cache").exists());
}

/// Whether the last build skipped parsing: its timings end at discovery.
fn skipped(r: &Report) -> bool {
    !r.timings
        .iter()
        .any(|t| t.stage == psirt_site::timing::Stage::Parse)
}

#[test]
fn a_build_with_nothing_to_do_reports_what_the_last_one_did() {
    let t = site();
    t.write(
        "content/advisories/EX-2026-0009.md",
        &advisory("EX-2026-0009", "Embargoed", "2027-01-01T09:00:00Z"),
    );
    let first = build_with(&t.options());
    assert!(!skipped(&first));
    assert!(first.warnings.is_empty(), "{:?}", first.warnings);
    let second = build_with(&t.options());
    assert!(skipped(&second), "nothing changed, yet the build parsed");
    assert_eq!(
        second.summary().replace(", 0 added", ""),
        first.summary().replace(&format!(", {} added", first.files), "")
    );
    assert_eq!(
        second.held_lines(true),
        first.held_lines(true),
        "the held-back advisory is reported again"
    );
    // A later build time may lift an embargo and changes security.txt: not skipped.
    let later = build_with(&BuildOptions {
        now: Some(jiff::Timestamp::from_second(common::NOW + 3600).expect("time")),
        ..t.options()
    });
    assert!(!skipped(&later));
}

#[test]
fn any_change_to_the_inputs_or_the_output_means_a_real_build() {
    let t = site();
    build_with(&t.options());
    assert!(skipped(&build_with(&t.options())));
    // A new content file.
    t.write("content/about.md", "+++\ntitle = \"About\"\n+++\nAbout us.\n");
    assert!(!skipped(&build_with(&t.options())));
    assert!(skipped(&build_with(&t.options())));
    // A static file.
    t.write("static/extra.txt", "hello");
    assert!(!skipped(&build_with(&t.options())));
    // A file put into the output by hand is removed by the next build.
    std::fs::write(t.out().join("stray.html"), "stray").expect("write");
    let report = build_with(&t.options());
    assert!(!skipped(&report));
    assert!(!t.out().join("stray.html").exists());
    // An output file replaced by hand is made again.
    let index = t.out().join("index.html");
    std::fs::remove_file(&index).expect("remove");
    std::fs::write(&index, "tampered").expect("write");
    assert!(!skipped(&build_with(&t.options())));
    assert_same_tree(&tree(&t.out()), &clean_build(&t));
}

#[test]
fn a_build_with_warnings_is_never_skipped() {
    let t = site();
    // A `#` heading in the body is a warning.
    t.write(
        "content/advisories/EX-2026-0002.md",
        &format!(
            "{}\n# A heading\n",
            advisory("EX-2026-0002", "Second advisory", "2026-04-01T09:00:00Z")
        ),
    );
    let first = build_with(&t.options());
    assert!(!first.warnings.is_empty(), "the fixture warns");
    let second = build_with(&t.options());
    assert!(!skipped(&second));
    assert_eq!(
        second.warnings.len(),
        first.warnings.len(),
        "the warnings are printed again"
    );
}

/// A cache file naming a path no output may have (`..`) is ignored as a whole.
#[cfg(unix)]
/// The build cache file of `t`'s output, and its JSON.
fn cache_file(t: &SiteTest) -> (std::path::PathBuf, serde_json::Value) {
    let file = std::fs::read_dir(t.root().join(".psirt-cache"))
        .expect("cache folder")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("a cache file");
    let cache = serde_json::from_slice(&std::fs::read(&file).expect("read")).expect("JSON");
    (file, cache)
}

#[test]
fn a_cache_naming_a_path_outside_the_output_is_ignored() {
    let t = site();
    build_with(&t.options());
    let (file, mut cache) = cache_file(&t);
    // Named with the very stamp of the file it leads to, so only the path is wrong.
    use std::os::unix::fs::MetadataExt as _;
    let meta = std::fs::metadata(t.root().join("site.toml")).expect("metadata");
    cache["files"][0] = serde_json::json!(["../site.toml", {
        "len": meta.len(),
        "secs": meta.mtime(),
        "nanos": meta.mtime_nsec(),
        "inode": meta.ino(),
        "device": meta.dev(),
    }]);
    std::fs::write(&file, serde_json::to_vec(&cache).expect("JSON")).expect("write");
    let report = build_with(&t.options());
    assert!(!skipped(&report), "a forged cache let the build skip");
    assert_same_tree(&tree(&t.out()), &clean_build(&t));
}

/// List pages and feeds are taken from the previous build by a key: the lists' context
/// (every advisory's id, year, severity and products, in order) and the cards they show.
/// Each change that moves an advisory between lists or pages, or changes a count, must
/// give a clean build's output. One advisory per page, so most lists have several pages.
#[test]
fn list_pages_follow_every_change_that_moves_an_advisory() {
    let t = site();
    let config = std::fs::read_to_string(t.root().join("site.toml")).expect("site.toml");
    t.write("site.toml", &format!("{config}\n[lists]\nper_page = 1\n"));
    build_with(&t.options());
    let older = "content/advisories/EX-2025-0003.md";
    let critical = advisory("EX-2025-0003", "Older advisory", "2025-06-01T09:00:00Z").replace(
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
    );
    t.write(older, &critical);
    build_with(&t.options());
    assert_same_tree(&tree(&t.out()), &clean_build(&t));
    let moved = critical.replace("2025-06-01T09:00:00Z", "2026-05-01T09:00:00Z");
    t.write(older, &moved);
    build_with(&t.options());
    assert_same_tree(&tree(&t.out()), &clean_build(&t));
    t.write(
        "content/advisories/EX-2024-0009.md",
        &advisory("EX-2024-0009", "A new old advisory", "2024-02-01T09:00:00Z"),
    );
    build_with(&t.options());
    assert_same_tree(&tree(&t.out()), &clean_build(&t));
    let output = tree(&t.out());
    assert!(
        output.iter().any(|(p, _)| p == "advisories/page/4/index.html"),
        "the test site's index has a page per advisory"
    );
}

/// A cache file whose entries name no files (as a held-back document's passed check is
/// recorded), or another file than the one a page is written to: an advisory, list page or
/// feed is never "kept" as nothing or as another file, or a forged cache could drop
/// published files from the output.
#[test]
fn a_cache_entry_naming_no_files_or_other_files_is_not_used() {
    for forged in [serde_json::json!([]), serde_json::json!([0])] {
        let t = site();
        build_with(&t.options());
        let (file, mut cache) = cache_file(&t);
        let entries = cache["advisories"].as_array_mut().expect("entries");
        assert!(entries.len() > 3, "advisories, list pages and feeds are recorded");
        for entry in entries.iter_mut() {
            entry[1] = forged.clone();
        }
        std::fs::write(&file, serde_json::to_vec(&cache).expect("JSON")).expect("write");
        t.write(
            "content/advisories/EX-2026-0002.md",
            &advisory("EX-2026-0002", "Renamed second advisory", "2026-04-01T09:00:00Z"),
        );
        build_with(&t.options());
        assert_same_tree(&tree(&t.out()), &clean_build(&t));
    }
}
