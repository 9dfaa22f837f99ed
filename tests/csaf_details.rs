//! Details of an advisory that reach its CSAF document and page: per-vulnerability and
//! document fields, tracking ids, every kind of CVSS score, revision numbers.

use crate::common;
use common::SiteTest;

/// The advisory of `common::advisory` with every per-vulnerability and per-document
/// detail that CSAF carries (#15).
fn rich_advisory() -> String {
    let text = common::advisory("EX-2026-0001", "XSS in Widget", "2026-03-10T09:00:00Z");
    let text = text.replacen(
        "summary = \"Summary of EX-2026-0001.\"\n",
        r#"summary = "Summary of EX-2026-0001."
distribution_text = "Share freely."
vendor_severity = { text = "Important", namespace = "https://example.com/ratings" }

[[notes]]
category = "legal_disclaimer"
title = "Terms of use"
text = "Provided as is."
"#,
        1,
    );
    let text = text.replacen(
        "summary = \"Initial public release\"\n",
        "summary = \"Initial public release\"\nlegacy_version = \"1.0.0\"\n",
        1,
    );
    let text = text.replacen(
        "/C:L/I:L/A:N\"\n",
        r#"/C:L/I:L/A:N"
ids = [{ system_name = "GHSA", text = "GHSA-abcd-efgh-ijkl" }]
release_date = 2026-03-10T09:00:00.250Z

[vulnerabilities.exploited]
date = 2026-03-12
details = "Exploited against internet-facing admin consoles."

[[vulnerabilities.threats]]
category = "impact"
details = "Session theft of an administrator."
products = ["widget"]

[[vulnerabilities.notes]]
category = "faq"
title = "Is the API affected?"
text = "No."

[[vulnerabilities.references]]
url = "https://example.com/bugs/1"
summary = "Bug 1"
category = "self"
"#,
        1,
    );
    text.replacen(
        "url = \"https://example.com/downloads\"\n",
        r#"url = "https://example.com/downloads"
date = 2026-03-10
restart_required = { category = "service", details = "Restart the web service." }
entitlements = ["Needs a support contract."]
"#,
        1,
    ) + "\n## Summary\n\nLonger summary.\n\n## Timeline {note=general}\n\nReported in January.\n"
}

