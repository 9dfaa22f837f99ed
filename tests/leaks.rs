//! Nothing leaks: drafts, embargoed and non-public TLP advisories never reach any output
//! file, and hostile strings render inert everywhere.

use crate::common;

use common::{SiteTest, tree};

/// An advisory whose every user-visible field carries `marker`.
fn marked(id: &str, marker: &str, cve: &str, status: &str, tlp: &str, published: &str) -> String {
    format!(
        r#"+++
id = "{id}"
title = "Title {marker}"
published = {published}
status = "{status}"
tlp = "{tlp}"
summary = "Summary {marker}"

[[revisions]]
date = {published}
summary = "Revision {marker}"

[[affected]]
product = "product-{lower}"
versions = "< 1.0"

[[vulnerabilities]]
cve = "{cve}"
title = "Vulnerability {marker}"
cvss_v3 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"

[[acknowledgments]]
names = ["Researcher {marker}"]
+++
## Details

Body {marker}
"#,
        lower = marker.to_lowercase()
    )
}

fn product(marker: &str) -> String {
    format!(
        "\n[[products]]\nid = \"product-{}\"\nname = \"Product {marker}\"\nvendor = \"Example Corp\"\n",
        marker.to_lowercase()
    )
}

const CASES: &[(&str, &str, &str, &str, &str)] = &[
    // marker, cve, status, tlp, published
    (
        "MARKERPUB",
        "CVE-2026-91001",
        "final",
        "CLEAR",
        "2026-01-01T00:00:00Z",
    ),
    (
        "MARKERDRAFT",
        "CVE-2026-91002",
        "draft",
        "CLEAR",
        "2026-01-01T00:00:00Z",
    ),
    (
        "MARKEREMBARGO",
        "CVE-2026-91003",
        "final",
        "CLEAR",
        "2027-02-01T00:00:00Z",
    ),
    (
        "MARKERAMBER",
        "CVE-2026-91004",
        "final",
        "AMBER",
        "2026-01-01T00:00:00Z",
    ),
];

fn leak_site() -> SiteTest {
    let t = SiteTest::empty();
    let mut products = common::PRODUCTS.to_string();
    for (i, (marker, cve, status, tlp, published)) in CASES.iter().enumerate() {
        products.push_str(&product(marker));
        let id = format!("EX-2026-{:04}", i + 1);
        t.write(
            &format!("content/advisories/{id}.md"),
            &marked(&id, marker, cve, status, tlp, published),
        );
    }
    t.write("content/products.toml", &products);
    t
}

/// Which markers (and their CVEs) occur anywhere in any output file.
fn found(out: &std::path::Path) -> Vec<&'static str> {
    let files = tree(out);
    CASES
        .iter()
        .filter(|(marker, cve, ..)| {
            let lower = marker.to_lowercase();
            files.iter().any(|(path, bytes)| {
                let text = String::from_utf8_lossy(bytes);
                [*marker, *cve, lower.as_str()]
                    .iter()
                    .any(|m| text.contains(m) || path.contains(m))
            })
        })
        .map(|(m, ..)| *m)
        .collect()
}

#[test]
fn only_published_advisories_reach_the_output() {
    let t = leak_site();
    let report = t.build().expect("builds");
    assert_eq!(report.published, 1);
    assert_eq!(report.held_back.len(), 3);
    assert_eq!(found(&t.out()), vec!["MARKERPUB"]);
}

#[test]
fn moving_the_build_time_past_the_embargo_publishes_it() {
    let t = leak_site();
    let mut opts = t.options();
    opts.now = Some("2027-03-01T00:00:00Z".parse().expect("valid"));
    psirt_site::build(&opts).expect("builds");
    assert_eq!(found(&t.out()), vec!["MARKERPUB", "MARKEREMBARGO"]);
}

#[test]
fn held_back_reasons_name_no_content() {
    let t = leak_site();
    let report = t.build().expect("builds");
    for h in &report.held_back {
        let line = format!("{} {} {}", h.id, h.source.display(), h.reason);
        assert!(!line.contains("MARKER"), "{line}");
    }
}

