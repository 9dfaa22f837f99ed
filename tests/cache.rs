//! Reuse between rebuilds (`pipeline::cache`): a build that reuses the previous one's
//! advisory pages and CSAF files must give exactly the files of a build from scratch. Here
//! in memory, as `serve` keeps it; `incremental.rs` tests the cache `build` keeps on disk.

use crate::common;

use common::{SiteTest, advisory};
use psirt_site::emit::OutputFile;
use psirt_site::pipeline::cache::Cache;
use psirt_site::{BuildOptions, Built};
use std::collections::HashMap;
use std::sync::Arc;

pub(crate) fn opts_for(root: &std::path::Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        now: Some(common::now()),
        live_reload: true,
        ..Default::default()
    }
}

pub(crate) fn built(r: Result<Built, psirt_site::Failure>) -> Built {
    r.unwrap_or_else(|f| {
        panic!(
            "{}",
            psirt_site::diag::render(&f.diagnostics, &f.sources, Default::default())
        )
    })
}

/// A build with `cache`, with every file in `files`: those it made, and those it kept from
/// the cache's previous output (whose bytes `serve` shares instead of copying).
pub(crate) fn rebuilt(opts: &psirt_site::BuildOptions, cache: &Cache) -> Built {
    let mut b = built(psirt_site::generate_with_cache(opts, cache));
    let output = cache.previous_output();
    let kept = std::mem::take(&mut b.kept).into_iter().map(|p| {
        let bytes = output
            .and_then(|o| o.get(p.as_str()))
            .map(|bytes| (**bytes).clone());
        let bytes = bytes.unwrap_or_else(|| panic!("kept {p} is not in the previous output"));
        OutputFile::new(p, bytes)
    });
    b.files.extend(kept);
    b.files.sort_by(|x, y| x.path.cmp(&y.path));
    b
}

/// The cache for the next build, over this build's output (as `serve` keeps it), with
/// `marker` appended to every HTML page, so a test can tell reused pages from rendered ones.
pub(crate) fn next_cache(b: &mut Built, marker: &str) -> Cache {
    let output: psirt_site::pipeline::cache::Files = b
        .files
        .iter()
        .map(|f| {
            let mut bytes = f.bytes.clone();
            if f.path.ends_with(".html") {
                bytes.extend_from_slice(marker.as_bytes());
            }
            (Arc::from(f.path.as_str()), Arc::new(bytes))
        })
        .collect();
    Cache::in_memory(std::mem::take(&mut b.records), output.into())
}

pub(crate) fn page(b: &Built, path: &str) -> String {
    let f = b
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"));
    String::from_utf8_lossy(&f.bytes).into_owned()
}

pub(crate) fn assert_same(expected: &[OutputFile], actual: &[OutputFile]) {
    let paths = |files: &[OutputFile]| files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
    assert_eq!(paths(expected), paths(actual));
    for (e, a) in expected.iter().zip(actual) {
        assert!(e.bytes == a.bytes, "{} differs from a build from scratch", e.path);
    }
}

