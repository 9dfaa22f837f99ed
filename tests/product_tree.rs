//! The affected-products model in CSAF: release trains, platforms and components, VEX
//! statements, scoped statuses, explicit names and ids, and the tree shapes import needs.

use crate::common;
// The shapes import needs, in a file of their own so that this one stays readable.
#[path = "product_tree/import_shapes.rs"]
mod import_shapes;

use common::SiteTest;
use psirt_site::diag::Code;

/// A catalog with a platform (`switch`), a component on it (`agent`) and a package with
/// rpm versions, for the affected-model tests.
const TRAIN_PRODUCTS: &str = r#"
[[products]]
id = "switch"
name = "Example Switch OS"
vendor = "Example Corp"
scheme = "semver"
identification = { model_numbers = ["SW-48"], skus = ["SW-48-EU"] }

[[products]]
id = "agent"
name = "Example Agent"
vendor = "Example Corp"
purl = "pkg:generic/example/agent"
part_of = [{ product = "switch", relationship = "installed_on" }]

[[products]]
id = "vim"
name = "vim"
vendor = "Example Linux"
scheme = "rpm"
product_id = "EXL-vim"
branches = { architecture = "x86_64" }
"#;

fn train_site(front: &str) -> SiteTest {
    let t = SiteTest::minimal();
    let mut products = common::PRODUCTS.to_string();
    products.push_str(TRAIN_PRODUCTS);
    t.write("content/products.toml", &products);
    t.write("content/advisories/EX-2026-0002.md", front);
    t
}

fn trains_advisory(category: &str, affected: &str) -> String {
    format!(
        "+++\nid = \"EX-2026-0002\"\ntitle = \"Trains\"\npublished = 2026-03-10T09:00:00Z\nstatus = \"final\"\n{category}summary = \"S.\"\n\n[[revisions]]\ndate = 2026-03-10T09:00:00Z\nsummary = \"Initial public release\"\n\n{affected}\n[[vulnerabilities]]\ncve = \"CVE-2026-40002\"\ntitle = \"Flaw\"\ncvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"\n[[vulnerabilities.remediations]]\ncategory = \"vendor_fix\"\ndetails = \"Update.\"\n+++\nBody.\n"
    )
}

fn csaf(t: &SiteTest) -> serde_json::Value {
    serde_json::from_str(&t.read(".well-known/csaf/white/2026/ex-2026-0002.json")).expect("json")
}