#[test]
fn check_validates_held_back_advisories_too() {
    let t = leak_site();
    let text = marked(
        "EX-2026-0002",
        "MARKERDRAFT",
        "CVE-bad",
        "draft",
        "CLEAR",
        "2026-01-01T00:00:00Z",
    );
    t.write("content/advisories/EX-2026-0002.md", &text);
    let errors = t.check_errors();
    assert!(errors.contains("invalid-cve"), "{errors}");
}

#[test]
fn hostile_strings_render_inert_everywhere() {
    // Minification is on (the default): it never rewrites entities, so a plain text scan
    // of the published pages finds any hostile markup that got through.
    let t = SiteTest::empty();
    t.write("site.toml", common::SITE_TOML);
    t.write(
        "content/products.toml",
        "[[products]]\nid = \"evil\"\nname = \"\\\"><img src=x onerror=alert(1)>\"\nvendor = \"<b>Vendor</b>\"\n",
    );
    let text = common::advisory(
        "EX-2026-0001",
        "<script>alert(1)</script>",
        "2026-03-10T09:00:00Z",
    )
    .replace("product = \"widget\"", "product = \"evil\"")
    .replace("names = [\"Jane Doe\"]", "names = [\"<svg onload=alert(2)>\"]")
        + "\n<script>alert(3)</script>\n\n[click](javascript:alert(4))\n";
    t.write("content/advisories/EX-2026-0001.md", &text);
    t.build().expect("builds");
    for (path, bytes) in tree(&t.out()) {
        let s = String::from_utf8_lossy(&bytes);
        if path.ends_with(".json") {
            // JSON is data, not markup: it must only stay well-formed.
            serde_json::from_str::<serde_json::Value>(&s).unwrap_or_else(|e| panic!("{path}: {e}"));
            continue;
        }
        for bad in [
            "<script>alert",
            "<img src=x",
            "<svg onload",
            "javascript:alert",
            "<b>Vendor",
        ] {
            assert!(!s.contains(bad), "{path} contains {bad}");
        }
    }
    let csaf = t.read(".well-known/csaf/white/2026/ex-2026-0001.json");
    let v: serde_json::Value = serde_json::from_str(&csaf).expect("valid JSON");
    assert_eq!(v["document"]["title"], "<script>alert(1)</script>");
}

#[test]
fn minified_titles_stay_escaped() {
    let t = SiteTest::minimal();
    let text = common::advisory(
        "EX-2026-0001",
        "</title><script>alert(1)</script>",
        "2026-03-10T09:00:00Z",
    );
    t.write("content/advisories/EX-2026-0001.md", &text);
    t.build().expect("builds");
    let page = t.read("advisories/EX-2026-0001/index.html");
    assert!(
        page.contains("<title>EX-2026-0001: &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; ·"),
        "title must keep `</title>` escaped: {page}"
    );
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;</h1>"),
        "the heading is escaped"
    );
    assert!(!page.contains("<script>alert"), "no live script");
}

