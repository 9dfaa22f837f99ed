//! RSS feeds of a small fixture site: content, GUID stability across rebuilds and updates,
//! the publication gate, and that every feed a page advertises exists.

use std::fs;
use std::path::{Path, PathBuf};

use psirt_site::BuildOptions;
use rss::Channel;

const BASE: &str = "https://psirt.test.example/sec";

const SITE_TOML: &str = r#"
allow_example_domains = true
title = "Test PSIRT"
base_url = "https://psirt.test.example/sec"
description = "Advisories of a test vendor."

[publisher]
name = "Test PSIRT"
namespace = "https://test.example"

[contact]
email = "psirt@test.example"
"#;

const PRODUCTS_TOML: &str = r#"
[[products]]
id = "widget"
name = "Test Widget"
vendor = "Test Vendor"

[[products]]
id = "gadget"
name = "Test Gadget"
vendor = "Test Vendor"
"#;

/// One advisory file; fields hold TOML fragments.
struct Adv {
    id: &'static str,
    title: &'static str,
    published: &'static str,
    status: &'static str,
    revisions: Vec<(&'static str, &'static str)>,
    products: Vec<&'static str>,
    vulnerability: &'static str,
}

impl Adv {
    fn text(&self) -> String {
        let mut s = format!(
            "+++\nid = \"{}\"\ntitle = \"{}\"\npublished = {}\nstatus = \"{}\"\nsummary = \"Summary of {} with < 2.0 & more.\"\n",
            self.id, self.title, self.published, self.status, self.id
        );
        for (date, summary) in &self.revisions {
            s += &format!("\n[[revisions]]\ndate = {date}\nsummary = \"{summary}\"\n");
        }
        for p in &self.products {
            s += &format!("\n[[affected]]\nproduct = \"{p}\"\nversions = \"< 2.0\"\n");
        }
        s += &format!("\n[[vulnerabilities]]\n{}\n", self.vulnerability);
        s + "+++\n\n## Details\n\nSomething was wrong.\n"
    }
}

const CRITICAL: &str = "cve = \"CVE-2025-10001\"\ntitle = \"Overflow\"\ncvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"";
const MEDIUM: &str =
    "cve = \"CVE-2026-20002\"\ntitle = \"Leak\"\ncvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:L/A:N\"";

fn advisories() -> Vec<Adv> {
    let adv = |id, title, published, status, revisions, products, vulnerability| Adv {
        id,
        title,
        published,
        status,
        revisions,
        products,
        vulnerability,
    };
    vec![
        adv(
            "TEST-SA-2025-0001",
            "Overflow in Widget",
            "2025-03-01T09:00:00Z",
            "final",
            vec![("2025-03-01T09:00:00Z", "Initial public release")],
            vec!["widget"],
            CRITICAL,
        ),
        adv(
            "TEST-SA-2025-0002",
            "Unscored issue in Gadget",
            "2025-05-01T09:00:00Z",
            "final",
            vec![("2025-05-01T09:00:00Z", "Initial public release")],
            vec!["gadget"],
            "title = \"Unscored\"",
        ),
        adv(
            "TEST-SA-2026-0001",
            "Leak in Widget and Gadget",
            "2026-01-10T09:00:00Z",
            "final",
            vec![("2026-01-10T09:00:00Z", "Initial public release")],
            vec!["widget", "gadget"],
            MEDIUM,
        ),
        adv(
            "TEST-SA-2026-0002",
            "Secret draft issue",
            "2026-02-01T09:00:00Z",
            "draft",
            vec![],
            vec!["widget"],
            "title = \"Draft vuln\"",
        ),
        adv(
            "TEST-SA-2026-0003",
            "Embargoed issue",
            "2026-09-01T09:00:00Z",
            "final",
            vec![("2026-09-01T09:00:00Z", "Initial public release")],
            vec!["widget"],
            CRITICAL,
        ),
    ]
}

