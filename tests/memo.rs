//! Reuse between `serve` rebuilds (`emit::memo`): a build that reuses the previous one's
//! pages and CSAF signatures must give exactly the files of a build from scratch.

mod common;

use common::{SiteTest, advisory};
use psirt_site::emit::OutputFile;
use psirt_site::emit::memo::Memo;
use psirt_site::{BuildOptions, Built};

fn opts_for(root: &std::path::Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        now: Some(common::now()),
        live_reload: true,
        ..Default::default()
    }
}

fn built(r: Result<Built, psirt_site::Failure>) -> Built {
    r.unwrap_or_else(|f| {
        panic!(
            "{}",
            psirt_site::diag::render(&f.diagnostics, &f.sources, Default::default())
        )
    })
}

fn assert_same(expected: &[OutputFile], actual: &[OutputFile]) {
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
    assert!(fresh.memo.is_empty(), "generate keeps no memo");
    let first = built(psirt_site::generate_with_memo(&opts, &Memo::default()));
    assert_same(&fresh.files, &first.files);
    // One page and one document (with its signature files) per published advisory.
    assert_eq!(first.memo.len(), 2 * fresh.report.published);
    let second = built(psirt_site::generate_with_memo(&opts, &first.memo));
    assert_same(&fresh.files, &second.files);
    assert_eq!(second.memo.len(), first.memo.len());
}

#[test]
fn an_edited_advisory_is_rendered_again_and_the_others_reused() {
    let t = SiteTest::minimal();
    let second = "content/advisories/EX-2026-0002.md";
    t.write(
        second,
        &advisory("EX-2026-0002", "Second advisory", "2026-04-01T09:00:00Z"),
    );
    let opts = opts_for(t.root());
    let before = built(psirt_site::generate_with_memo(&opts, &Memo::default()));
    t.write(
        second,
        &advisory("EX-2026-0002", "Renamed advisory", "2026-04-01T09:00:00Z"),
    );
    let after = built(psirt_site::generate_with_memo(&opts, &before.memo));
    let fresh = built(psirt_site::generate(&opts));
    assert_same(&fresh.files, &after.files);
    let page = |b: &Built| {
        let f = b
            .files
            .iter()
            .find(|f| f.path == "advisories/EX-2026-0002/index.html")
            .expect("the page of the edited advisory");
        String::from_utf8_lossy(&f.bytes).into_owned()
    };
    assert!(page(&after).contains("Renamed advisory"));
    assert!(!page(&after).contains("Second advisory"));
    assert!(page(&before).contains("Second advisory"));
}

#[test]
fn a_theme_change_renders_every_page_again() {
    let t = SiteTest::minimal();
    let opts = opts_for(t.root());
    let before = built(psirt_site::generate_with_memo(&opts, &Memo::default()));
    t.write(
        "templates/partials/footer.html",
        "<footer><p>Overridden footer</p></footer>",
    );
    let after = built(psirt_site::generate_with_memo(&opts, &before.memo));
    let page = after
        .files
        .iter()
        .find(|f| f.path == "advisories/EX-2026-0001/index.html")
        .expect("advisory page");
    assert!(String::from_utf8_lossy(&page.bytes).contains("Overridden footer"));
    assert_same(&built(psirt_site::generate(&opts)).files, &after.files);
}