#[test]
fn one_product_in_two_release_trains_with_explicit_versions() {
    let t = train_site(&trains_advisory(
        "",
        r#"[[affected]]
product = "switch"
versions = ">= 9.3.0, < 9.3.1"
fixed = "9.3.1"

[[affected]]
product = "switch"
versions = ">= 11.0.0, < 11.0.15"
fixed = "11.0.15"

[[affected]]
product = "switch"
version = "V2.1 (Installer)"

[[affected]]
product = "switch"
fixed = "12.0.0"

[[affected]]
product = "vim"
versions = "< 2:8.2.2637-22.el9_6"
fixed = "2:8.2.2637-22.el9_6"
identification = { purl = "pkg:rpm/example/vim@8.2.2637-22.el9_6?epoch=2&arch=x86_64" }
"#,
    ));
    let report = t.build().expect("builds, CSAF valid");
    // No legacy-version or CSAF warning: only the fixture's missing policy.
    assert!(
        report.warnings.iter().all(|w| w.code == Code::Policy),
        "{:?}",
        report.warnings
    );
    let doc = csaf(&t);
    let text = doc.to_string();
    for needle in [
        "vers:semver/>=9.3.0|<9.3.1",
        "vers:semver/>=11.0.0|<11.0.15",
        "vers:rpm/<2:8.2.2637-22.el9_6",
        "\"switch-vulnerable\"",
        "\"switch-vulnerable-ge11.0.0-lt11.0.15\"",
        "\"switch-fixed-11.0.15\"",
        "\"EXL-vim-vulnerable\"",
        "\"architecture\"",
        "\"SW-48\"",
    ] {
        assert!(text.contains(needle), "CSAF lacks {needle}");
    }
    let status = &doc["vulnerabilities"][0]["product_status"];
    assert_eq!(status["fixed"].as_array().map(Vec::len), Some(4), "{status}");
    assert_eq!(
        status["known_affected"].as_array().map(Vec::len),
        Some(4),
        "{status}"
    );
    // "V2.1 (Installer)" is one version, whatever words it holds.
    assert!(text.contains(r#""category":"product_version","name":"V2.1 (Installer)""#));
    let page = t.read("advisories/EX-2026-0002/index.html");
    assert!(page.contains("11.0.15") && page.contains("9.3.1"));
}

#[test]
fn components_on_platforms_and_vex_statements() {
    let t = train_site(&trains_advisory(
        "category = \"csaf_vex\"\n",
        r#"[[affected]]
product = "agent"
platform = "switch"
versions = "< 3.2"
fixed = "3.2"

[[affected]]
product = "vim"
platform = "switch"
status = "under_investigation"

[[affected]]
product = "gadget"
status = "known_not_affected"
justification = "vulnerable_code_not_present"

[[affected]]
product = "widget"
status = "known_not_affected"
impact = "The flawed parser is compiled out of Widget."
"#,
    ));
    t.build().expect("builds, CSAF valid");
    let doc = csaf(&t);
    assert_eq!(doc["document"]["category"], "csaf_vex");
    let rel = &doc["product_tree"]["relationships"][0];
    assert_eq!(rel["category"], "installed_on");
    assert_eq!(rel["product_reference"], "agent-vulnerable");
    assert_eq!(rel["relates_to_product_reference"], "switch");
    assert_eq!(rel["full_product_name"]["product_id"], "switch:agent-vulnerable");
    // The component's helper identifies the combined product too (recommended test 6.2.16).
    assert_eq!(
        rel["full_product_name"]["product_identification_helper"]["purl"],
        "pkg:generic/example/agent"
    );
    let v = &doc["vulnerabilities"][0];
    assert_eq!(
        v["product_status"]["known_affected"][0],
        "switch:agent-vulnerable"
    );
    assert_eq!(v["flags"][0]["label"], "vulnerable_code_not_present");
    assert_eq!(v["flags"][0]["product_ids"][0], "gadget-not-affected");
    assert_eq!(v["threats"][0]["category"], "impact");
    assert_eq!(v["threats"][0]["product_ids"][0], "widget-not-affected");
    let page = t.read("advisories/EX-2026-0002/index.html");
    for needle in [
        "installed on",
        "Vulnerable code not present",
        "compiled out of Widget",
    ] {
        assert!(page.contains(needle), "page lacks {needle}");
    }
}

#[test]
fn statuses_can_be_scoped_to_one_vulnerability() {
    let mut text = trains_advisory(
        "",
        "[[affected]]\nproduct = \"switch\"\nversions = \"< 9.3.1\"\n\n[[affected]]\nproduct = \"gadget\"\nversions = \"< 2.0\"\nvulnerabilities = [\"Second flaw\"]\n",
    );
    text = text.replace(
        "+++\nBody.",
        "\n[[vulnerabilities]]\ntitle = \"Second flaw\"\n+++\nBody.",
    );
    let t = train_site(&text);
    t.build().expect("builds, CSAF valid");
    let doc = csaf(&t);
    let first = doc["vulnerabilities"][0]["product_status"]["known_affected"].to_string();
    let second = doc["vulnerabilities"][1]["product_status"]["known_affected"].to_string();
    assert!(!first.contains("gadget"), "{first}");
    assert!(second.contains("gadget-vulnerable"), "{second}");
    // Scores and remediations of the first vulnerability do not name gadget either.
    assert!(!doc["vulnerabilities"][0].to_string().contains("gadget"));
}

#[test]
fn an_informational_advisory_has_no_vulnerabilities() {
    let t = train_site(
        "+++\nid = \"EX-2026-0002\"\ntitle = \"End of support\"\npublished = 2026-03-10T09:00:00Z\nstatus = \"final\"\ncategory = \"csaf_informational_advisory\"\nsummary = \"Gadget reaches end of support.\"\n\n[[revisions]]\ndate = 2026-03-10T09:00:00Z\nsummary = \"Initial public release\"\n\n[[affected]]\nproduct = \"gadget\"\nversion = \"1.0\"\nstatus = \"recommended\"\n\n[[references]]\nurl = \"https://example.com/eol\"\nsummary = \"End-of-support notice\"\n+++\nBody.\n",
    );
    t.build().expect("builds, CSAF valid");
    let doc = csaf(&t);
    assert_eq!(doc["document"]["category"], "csaf_informational_advisory");
    assert!(doc.get("vulnerabilities").is_none());
}

/// Red Hat writes its fixes for the `fixed` products: no entry calls them vulnerable, and the
/// remediation, score and threat name the fixed versions. That must be expressible (#15).
#[test]
fn remediations_scores_and_threats_may_name_fixed_only_products() {
    let t = SiteTest::minimal();
    let text = common::advisory("EX-2026-0001", "Fixed kernel", "2026-03-10T09:00:00Z")
        .replace(
            "[[affected]]\nproduct = \"widget\"\nversions = \"< 2.0.1\"\nfixed = \"2.0.1\"",
            "[[affected]]\nproduct = \"widget\"\nfixed = \"2.0.1\"",
        )
        .replace(
            "cvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\"",
            "cvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\"\nproducts = [\"widget\"]\n\n[[vulnerabilities.threats]]\ncategory = \"impact\"\ndetails = \"Moderate\"\nproducts = [\"widget\"]",
        );
    t.write("content/advisories/EX-2026-0001.md", &text);
    t.build().unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    let csaf: serde_json::Value =
        serde_json::from_str(&t.read(".well-known/csaf/white/2026/ex-2026-0001.json")).expect("JSON");
    let v = &csaf["vulnerabilities"][0];
    let fixed = v["product_status"]["fixed"][0].as_str().expect("a fixed product");
    assert!(v["product_status"].get("known_affected").is_none(), "{v}");
    assert_eq!(v["remediations"][0]["product_ids"][0], fixed, "{v}");
    assert_eq!(v["scores"][0]["products"][0], fixed, "{v}");
    assert_eq!(v["threats"][0]["product_ids"][0], fixed, "{v}");
}

/// What import relies on to keep a document's identity: explicit ids with inner spaces,
/// the publisher's leaf and relationship names and ids, one leaf stated for several
/// statuses, and the summary note's place and title among the notes.
#[test]
fn explicit_names_ids_and_the_summary_note_place_are_kept() {
    let t = train_site(&trains_advisory(
        "",
        r#"[[notes]]
category = "legal_disclaimer"
title = "Legal Notice"
text = "As is."

[[notes]]
category = "summary"
title = "Risk evaluation"

[[notes]]
category = "other"
title = "Sectors"
text = "Energy."

[[affected]]
product = "agent"
platform = "switch"
versions = "< 3.2"
product_id = "agent 3.1"
platform_product_id = "CSAFPID-0109"
platform_name = "Agent before 3.2 on the switch"

[[affected]]
product = "widget"
version = "4.2"
product_id = "Widget 4.2"
name = "Widget: version 4.2 only"
"#,
    ));
    t.build().expect("builds, CSAF valid");
    let doc = csaf(&t);
    let notes = &doc["document"]["notes"];
    assert_eq!(notes[0]["title"], "Legal Notice");
    assert_eq!(notes[1]["category"], "summary");
    assert_eq!(notes[1]["title"], "Risk evaluation");
    assert_eq!(notes[1]["text"], "S.");
    assert_eq!(notes[2]["title"], "Sectors");
    let rel = &doc["product_tree"]["relationships"][0];
    assert_eq!(rel["product_reference"], "agent 3.1");
    assert_eq!(rel["full_product_name"]["product_id"], "CSAFPID-0109");
    assert_eq!(rel["full_product_name"]["name"], "Agent before 3.2 on the switch");
    let text = doc.to_string();
    assert!(
        text.contains(r#""name":"Widget: version 4.2 only","product_id":"Widget 4.2""#),
        "{text}"
    );
    let status = &doc["vulnerabilities"][0]["product_status"]["known_affected"];
    assert_eq!(status[0], "CSAFPID-0109");
    assert_eq!(status[1], "Widget 4.2");
}

#[test]
fn a_product_id_with_surrounding_spaces_is_refused() {
    let t = train_site(&trains_advisory(
        "",
        "[[affected]]\nproduct = \"widget\"\nversion = \"4.2\"\nproduct_id = \" Widget\"\n",
    ));
    let err = t.build().expect_err("refused");
    assert!(
        format!("{err:?}").contains("leading or trailing spaces"),
        "{err:?}"
    );
}