fn write_site(root: &Path, advisories: &[Adv]) {
    fs::create_dir_all(root.join("content/advisories")).expect("create content");
    fs::write(root.join("site.toml"), SITE_TOML).expect("write site.toml");
    fs::write(root.join("content/products.toml"), PRODUCTS_TOML).expect("write products");
    for a in advisories {
        let path = root.join(format!("content/advisories/{}.md", a.id));
        fs::write(path, a.text()).expect("write advisory");
    }
}

fn build(root: &Path, out: &Path) {
    let now = "2026-06-01T00:00:00Z".parse().expect("timestamp");
    let opts = BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        now: Some(now),
        cache_dir: Some(out.with_file_name("cache")),
        ..Default::default()
    };
    if let Err(f) = psirt_site::build(&opts) {
        panic!("build failed: {:#?}", f.diagnostics);
    }
}

fn feed(out: &Path, rel: &str) -> Channel {
    let bytes = fs::read(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    Channel::read_from(&bytes[..]).unwrap_or_else(|e| panic!("{rel} is not RSS: {e}"))
}

fn guids(c: &Channel) -> Vec<String> {
    c.items()
        .iter()
        .map(|i| i.guid().expect("guid").value().to_string())
        .collect()
}

fn titles(c: &Channel) -> Vec<&str> {
    c.items().iter().map(|i| i.title().expect("title")).collect()
}

fn page(id: &str) -> String {
    format!("{BASE}/advisories/{id}/")
}

fn feed_files(out: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![out.join("feeds")];
    while let Some(d) = dirs.pop() {
        for e in fs::read_dir(&d).expect("read feeds dir") {
            let p = e.expect("dir entry").path();
            if p.is_dir() { dirs.push(p) } else { files.push(p) }
        }
    }
    files.sort();
    files
}

#[test]
fn feeds_hold_the_published_advisories() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (root, out) = (tmp.path().join("site"), tmp.path().join("out"));
    write_site(&root, &advisories());
    build(&root, &out);

    let all = feed(&out, "feeds/advisories.xml");
    assert_eq!(all.title(), "Test PSIRT: all advisories");
    assert_eq!(all.link(), format!("{BASE}/"));
    assert_eq!(all.language(), Some("en"));
    assert_eq!(all.last_build_date(), Some("Sat, 10 Jan 2026 09:00:00 +0000"));
    assert!(all.generator().expect("generator").starts_with("psirt-site "));
    let atom = all.atom_ext().expect("atom extension");
    assert_eq!(atom.links()[0].rel(), "self");
    assert_eq!(atom.links()[0].href(), format!("{BASE}/feeds/advisories.xml"));
    assert_eq!(atom.links()[0].mime_type(), Some("application/rss+xml"));
    assert_eq!(
        titles(&all),
        [
            "TEST-SA-2026-0001 [Medium]: Leak in Widget and Gadget",
            "TEST-SA-2025-0002 [Unrated]: Unscored issue in Gadget",
            "TEST-SA-2025-0001 [Critical]: Overflow in Widget",
        ]
    );
    let first = &all.items()[0];
    assert_eq!(first.link(), Some(page("TEST-SA-2026-0001").as_str()));
    let guid = first.guid().expect("guid");
    assert_eq!(
        (guid.value(), guid.is_permalink()),
        (page("TEST-SA-2026-0001").as_str(), true)
    );
    assert_eq!(first.pub_date(), Some("Sat, 10 Jan 2026 09:00:00 +0000"));
    let cats: Vec<&str> = first.categories().iter().map(|c| c.name()).collect();
    assert_eq!(cats, ["Test Widget", "Test Gadget", "CVE-2026-20002"]);
    let desc = first.description().expect("description");
    assert!(desc.contains("with &lt; 2.0 &amp; more."), "{desc}");
    assert!(
        desc.contains("5.4 (Medium)") && desc.contains("CVSS:3.1/AV:N/AC:L/PR:L"),
        "{desc}"
    );

    let widget = feed(&out, "feeds/products/widget.xml");
    assert_eq!(
        guids(&widget),
        [page("TEST-SA-2026-0001"), page("TEST-SA-2025-0001")]
    );
    let gadget = feed(&out, "feeds/products/gadget.xml");
    assert_eq!(
        guids(&gadget),
        [page("TEST-SA-2026-0001"), page("TEST-SA-2025-0002")]
    );
    assert_eq!(
        guids(&feed(&out, "feeds/severity/critical.xml")),
        [page("TEST-SA-2025-0001")]
    );
    assert_eq!(
        guids(&feed(&out, "feeds/severity/medium.xml")),
        [page("TEST-SA-2026-0001")]
    );
    for s in ["high", "low", "none"] {
        assert!(
            feed(&out, &format!("feeds/severity/{s}.xml")).items().is_empty(),
            "{s}"
        );
    }
}