#[test]
fn per_vulnerability_and_document_details_reach_csaf_and_the_page() {
    let t = SiteTest::minimal();
    t.write("content/advisories/EX-2026-0001.md", &rich_advisory());
    t.build().expect("builds (the document passes csaf-rs)");
    let json: serde_json::Value =
        serde_json::from_str(&t.read(".well-known/csaf/white/2026/ex-2026-0001.json")).expect("json");
    let doc = &json["document"];
    assert_eq!(doc["distribution"]["text"], "Share freely.");
    assert_eq!(doc["aggregate_severity"]["text"], "Important");
    assert_eq!(
        doc["aggregate_severity"]["namespace"],
        "https://example.com/ratings"
    );
    assert_eq!(doc["tracking"]["revision_history"][0]["legacy_version"], "1.0.0");
    let notes = doc["notes"].as_array().expect("notes");
    let summaries: Vec<_> = notes.iter().filter(|n| n["category"] == "summary").collect();
    assert_eq!(summaries.len(), 1, "one summary note: {notes:?}");
    assert_eq!(
        summaries[0]["text"],
        "Summary of EX-2026-0001.\n\nLonger summary."
    );
    assert!(
        notes
            .iter()
            .any(|n| n["category"] == "legal_disclaimer" && n["title"] == "Terms of use")
    );
    assert!(
        notes
            .iter()
            .any(|n| n["category"] == "general" && n["title"] == "Timeline")
    );
    let v = &json["vulnerabilities"][0];
    assert_eq!(v["ids"][0]["system_name"], "GHSA");
    assert_eq!(v["release_date"], "2026-03-10T09:00:00.25Z");
    assert_eq!(v["references"][0]["category"], "self");
    assert_eq!(v["threats"][0]["category"], "impact");
    assert_eq!(v["threats"][0]["product_ids"][0], "widget-vulnerable");
    assert_eq!(v["threats"][1]["category"], "exploit_status");
    assert_eq!(v["threats"][1]["date"], "2026-03-12T00:00:00Z");
    assert!(
        v["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .any(|n| n["category"] == "faq")
    );
    let r = &v["remediations"][0];
    assert_eq!(r["date"], "2026-03-10T00:00:00Z");
    assert_eq!(r["restart_required"]["category"], "service");
    assert_eq!(r["entitlements"][0], "Needs a support contract.");

    let page = t.read("advisories/EX-2026-0001/index.html");
    for shown in [
        "Exploited in the wild",
        "Vendor severity",
        "Important",
        "GHSA-abcd-efgh-ijkl",
        "Session theft of an administrator.",
        "Is the API affected?",
        "https://example.com/bugs/1",
        "Restart the web service.",
        "Share freely.",
        "(1.0.0)",
    ] {
        assert!(page.contains(shown), "the page lacks {shown:?}");
    }
    assert_eq!(page.matches(">Summary</h2>").count(), 1, "one Summary heading");
    let list = t.read("advisories/index.html");
    assert!(list.contains("tag-exploited"), "the card shows the exploitation");
}

#[test]
fn a_tracking_id_with_a_colon_keeps_its_id_and_gets_a_safe_page_folder() {
    let t = SiteTest::minimal();
    let text = common::advisory("EX-2026:0001", "XSS in Widget", "2026-03-10T09:00:00Z");
    t.write("content/advisories/EX-2026-0001.md", &text);
    t.build().expect("builds");
    let page = t.read("advisories/EX-2026_0001/index.html");
    assert!(page.contains("EX-2026:0001"), "the page shows the id as written");
    let json: serde_json::Value =
        serde_json::from_str(&t.read(".well-known/csaf/white/2026/ex-2026_0001.json")).expect("json");
    assert_eq!(json["document"]["tracking"]["id"], "EX-2026:0001");
    // Another id with the same page folder is refused at its id.
    let other = common::advisory("EX-2026_0001", "Other", "2026-03-11T09:00:00Z");
    t.write("content/advisories/other.md", &other);
    let errors = t.check_errors();
    assert!(
        errors.contains("error[duplicate-id]: advisory ids `EX-2026:0001` and `EX-2026_0001` share the page folder `advisories/EX-2026_0001/`"),
        "{errors}"
    );
}

#[test]
fn cvss_2_and_temporal_and_environmental_scores_reach_csaf() {
    let t = SiteTest::minimal();
    let text = common::advisory("EX-2026-0001", "XSS in Widget", "2026-03-10T09:00:00Z").replacen(
        "cvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\"",
        "cvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N/E:F/RL:O/RC:C/CR:H/MAV:A\"\ncvss_v2 = \"AV:N/AC:M/Au:N/C:N/I:P/A:N/E:F/RL:OF/RC:C\"",
        1,
    );
    t.write("content/advisories/EX-2026-0001.md", &text);
    t.build()
        .expect("builds: csaf-rs checks every score against its vector");
    let json: serde_json::Value =
        serde_json::from_str(&t.read(".well-known/csaf/white/2026/ex-2026-0001.json")).expect("json");
    let score = &json["vulnerabilities"][0]["scores"][0];
    assert_eq!(score["cvss_v2"]["baseScore"], 4.3);
    assert_eq!(score["cvss_v2"]["version"], "2.0");
    assert!(score["cvss_v2"]["temporalScore"].is_number());
    assert_eq!(score["cvss_v3"]["baseScore"], 6.1, "the base score is unchanged");
    assert_eq!(score["cvss_v3"]["exploitCodeMaturity"], "FUNCTIONAL");
    assert!(score["cvss_v3"]["temporalScore"].is_number());
    assert!(score["cvss_v3"]["environmentalScore"].is_number());
    let page = t.read("advisories/EX-2026-0001/index.html");
    assert!(
        page.contains("CVSS v2.0") && page.contains("Temporal score"),
        "the page shows both"
    );
}

/// What a migrated CSAF document may keep (#16): revision numbers in semantic versioning,
/// temporal and environmental scores of a vector without such metrics, and a leaf at a
/// product-family branch below the product name.
#[test]
fn revision_numbers_all_scores_and_branch_leaves_reach_csaf() {
    let t = SiteTest::minimal();
    let text = common::advisory("EX-2026-0001", "XSS in Widget", "2026-03-10T09:00:00Z")
        .replacen(
            "summary = \"Initial public release\"\n",
            "summary = \"Initial public release\"\nnumber = \"1.0.0\"\n\n[[revisions]]\ndate = 2026-03-11T09:00:00Z\nsummary = \"Fix\"\nnumber = \"1.0.1\"\n",
            1,
        )
        .replacen(
            "cvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\"",
            "cvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\"\ncvss_v3_all_scores = true",
            1,
        )
        .replacen(
            "fixed = \"2.0.1\"\n",
            "fixed = \"2.0.1\"\n\n[[affected]]\nproduct = \"widget\"\nstatus = \"unstated\"\nbranches = { product_family = \"Widget Pro\" }\nat_branch = true\n",
            1,
        );
    t.write("content/advisories/EX-2026-0001.md", &text);
    t.build()
        .expect("builds: every rebuilt CSAF document passes the mandatory tests");
    let json: serde_json::Value =
        serde_json::from_str(&t.read(".well-known/csaf/white/2026/ex-2026-0001.json")).expect("json");
    let tracking = &json["document"]["tracking"];
    assert_eq!(tracking["revision_history"][0]["number"], "1.0.0");
    assert_eq!(tracking["revision_history"][1]["number"], "1.0.1");
    assert_eq!(tracking["version"], "1.0.1");
    let cvss = &json["vulnerabilities"][0]["scores"][0]["cvss_v3"];
    assert_eq!(cvss["temporalScore"], cvss["baseScore"]);
    assert_eq!(cvss["temporalSeverity"], "MEDIUM");
    assert!(cvss["environmentalScore"].is_number());
    assert!(
        cvss.get("exploitCodeMaturity").is_none(),
        "no metric the vector lacks"
    );
    let tree = json["product_tree"].to_string();
    assert!(
        tree.contains(
            r#""category":"product_family","name":"Widget Pro","product":{"name":"Example Widget Widget Pro""#
        ),
        "{tree}"
    );
}

#[test]
fn revision_numbers_and_branch_leaves_are_checked() {
    let t = SiteTest::minimal();
    let text = common::advisory("EX-2026-0001", "XSS in Widget", "2026-03-10T09:00:00Z")
        .replacen(
            "summary = \"Initial public release\"\n",
            "summary = \"Initial public release\"\nnumber = \"1.0.1\"\n\n[[revisions]]\ndate = 2026-03-11T09:00:00Z\nsummary = \"Fix\"\nnumber = \"1.0.0\"\n\n[[revisions]]\ndate = 2026-03-12T09:00:00Z\nsummary = \"No number\"\n",
            1,
        )
        .replacen(
            "fixed = \"2.0.1\"\n",
            "fixed = \"2.0.1\"\n\n[[affected]]\nproduct = \"gadget\"\nstatus = \"unstated\"\nat_branch = true\n",
            1,
        );
    t.write("content/advisories/EX-2026-0001.md", &text);
    let errors = t.check_errors();
    assert!(
        errors
            .contains("error[revision-number]: this revision's number is not greater than the one before it"),
        "{errors}"
    );
    assert!(
        errors.contains(
            "error[revision-number]: this revision has no `number`, but others of the advisory have one"
        ),
        "{errors}"
    );
    assert!(
        errors.contains("`at_branch` makes the entry's last branch its leaf, and it has no `branches`"),
        "{errors}"
    );
}
