//! Nothing leaks: drafts, embargoed and non-public TLP advisories never reach any output
//! file, and hostile strings render inert everywhere.

mod common;

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