#[test]
fn unpublished_advisories_are_in_no_feed() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (root, out) = (tmp.path().join("site"), tmp.path().join("out"));
    write_site(&root, &advisories());
    build(&root, &out);
    let files = feed_files(&out);
    assert_eq!(files.len(), 1 + 2 + 5 + 2, "{files:?}");
    for f in files {
        let text = fs::read_to_string(&f).expect("read feed");
        for secret in [
            "TEST-SA-2026-0002",
            "Secret draft",
            "TEST-SA-2026-0003",
            "Embargoed",
        ] {
            assert!(!text.contains(secret), "{secret} leaked into {}", f.display());
        }
    }
}

#[test]
fn guids_are_stable_and_updates_add_one_item() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("site");
    let (out1, out2) = (tmp.path().join("out1"), tmp.path().join("out2"));
    let mut advs = advisories();
    write_site(&root, &advs);
    build(&root, &out1);
    build(&root, &out2);
    for f in feed_files(&out1) {
        let rel = f.strip_prefix(&out1).expect("inside out1");
        let again = fs::read(out2.join(rel)).expect("same feed in second build");
        assert_eq!(
            fs::read(&f).expect("read"),
            again,
            "{} differs between builds",
            rel.display()
        );
    }

    let before = guids(&feed(&out1, "feeds/updates.xml"));
    assert_eq!(before.len(), 3);
    let all_before = guids(&feed(&out1, "feeds/advisories.xml"));
    advs[2]
        .revisions
        .push(("2026-03-15T12:00:00Z", "Added a workaround"));
    write_site(&root, &advs);
    build(&root, &out2);

    let updates = feed(&out2, "feeds/updates.xml");
    let after = guids(&updates);
    assert_eq!(after.len(), before.len() + 1);
    let new = format!("{}#revision-2", page("TEST-SA-2026-0001"));
    assert_eq!(after[0], new, "the newest revision comes first");
    assert!(!updates.items()[0].guid().expect("guid").is_permalink());
    assert!(
        before.iter().all(|g| after.contains(g)),
        "old GUIDs kept: {before:?} vs {after:?}"
    );
    let top = &updates.items()[0];
    assert_eq!(top.pub_date(), Some("Sun, 15 Mar 2026 12:00:00 +0000"));
    assert!(
        top.description()
            .expect("description")
            .contains("Added a workaround")
    );
    assert_eq!(guids(&feed(&out2, "feeds/advisories.xml")), all_before);
    assert_eq!(
        feed(&out2, "feeds/advisories.xml").last_build_date(),
        Some("Sun, 15 Mar 2026 12:00:00 +0000")
    );
}

