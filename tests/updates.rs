//! Updating or withdrawing an advisory updates the CSAF revision history, changes.csv, the
//! ROLIE feed, the RSS updates feed and the page consistently.

use crate::common;

use common::SiteTest;
use serde_json::Value;

const ADVISORY: &str = "content/advisories/EX-2026-0001.md";

fn site() -> SiteTest {
    let t = SiteTest::minimal();
    t.write(
        "content/advisories/EX-2026-0002.md",
        &common::advisory("EX-2026-0002", "Older", "2026-02-01T00:00:00Z")
            .replace("CVE-2026-40001", "CVE-2026-40002"),
    );
    t
}

fn csaf(t: &SiteTest) -> Value {
    serde_json::from_str(&t.read(".well-known/csaf/white/2026/ex-2026-0001.json")).expect("json")
}

fn edit(t: &SiteTest, addition: &str) {
    let text = std::fs::read_to_string(t.root().join(ADVISORY)).expect("read");
    let text = text.replacen("\n+++\n", &format!("\n{addition}\n+++\n"), 1);
    t.write(ADVISORY, &text);
}

#[test]
fn an_update_moves_the_advisory_to_the_top_everywhere() {
    let t = site();
    t.build().expect("builds");
    assert_eq!(csaf(&t)["document"]["tracking"]["version"], "1");
    let updates_before = t.read("feeds/updates.xml").matches("<item>").count();

    // Insert a second revision after the first one.
    let text = std::fs::read_to_string(t.root().join(ADVISORY)).expect("read");
    let text = text.replacen(
        "summary = \"Initial public release\"\n",
        "summary = \"Initial public release\"\n\n[[revisions]]\ndate = 2026-04-01T12:00:00Z\nsummary = \"Added a workaround\"\n",
        1,
    );
    t.write(ADVISORY, &text);
    t.build().expect("builds");

    let doc = csaf(&t);
    assert_eq!(doc["document"]["tracking"]["version"], "2");
    assert_eq!(
        doc["document"]["tracking"]["current_release_date"],
        "2026-04-01T12:00:00Z"
    );
    assert_eq!(doc["document"]["tracking"]["revision_history"][1]["number"], "2");
    let changes = t.read(".well-known/csaf/white/changes.csv");
    assert_eq!(
        changes.lines().next(),
        Some("\"2026/ex-2026-0001.json\",\"2026-04-01T12:00:00Z\"")
    );
    let rolie: Value =
        serde_json::from_str(&t.read(".well-known/csaf/csaf-feed-tlp-white.json")).expect("json");
    assert_eq!(rolie["feed"]["entry"][0]["id"], "EX-2026-0001");
    assert_eq!(rolie["feed"]["entry"][0]["updated"], "2026-04-01T12:00:00Z");
    let updates = t.read("feeds/updates.xml");
    assert_eq!(updates.matches("<item>").count(), updates_before + 1);
    assert!(updates.contains("Added a workaround"));
}

#[test]
fn a_withdrawal_is_the_last_revision_and_shows_everywhere() {
    let t = site();
    edit(
        &t,
        "[withdrawn]\ndate = 2026-05-01T00:00:00Z\nreason = \"Not a vulnerability: the endpoint requires authentication.\"",
    );
    t.build().expect("builds");
    let doc = csaf(&t);
    assert_eq!(doc["document"]["tracking"]["version"], "2");
    let history = doc["document"]["tracking"]["revision_history"]
        .as_array()
        .expect("history");
    assert!(
        history[1]["summary"]
            .as_str()
            .expect("summary")
            .starts_with("Withdrawn: Not a vulnerability")
    );
    assert_eq!(doc["document"]["notes"][0]["title"], "Withdrawn");
    assert!(
        t.read(".well-known/csaf/white/changes.csv")
            .starts_with("\"2026/ex-2026-0001.json\",\"2026-05-01T00:00:00Z\"")
    );
    assert!(
        t.read("feeds/updates.xml")
            .contains("Withdrawn: Not a vulnerability")
    );
    let page = t.read("advisories/EX-2026-0001/index.html");
    assert!(page.contains("Withdrawn on 2026-05-01"));
    assert!(t.read("advisories/index.html").contains("Withdrawn"));
}

#[test]
fn a_withdrawal_before_the_last_revision_is_an_error() {
    let t = site();
    edit(&t, "[withdrawn]\ndate = 2026-01-01T00:00:00Z\nreason = \"x\"");
    let text = t.check_errors();
    assert!(text.contains("error[revision-order]"), "{text}");
}