#[test]
fn reusing_the_demo_site_gives_the_same_files_as_a_fresh_build() {
    let opts = opts_for(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
    let fresh = built(psirt_site::generate(&opts));
    assert!(
        fresh.records.parsed.is_empty(),
        "generate keeps no parsed advisories"
    );
    let mut first = rebuilt(&opts, &Cache::default());
    assert_same(&fresh.files, &first.files);
    // The files of each published advisory (a page and a CSAF document with hashes and
    // signature), one record per list page, feed of advisories and directory listing of the
    // provider tree and one each for the ROLIE feed and the hall of fame, and every advisory
    // file parsed (the held-back ones too).
    let published = fresh.report.published;
    let files = published + fresh.report.held_back.len();
    // Every published advisory's key and files, for the next build: in `made`, or (when
    // taken from the previous build's memo) in `derived`.
    let counts = |b: &Built| {
        let made = b.records.made.iter().map(|(key, paths)| (key, paths.len()));
        let memo = b
            .records
            .derived
            .iter()
            .flat_map(|m| m.all())
            .map(|d| (&d.key, d.paths.len()));
        let advisories: std::collections::BTreeSet<_> = made.chain(memo).filter(|(_, n)| *n > 1).collect();
        (advisories.len(), b.records.parsed.len())
    };
    assert_eq!(counts(&first), (published, files));
    let lists: Vec<&String> = first
        .records
        .made
        .iter()
        .filter(|(_, paths)| paths.len() == 1)
        .map(|(_, paths)| &paths[0])
        .collect();
    assert!(
        lists.iter().any(|p| p.starts_with("advisories/")) && lists.iter().any(|p| p.starts_with("feeds/")),
        "list pages and feeds are kept by key: {lists:?}"
    );
    let keyed = |p: &str| {
        ["advisories/", "products/", "feeds/"]
            .iter()
            .any(|dir| p.starts_with(dir))
            || p == ".well-known/csaf/csaf-feed-tlp-white.json"
            || p == "acknowledgments/index.html"
            || p == "sitemap.xml"
            || (p.starts_with(".well-known/csaf/") && p.ends_with("/index.html"))
    };
    assert!(
        lists.iter().all(|p| keyed(p)),
        "only list pages, feeds, directory listings, the ROLIE feed, the hall of fame and the \
         sitemap have a key of their own: {lists:?}"
    );
    assert!(
        lists.iter().any(|p| *p == ".well-known/csaf/white/index.html"),
        "directory listings are kept by key: {lists:?}"
    );
    let second = rebuilt(&opts, &next_cache(&mut first, ""));
    assert_same(&fresh.files, &second.files);
    assert_eq!(counts(&second), (published, files));
}

/// The minimal site with a second advisory, and that advisory's file.
pub(crate) fn two_advisories() -> (SiteTest, &'static str) {
    let t = SiteTest::minimal();
    let second = "content/advisories/EX-2026-0002.md";
    t.write(
        second,
        &advisory("EX-2026-0002", "Second advisory", "2026-04-01T09:00:00Z"),
    );
    (t, second)
}

#[test]
fn unchanged_pages_are_reused_and_an_edited_advisory_is_rendered_again() {
    let (t, second) = two_advisories();
    let opts = opts_for(t.root());
    let mut before = rebuilt(&opts, &Cache::default());
    t.write(
        second,
        &advisory("EX-2026-0002", "Renamed advisory", "2026-04-01T09:00:00Z"),
    );
    let cache = next_cache(&mut before, REUSED);
    let after = rebuilt(&opts, &cache);
    let edited = page(&after, "advisories/EX-2026-0002/index.html");
    assert!(edited.contains("Renamed advisory") && !edited.contains(REUSED));
    let unchanged = page(&after, "advisories/EX-2026-0001/index.html");
    assert!(
        unchanged.ends_with(REUSED),
        "the unchanged page comes from the cache"
    );
    // Without the marker, the result is exactly a build from scratch.
    let mut before = rebuilt(&opts, &Cache::default());
    t.write(
        second,
        &advisory("EX-2026-0002", "Third title", "2026-04-01T09:00:00Z"),
    );
    let after = rebuilt(&opts, &next_cache(&mut before, ""));
    assert_same(&built(psirt_site::generate(&opts)).files, &after.files);
}

const REUSED: &str = "<!-- reused -->";

/// For a change that concerns every page and document: builds the minimal site, applies
/// `change`, rebuilds with the cache (reused pages marked), checks that the rebuild equals a
/// build from scratch (so nothing was reused), and returns it.
fn rebuild_after_site_wide(change: impl FnOnce(&SiteTest)) -> Built {
    let t = SiteTest::minimal();
    let opts = opts_for(t.root());
    let mut before = rebuilt(&opts, &Cache::default());
    change(&t);
    let after = rebuilt(&opts, &next_cache(&mut before, REUSED));
    assert!(!page(&after, "advisories/EX-2026-0001/index.html").contains(REUSED));
    assert_same(&built(psirt_site::generate(&opts)).files, &after.files);
    after
}

#[test]
fn a_theme_change_renders_every_page_again() {
    let after = rebuild_after_site_wide(|t| {
        t.write(
            "templates/partials/footer.html",
            "<footer><p>Overridden footer</p></footer>",
        );
    });
    assert!(page(&after, "advisories/EX-2026-0001/index.html").contains("Overridden footer"));
}

#[test]
fn a_catalog_change_reaches_every_advisory() {
    let after = rebuild_after_site_wide(|t| {
        t.write(
            "content/products.toml",
            &common::PRODUCTS.replace("Example Widget", "Renamed Widget"),
        );
    });
    let csaf = page(&after, ".well-known/csaf/white/2026/ex-2026-0001.json");
    assert!(csaf.contains("Renamed Widget"), "{csaf}");
}

#[test]
fn turning_minification_off_renders_every_page_again() {
    let after = rebuild_after_site_wide(|t| {
        t.write(
            "site.toml",
            &common::SITE_TOML.replacen("\n", "\nminify = false\n", 1),
        );
    });
    assert!(page(&after, "index.html").contains("\n"), "not minified");
}

#[test]
fn a_changed_site_toml_reaches_every_csaf_document() {
    let after = rebuild_after_site_wide(|t| {
        t.write(
            "site.toml",
            &common::SITE_TOML.replace("Example Corp PSIRT", "Renamed Corp PSIRT"),
        );
    });
    let csaf = page(&after, ".well-known/csaf/white/2026/ex-2026-0001.json");
    assert!(csaf.contains("Renamed Corp PSIRT"), "{csaf}");
}

/// The check of a held-back advisory's CSAF document is recorded under a key of its source
/// (and of everything else the document is made from), with no files: a rebuild whose
/// cache has that key skips the check, and any edit of the advisory gives another key.
#[test]
fn a_held_back_documents_check_is_recorded_by_its_key() {
    let t = SiteTest::minimal();
    let draft = "content/advisories/EX-2026-0002.md";
    let text = advisory("EX-2026-0002", "Draft advisory", "2026-04-01T09:00:00Z")
        .replace("status = \"final\"", "status = \"draft\"");
    t.write(draft, &text);
    let opts = opts_for(t.root());
    let checked = |b: &Built| -> Vec<[u8; 32]> {
        b.records
            .made
            .iter()
            .filter(|(_, paths)| paths.is_empty())
            .map(|(key, _)| *key)
            .collect()
    };
    let mut first = rebuilt(&opts, &Cache::default());
    assert_eq!(first.report.held_back.len(), 1);
    let first_keys = checked(&first);
    assert_eq!(first_keys.len(), 1, "one held-back document checked");
    let second = rebuilt(&opts, &next_cache(&mut first, ""));
    assert_eq!(checked(&second), first_keys, "the same key when nothing changed");
    t.write(draft, &text.replace("Draft advisory", "Edited draft"));
    let third = rebuilt(&opts, &Cache::default());
    assert_eq!(checked(&third).len(), 1);
    assert_ne!(checked(&third), first_keys, "an edit gives another key");
}

/// `serve` reads only the source files whose stamp (size, modification time, inode)
/// changed since the last rebuild; the others are taken from its cache as they were read.
#[test]
fn a_rebuild_rereads_only_the_files_that_changed() {
    let (t, second) = two_advisories();
    let opts = opts_for(t.root());
    let mut first = built(psirt_site::generate_with_cache(&opts, &Cache::default()));
    let texts = |b: &Built| -> HashMap<std::path::PathBuf, Arc<str>> {
        b.records
            .sources
            .iter()
            .map(|f| (f.rel_path.to_path_buf(), f.text.clone()))
            .collect()
    };
    let before = texts(&first);
    assert!(
        before.len() >= 3,
        "the files read are recorded: {:?}",
        before.keys()
    );
    t.write(
        second,
        &advisory("EX-2026-0002", "Renamed advisory", "2026-04-01T09:00:00Z"),
    );
    let after = built(psirt_site::generate_with_cache(
        &opts,
        &next_cache(&mut first, ""),
    ));
    for (path, text) in texts(&after) {
        let same = Arc::ptr_eq(&text, &before[&path]);
        assert_eq!(
            !same,
            path.ends_with("EX-2026-0002.md"),
            "{}: read again?",
            path.display()
        );
    }
    assert!(page(&after, "advisories/EX-2026-0002/index.html").contains("Renamed advisory"));
}

/// The ROLIE feed and the hall of fame are kept while what they show is unchanged (every
/// published document's path, id, title, dates and summary; every credited advisory's id,
/// title, year and acknowledgments), as after an edit of an advisory's body, and made again
/// when it changes, as after an edit of a credited advisory's title.
#[test]
fn the_rolie_feed_and_the_hall_of_fame_are_kept_while_what_they_show_is() {
    let (t, second) = two_advisories();
    let opts = opts_for(t.root());
    let keyed = [
        ".well-known/csaf/csaf-feed-tlp-white.json",
        "acknowledgments/index.html",
    ];
    let text = advisory("EX-2026-0002", "Second advisory", "2026-04-01T09:00:00Z");
    let mut b = built(psirt_site::generate_with_cache(&opts, &Cache::default()));
    let edits = [
        (format!("{text}\nMore details.\n"), true),
        (text.replace("Second advisory", "Renamed advisory"), false),
    ];
    for (edited, kept) in edits {
        t.write(second, &edited);
        let cache = next_cache(&mut b, "");
        let made = built(psirt_site::generate_with_cache(&opts, &cache));
        for file in keyed {
            assert_eq!(made.kept.iter().any(|p| p == file), kept, "{file} after {edited}");
        }
        b = rebuilt(&opts, &cache);
        let fresh = built(psirt_site::generate(&opts));
        assert_same(&fresh.files, &b.files);
    }
}

/// `serve` writes only the ROLIE entries that changed: after an edit of one advisory's
/// title, the other advisory's entry is the one the last build wrote (marked here with
/// trailing spaces, which keep the JSON valid), the edited one is written again. A build
/// that is not followed by another in the same process keeps no entries.
#[test]
fn serve_takes_unchanged_rolie_entries_from_the_last_build() {
    let (t, second) = two_advisories();
    let opts = opts_for(t.root());
    let feed = ".well-known/csaf/csaf-feed-tlp-white.json";
    let once = built(psirt_site::generate(&opts));
    assert!(
        once.records.fragments.is_empty(),
        "a one-off build keeps no entries"
    );
    let mut b = built(psirt_site::generate_with_cache(&opts, &Cache::default()));
    assert_eq!(b.records.fragments.len(), 2, "one entry per published document");
    for (_, bytes) in &mut b.records.fragments {
        *bytes = [&bytes[..], b"   "].concat().into();
    }
    let text = advisory("EX-2026-0002", "Second advisory", "2026-04-01T09:00:00Z");
    t.write(second, &text.replace("Second advisory", "Renamed advisory"));
    let cache = next_cache(&mut b, "");
    let after = rebuilt(&opts, &cache);
    let rolie = page(&after, feed);
    assert_eq!(
        rolie.matches("}   ").count(),
        1,
        "one entry taken, one written:\n{rolie}"
    );
    assert!(rolie.contains("Renamed advisory"));
    serde_json::from_str::<serde_json::Value>(&rolie).expect("the feed is JSON");
}

/// A directory listing of the provider tree is kept while its folder holds the same files,
/// and made again when a document is added to it.
#[test]
fn a_listing_is_made_again_when_its_folder_changes() {
    let t = SiteTest::minimal();
    let opts = opts_for(t.root());
    let mut b = built(psirt_site::generate_with_cache(&opts, &Cache::default()));
    t.write(
        "content/advisories/EX-2026-0002.md",
        &advisory("EX-2026-0002", "Second advisory", "2026-04-01T09:00:00Z"),
    );
    let marker = "<!-- kept -->";
    let after = rebuilt(&opts, &next_cache(&mut b, marker));
    let year = page(&after, ".well-known/csaf/white/2026/index.html");
    assert!(year.contains("ex-2026-0002.json"), "{year}");
    assert!(!year.contains(marker), "the folder changed: {year}");
    let root = page(&after, ".well-known/csaf/index.html");
    assert!(root.contains(marker), "the root folder holds the same: {root}");
    let fresh = built(psirt_site::generate(&opts));
    let unmarked = |b: &Built| -> Vec<OutputFile> {
        b.files
            .iter()
            .map(|f| match f.is_html() {
                true => OutputFile::new(
                    f.path.clone(),
                    String::from_utf8_lossy(&f.bytes).replace(marker, ""),
                ),
                false => f.clone(),
            })
            .collect()
    };
    assert_same(&fresh.files, &unmarked(&after));
}

/// A change made between two builds of a test.
type Step<'t> = Box<dyn Fn(&mut BuildOptions) + 't>;

/// `serve`'s rebuilds carry each advisory's derived values from one build to the next
/// (`emit::derived::Memo`): after every kind of edit, in a chain, each rebuild must equal
/// a clean build, in both modes.
#[test]
fn a_chain_of_serve_rebuilds_equals_clean_builds() {
    for mode in [psirt_site::site::Mode::Public, psirt_site::site::Mode::Preview] {
        let t = SiteTest::minimal();
        let path = |n: u32| format!("content/advisories/EX-2026-{n:04}.md");
        let write = |n: u32, title: &str, published: &str| {
            t.write(&path(n), &advisory(&format!("EX-2026-{n:04}"), title, published));
        };
        for n in 2..=4 {
            write(n, &format!("Advisory {n}"), &format!("2026-0{n}-01T09:00:00Z"));
        }
        // Embargoed until after the build time (`common::now`), until step "later".
        write(5, "Embargoed", "2027-01-15T09:00:00Z");
        let mut opts = opts_for(t.root());
        opts.mode = mode;
        let mut last = rebuilt(&opts, &Cache::default());
        let steps: Vec<(&str, Step<'_>)> = vec![
            ("title", Box::new(|_| write(2, "Renamed", "2026-02-01T09:00:00Z"))),
            (
                "date",
                Box::new(|_| write(3, "Advisory 3", "2026-09-01T09:00:00Z")),
            ),
            (
                "deleted",
                Box::new(|_| std::fs::remove_file(t.root().join(path(4))).expect("rm")),
            ),
            ("added", Box::new(|_| write(6, "Added", "2026-01-20T09:00:00Z"))),
            (
                "later",
                Box::new(|o| o.now = Some("2027-02-01T00:00:00Z".parse().expect("time"))),
            ),
            (
                "site title",
                Box::new(|_| {
                    let toml = common::SITE_TOML.replace("Example PSIRT", "Renamed PSIRT");
                    t.write("site.toml", &toml);
                }),
            ),
            (
                "reverted",
                Box::new(|_| write(2, "Advisory 2", "2026-02-01T09:00:00Z")),
            ),
            ("nothing", Box::new(|_| {})),
        ];
        for (what, change) in steps {
            change(&mut opts);
            let next = rebuilt(&opts, &next_cache(&mut last, ""));
            let fresh = built(psirt_site::generate(&opts));
            assert!(!fresh.files.is_empty());
            assert_eq!(
                fresh.files.iter().map(|f| &f.path).collect::<Vec<_>>(),
                next.files.iter().map(|f| &f.path).collect::<Vec<_>>(),
                "{mode:?}, after {what}: the same paths"
            );
            assert_same(&fresh.files, &next.files);
            // A new build time or site.toml is a new context: nothing is taken then.
            let taken = next.records.derived.as_ref().map_or(0, |m| m.taken());
            assert!(
                ["later", "site title"].contains(&what) || taken >= 2,
                "{mode:?}, after {what}: unchanged advisories' values are taken ({taken})"
            );
            last = next;
        }
    }
}