/// Every `…/feeds/….xml` URL in any HTML page must be a file we wrote, and the feeds page
/// must list every feed.
#[test]
fn advertised_feeds_exist() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (root, out) = (tmp.path().join("site"), tmp.path().join("out"));
    write_site(&root, &advisories());
    build(&root, &out);
    let prefix = format!("{BASE}/feeds/");
    let pages = [
        "index.html",
        "feeds/index.html",
        "products/widget/index.html",
        "advisories/severity/critical/index.html",
        "advisories/TEST-SA-2026-0001/index.html",
    ];
    let mut advertised = Vec::new();
    for p in pages {
        let html = fs::read_to_string(out.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
        for (i, _) in html.match_indices(&prefix) {
            let rest = &html[i + prefix.len()..];
            let end = rest.find(['"', '\'', ' ', '>']).unwrap_or(rest.len());
            if let Some(name) = rest[..end].strip_suffix(".xml") {
                advertised.push(format!("feeds/{name}.xml"));
            }
        }
    }
    for rel in [
        "products/widget",
        "products/gadget",
        "severity/critical",
        "updates",
    ] {
        assert!(
            advertised.contains(&format!("feeds/{rel}.xml")),
            "{rel} not advertised"
        );
    }
    for rel in &advertised {
        assert!(out.join(rel).is_file(), "{rel} is advertised but not written");
    }
    let listed = fs::read_to_string(out.join("feeds/index.html")).expect("feeds page");
    for f in feed_files(&out)
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "xml"))
    {
        let rel = f
            .strip_prefix(&out)
            .expect("inside out")
            .to_string_lossy()
            .replace('\\', "/");
        assert!(
            listed.contains(&format!("{BASE}/{rel}")),
            "{rel} missing from the feeds page"
        );
    }
}

#[test]
fn feeds_hold_only_the_newest_items_up_to_the_limit() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (root, out) = (tmp.path().join("site"), tmp.path().join("out"));
    write_site(&root, &advisories());
    let limited = format!("{SITE_TOML}\n[feeds]\nlimit = 2\n");
    fs::write(root.join("site.toml"), limited).expect("write site.toml");
    build(&root, &out);

    let all = feed(&out, "feeds/advisories.xml");
    assert_eq!(
        guids(&all),
        [page("TEST-SA-2026-0001"), page("TEST-SA-2025-0002")],
        "the two newest advisories, newest first"
    );
    assert!(
        all.description().ends_with("(at most the latest 2)."),
        "{}",
        all.description()
    );
    let updates = feed(&out, "feeds/updates.xml");
    assert_eq!(updates.items().len(), 2);
    // A feed with fewer items than the limit keeps them all.
    let widget = feed(&out, "feeds/products/widget.xml");
    assert_eq!(
        guids(&widget),
        [page("TEST-SA-2026-0001"), page("TEST-SA-2025-0001")]
    );
    // The advisories page still lists every published advisory.
    let index = fs::read_to_string(out.join("advisories/index.html")).expect("index page");
    assert!(index.contains("TEST-SA-2025-0001"));

    // 0 keeps every item.
    let unlimited = format!("{SITE_TOML}\n[feeds]\nlimit = 0\n");
    fs::write(root.join("site.toml"), unlimited).expect("write site.toml");
    build(&root, &out);
    let all = feed(&out, "feeds/advisories.xml");
    assert_eq!(all.items().len(), 3);
    assert_eq!(
        all.description(),
        "Every published security advisory, newest first."
    );
}

#[test]
fn a_negative_feed_limit_is_an_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path().join("site");
    write_site(&root, &advisories());
    let bad = format!("{SITE_TOML}\n[feeds]\nlimit = -1\n");
    fs::write(root.join("site.toml"), bad).expect("write site.toml");
    let opts = BuildOptions {
        root: root.clone(),
        output: Some(tmp.path().join("out")),
        ..Default::default()
    };
    let failure = psirt_site::build(&opts).expect_err("a negative limit must fail");
    let [d] = &failure.diagnostics[..] else {
        panic!("one diagnostic expected: {:#?}", failure.diagnostics)
    };
    let text = format!("{d:?}");
    assert!(text.contains("0 for every item"), "{text}");
    assert!(text.contains("site.toml"), "{text}");
}
