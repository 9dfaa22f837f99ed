//! What every page has or every run prints: the favicon, the advisory page's table of
//! contents, and the one summary line `build`, `check` and `serve` agree on.

use crate::common;

use common::SiteTest;
use psirt_site::site::Mode;

#[test]
fn every_page_links_a_favicon_that_exists() {
    let t = SiteTest::minimal();
    t.build().unwrap_or_else(|f| panic!("{:#?}", f.diagnostics));
    for page in ["index.html", "advisories/EX-2026-0001/index.html", "404.html"] {
        let html = t.read(page);
        assert!(
            html.contains(r#"<link rel="icon" href="/favicon.svg" type="image/svg+xml">"#),
            "{page}"
        );
    }
    let svg = t.read("favicon.svg");
    assert!(svg.starts_with("<svg") && svg.contains("viewBox"));
    // `/favicon.ico` is what browsers ask for without looking at the page: an ICO header
    // (reserved 0, type 1, one image).
    let ico = std::fs::read(t.out().join("favicon.ico")).expect("favicon.ico is written");
    assert_eq!(&ico[..6], &[0, 0, 1, 0, 1, 0]);
}

#[test]
fn the_table_of_contents_lists_the_bodys_sections() {
    let t = SiteTest::minimal();
    let text = common::advisory("EX-2026-0001", "XSS in Widget", "2026-03-10T09:00:00Z").replace(
        "## Details\n",
        "## Summary\n\nIn short.\n\n## Details\n\nMore.\n\n## Impact\n\nBad.\n\n## Workarounds {#wa}\n\nNone.\n",
    );
    t.write("content/advisories/EX-2026-0001.md", &text);
    t.build().unwrap_or_else(|f| panic!("{:#?}", f.diagnostics));
    let html = t.read("advisories/EX-2026-0001/index.html");
    let toc = html
        .split(r#"<nav class="toc""#)
        .nth(1)
        .and_then(|rest| rest.split("</nav>").next())
        .expect("a table of contents");
    for entry in [
        r##"<a href="#sa_summary">Summary</a>"##,
        r##"<a href="#details">Details</a>"##,
        r##"<a href="#impact">Impact</a>"##,
        r##"<a href="#wa">Workarounds</a>"##,
    ] {
        assert!(toc.contains(entry), "{entry} missing from {toc}");
    }
    // The body's own summary section is the page's "Summary" entry, not a second one.
    assert_eq!(toc.matches(">Summary<").count(), 1, "{toc}");
}

#[test]
fn build_check_and_preview_count_published_advisories_alike() {
    let t = SiteTest::minimal();
    let draft = common::advisory("EX-2026-0002", "Draft", "2026-04-01T09:00:00Z")
        .replace("status = \"final\"", "status = \"draft\"");
    t.write("content/advisories/EX-2026-0002.md", &draft);
    let built = t.build().unwrap_or_else(|f| panic!("{:#?}", f.diagnostics));
    let checked = t.check().unwrap_or_else(|f| panic!("{:#?}", f.diagnostics));
    let mut preview = t.options();
    preview.mode = Mode::Preview;
    preview.output = Some(t.root().join("preview"));
    let previewed = psirt_site::build(&preview).unwrap_or_else(|f| panic!("{:#?}", f.diagnostics));
    for r in [&built, &checked, &previewed] {
        assert_eq!((r.published, r.held_back.len()), (1, 1));
        assert!(
            r.summary().starts_with("1 advisory published, 1 held back, "),
            "{}",
            r.summary()
        );
    }
    let report = psirt_site::Report {
        published: 2,
        files: 1,
        ..Default::default()
    };
    assert_eq!(report.summary(), "2 advisories published, 0 held back, 1 file");
}
