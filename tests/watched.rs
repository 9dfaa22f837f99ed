//! `serve`'s rebuilds told by the file watcher what changed (`Cache::note_changes`): only
//! the files it names are read again, and anything the report cannot vouch for (a file
//! added or removed, a folder moved, a page, lost events) makes discovery walk the
//! folders as a build does. Every result is compared with a build from scratch.

use std::path::PathBuf;

use crate::cache::{assert_same, built, next_cache, opts_for, page, rebuilt, two_advisories};
use crate::common::{SiteTest, advisory};
use psirt_site::Built;
use psirt_site::pipeline::cache::Cache;

/// The cache `serve` keeps after `b`, with the watcher reporting from now on.
fn watched_cache(b: &mut Built) -> Cache {
    let mut cache = next_cache(b, "");
    cache.watched_from_now();
    cache
}

fn paths(rel: &[&str]) -> Option<Vec<PathBuf>> {
    Some(rel.iter().map(PathBuf::from).collect())
}

fn assert_as_from_scratch(t: &SiteTest, b: &Built) {
    let fresh = built(psirt_site::generate(&opts_for(t.root())));
    assert_same(&fresh.files, &b.files);
}

#[test]
fn only_the_reported_files_are_read_again() {
    let (t, second) = two_advisories();
    let opts = opts_for(t.root());
    let mut first = built(psirt_site::generate_with_cache(&opts, &Cache::default()));
    let mut cache = watched_cache(&mut first);
    let edited = advisory("EX-2026-0002", "Renamed advisory", "2026-04-01T09:00:00Z");
    t.write(second, &edited);
    // Not reported: the watcher's report is what the rebuild goes by.
    let unreported = rebuilt(&opts, &cache);
    assert!(page(&unreported, "advisories/EX-2026-0002/index.html").contains("Second advisory"));
    cache.note_changes(paths(&[second, "content/advisories/.EX-2026-0002.md.swp"]));
    let mut reported = rebuilt(&opts, &cache);
    assert!(page(&reported, "advisories/EX-2026-0002/index.html").contains("Renamed advisory"));
    assert_as_from_scratch(&t, &reported);
    // Where a file system reports nothing, saving site.toml has every file looked at.
    let mut cache = watched_cache(&mut reported);
    t.write(
        second,
        &advisory("EX-2026-0002", "Silent edit", "2026-04-01T09:00:00Z"),
    );
    cache.note_changes(paths(&["site.toml"]));
    let mut reported = rebuilt(&opts, &cache);
    assert!(page(&reported, "advisories/EX-2026-0002/index.html").contains("Silent edit"));
    // Lost events ("anything may have changed"): every file's stamp is checked.
    let mut cache = watched_cache(&mut reported);
    t.write(
        second,
        &advisory("EX-2026-0002", "Third title", "2026-04-01T09:00:00Z"),
    );
    cache.note_changes(None);
    let after_loss = rebuilt(&opts, &cache);
    assert!(page(&after_loss, "advisories/EX-2026-0002/index.html").contains("Third title"));
    assert_as_from_scratch(&t, &after_loss);
}

#[test]
fn added_removed_and_moved_files_are_found_by_a_walk() {
    let t = SiteTest::minimal();
    let opts = opts_for(t.root());
    let nested = "content/advisories/2026/EX-2026-0002.md";
    t.write(
        nested,
        &advisory("EX-2026-0002", "Second advisory", "2026-04-01T09:00:00Z"),
    );
    let mut b = built(psirt_site::generate_with_cache(&opts, &Cache::default()));
    // Added.
    let added = "content/advisories/EX-2026-0003.md";
    t.write(
        added,
        &advisory("EX-2026-0003", "Third advisory", "2026-05-01T09:00:00Z"),
    );
    let mut cache = watched_cache(&mut b);
    cache.note_changes(paths(&[added]));
    b = rebuilt(&opts, &cache);
    assert!(page(&b, "advisories/EX-2026-0003/index.html").contains("Third advisory"));
    assert_as_from_scratch(&t, &b);
    // Removed.
    std::fs::remove_file(t.root().join(added)).expect("remove");
    let mut cache = watched_cache(&mut b);
    cache.note_changes(paths(&[added]));
    b = rebuilt(&opts, &cache);
    assert!(!b.files.iter().any(|f| f.path.contains("EX-2026-0003")));
    assert_as_from_scratch(&t, &b);
    // A folder moved away, reported by its old name only.
    let from = t.root().join("content/advisories/2026");
    std::fs::rename(&from, t.root().join("content/advisories/moved")).expect("rename");
    let mut cache = watched_cache(&mut b);
    cache.note_changes(paths(&["content/advisories/2026"]));
    b = rebuilt(&opts, &cache);
    assert!(page(&b, "advisories/EX-2026-0002/index.html").contains("Second advisory"));
    let texts: Vec<PathBuf> = b
        .records
        .sources
        .iter()
        .map(|f| f.rel_path.to_path_buf())
        .collect();
    assert!(
        texts.contains(&PathBuf::from("content/advisories/moved/EX-2026-0002.md")),
        "{texts:?}"
    );
    assert_as_from_scratch(&t, &b);
}

#[test]
fn a_reported_page_is_checked_for_a_misplaced_advisory() {
    let t = SiteTest::minimal();
    let opts = opts_for(t.root());
    let about = "content/about.md";
    t.write(
        about,
        "+++\ntitle = \"About\"\ndescription = \"Who we are.\"\n+++\nHello.\n",
    );
    let mut b = built(psirt_site::generate_with_cache(&opts, &Cache::default()));
    t.write(
        about,
        &advisory("EX-2026-0009", "Misplaced", "2026-04-01T09:00:00Z"),
    );
    let mut cache = watched_cache(&mut b);
    cache.note_changes(paths(&[about]));
    let failure = psirt_site::generate_with_cache(&opts, &cache)
        .err()
        .expect("a misplaced advisory fails");
    let text = psirt_site::diag::render(&failure.diagnostics, &failure.sources, Default::default());
    assert!(text.contains("content/about.md"), "{text}");
    assert!(
        text.contains("content/advisories/"),
        "names where it belongs: {text}"
    );
}

/// A failed rebuild keeps the last good cache: what was reported before it must still be
/// read again by the next rebuild, though the watcher reports it only once.
#[test]
fn reports_add_up_until_a_rebuild_succeeds() {
    let (t, second) = two_advisories();
    let first_file = "content/advisories/EX-2026-0001.md";
    let opts = opts_for(t.root());
    let mut b = built(psirt_site::generate_with_cache(&opts, &Cache::default()));
    let mut cache = watched_cache(&mut b);
    t.write(first_file, "+++\nid = \"EX-2026-0001\"\n");
    cache.note_changes(paths(&[first_file]));
    assert!(psirt_site::generate_with_cache(&opts, &cache).is_err());
    // Fixed, and another file edited; the watcher reports only the latest change.
    t.write(
        first_file,
        &advisory("EX-2026-0001", "Fixed advisory", "2026-03-10T09:00:00Z"),
    );
    t.write(
        second,
        &advisory("EX-2026-0002", "Renamed advisory", "2026-04-01T09:00:00Z"),
    );
    cache.note_changes(paths(&[second]));
    let b = rebuilt(&opts, &cache);
    assert!(page(&b, "advisories/EX-2026-0001/index.html").contains("Fixed advisory"));
    assert!(page(&b, "advisories/EX-2026-0002/index.html").contains("Renamed advisory"));
    assert_as_from_scratch(&t, &b);
}