#[test]
fn restricted_tlp_documents_go_only_to_the_restricted_folder() {
    let t = leak_site();
    let mut opts = t.options();
    let restricted = t.root().join("restricted");
    opts.restricted = Some(restricted.clone());
    psirt_site::build(&opts).expect("builds");
    assert_eq!(
        found(&t.out()),
        vec!["MARKERPUB"],
        "the public output is unchanged"
    );
    let amber = restricted.join(".well-known/csaf/amber/2026/ex-2026-0004.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&amber).expect("amber document")).expect("json");
    assert_eq!(doc["document"]["distribution"]["tlp"]["label"], "AMBER");
    assert!(restricted.join(".well-known/csaf/amber/index.txt").is_file());
    let restricted_files = tree(&restricted);
    let text: String = restricted_files
        .iter()
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(!text.contains("MARKERDRAFT") && !text.contains("MARKEREMBARGO") && !text.contains("MARKERPUB"));

    opts.restricted = Some(t.out().join("restricted"));
    assert!(
        psirt_site::build(&opts).is_err(),
        "restricted output inside the public folder is refused"
    );
}

/// An advisory about `gadget` (a catalog product that no published advisory names).
fn about_gadget(id: &str, status: &str, tlp: &str, published: &str) -> String {
    common::advisory(id, "Held back GADGETMARK", published)
        .replace("product = \"widget\"", "product = \"gadget\"")
        .replace("status = \"final\"", &format!("status = \"{status}\""))
        .replace("tlp = \"CLEAR\"", &format!("tlp = \"{tlp}\""))
}

#[test]
fn public_output_does_not_depend_on_held_back_advisories() {
    // The same site with and without one held-back advisory about a catalog product no
    // published advisory names: every output byte and path must be the same, or the
    // difference (a product page that appears or vanishes) reveals the embargo.
    let t = SiteTest::minimal();
    let baseline_dir = t.root().join("baseline");
    let mut opts = t.options();
    opts.output = Some(baseline_dir.clone());
    psirt_site::build(&opts).expect("builds");
    let baseline = tree(&baseline_dir);
    let cases = [
        ("draft", "CLEAR", "2026-03-01T00:00:00Z"),
        ("final", "CLEAR", "2027-06-01T00:00:00Z"),
        ("final", "AMBER", "2026-03-01T00:00:00Z"),
    ];
    for (status, tlp, published) in cases {
        let file = "content/advisories/EX-2026-0099.md";
        t.write(file, &about_gadget("EX-2026-0099", status, tlp, published));
        let report = t.build().expect("builds");
        assert_eq!(report.held_back.len(), 1, "{status} {tlp}");
        let held = tree(&t.out());
        let paths = |files: &[(String, Vec<u8>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&held), paths(&baseline), "{status} {tlp}: the same paths");
        for ((path, a), (_, b)) in held.iter().zip(&baseline) {
            assert!(a == b, "{status} {tlp}: {path} differs with a held-back advisory");
        }
    }
}

#[test]
fn a_product_page_exists_once_a_published_advisory_names_it() {
    let t = SiteTest::minimal();
    t.build().expect("builds");
    assert!(!t.out().join("products/gadget/index.html").exists());
    t.write(
        "content/advisories/EX-2026-0099.md",
        &about_gadget("EX-2026-0099", "final", "CLEAR", "2026-03-01T00:00:00Z"),
    );
    t.build().expect("builds");
    assert!(t.read("products/gadget/index.html").contains("GADGETMARK"));
}

#[test]
fn a_future_revision_of_a_published_advisory_is_an_error() {
    let t = SiteTest::minimal();
    let text = common::advisory("EX-2026-0001", "XSS in Widget", "2026-03-10T09:00:00Z").replace(
        "summary = \"Initial public release\"",
        "summary = \"Initial public release\"\n\n[[revisions]]\ndate = 2027-01-05T00:00:00Z\nsummary = \"FUTUREFIX released\"",
    );
    t.write("content/advisories/EX-2026-0001.md", &text);
    let errors = t.check_errors();
    assert!(errors.contains("error[future-date]"), "{errors}");
    assert!(
        errors.contains("EX-2026-0001.md:14:8"),
        "points at the date: {errors}"
    );
    assert!(t.build().is_err(), "nothing is built");
    assert!(!t.out().exists());

    // An embargoed advisory may carry any dates: it is not public yet.
    let embargoed = text.replace("2026-03-10T09:00:00Z", "2026-12-24T09:00:00Z");
    t.write("content/advisories/EX-2026-0001.md", &embargoed);
    t.check()
        .expect("an embargoed advisory is not checked for future revisions");
}

#[test]
fn a_future_withdrawal_of_a_published_advisory_is_an_error() {
    let t = SiteTest::minimal();
    let text = common::advisory("EX-2026-0001", "XSS in Widget", "2026-03-10T09:00:00Z").replace(
        "[[affected]]",
        "[withdrawn]\ndate = 2027-01-05T00:00:00Z\nreason = \"FUTUREWITHDRAWN duplicate\"\n\n[[affected]]",
    );
    t.write("content/advisories/EX-2026-0001.md", &text);
    let errors = t.check_errors();
    assert!(errors.contains("error[future-date]: the withdrawal"), "{errors}");
}

#[test]
fn a_future_credit_is_held_back_until_its_date() {
    let t = SiteTest::minimal();
    t.write(
        "content/acknowledgments.toml",
        "[[credits]]\nnames = [\"FUTURECREDIT Person\"]\nsummary = \"Hardening report\"\ndate = 2027-01-05T00:00:00Z\n\n[[credits]]\nnames = [\"PASTCREDIT Person\"]\nsummary = \"Earlier report\"\ndate = 2026-01-05T00:00:00Z\n",
    );
    t.build().expect("builds");
    let text: String = tree(&t.out())
        .iter()
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert!(text.contains("PASTCREDIT"));
    assert!(
        !text.contains("FUTURECREDIT"),
        "a credit dated later is not published yet"
    );
    let mut later = t.options();
    later.now = Some("2027-01-06T00:00:00Z".parse().expect("valid"));
    psirt_site::build(&later).expect("builds");
    assert!(t.read("acknowledgments/index.html").contains("FUTURECREDIT"));
}

#[test]
fn a_product_feed_description_carries_the_name_as_text() {
    let t = SiteTest::empty();
    t.write(
        "content/products.toml",
        "[[products]]\nid = \"evil\"\nname = \"<img src=x onerror=alert(1)>\"\nvendor = \"Example Corp\"\n",
    );
    let text = common::advisory("EX-2026-0001", "XSS", "2026-03-10T09:00:00Z")
        .replace("product = \"widget\"", "product = \"evil\"");
    t.write("content/advisories/EX-2026-0001.md", &text);
    t.build().expect("builds");
    let xml = t.read("feeds/products/evil.xml");
    let channel = rss::Channel::read_from(xml.as_bytes()).expect("RSS");
    // What a reader renders as HTML: the name must arrive as escaped text.
    assert!(
        !channel.description().contains("<img"),
        "{}",
        channel.description()
    );
    assert!(channel.description().contains("&lt;img src=x"));
}

#[test]
fn preview_csaf_listings_are_not_indexed() {
    let t = leak_site();
    let mut opts = t.options();
    opts.mode = psirt_site::site::Mode::Preview;
    opts.output = Some(t.root().join("preview"));
    psirt_site::build(&opts).expect("builds");
    let listings: Vec<_> = tree(&t.root().join("preview/.well-known/csaf"))
        .into_iter()
        .filter(|(p, _)| p.ends_with("index.html"))
        .collect();
    assert!(!listings.is_empty());
    for (path, bytes) in listings {
        let html = String::from_utf8_lossy(&bytes);
        assert!(
            html.contains(r#"<meta name="robots" content="noindex">"#),
            "{path}"
        );
    }
}

#[test]
fn a_control_character_never_reaches_a_feed() {
    let t = SiteTest::minimal();
    // TOML escapes: a raw control character would already be a TOML syntax error.
    for title in ["XSS\\u0001 in Widget", "XSS in\\uFFFF Widget"] {
        let text = common::advisory("EX-2026-0001", title, "2026-03-10T09:00:00Z");
        t.write("content/advisories/EX-2026-0001.md", &text);
        let failure = t.build().expect_err("refused, not published as malformed XML");
        let codes: Vec<&str> = failure.diagnostics.iter().map(|d| d.code.name()).collect();
        assert!(
            codes
                .iter()
                .any(|c| matches!(*c, "invalid-text" | "output-check")),
            "{title}: {codes:?}"
        );
        assert!(!t.out().exists());
    }
}
