//! The fields of a vulnerability and its products: CWEs, threats, references, notes,
//! CVSS v2, affected versions, VEX statements and the catalog's composition.

use super::broken;
use super::common::{self, SiteTest, advisory};

/// Warnings of one code, rendered, for snapshots of checks that pass.
fn warnings_of(t: &SiteTest, code: psirt_site::diag::Code) -> String {
    let report = t.check().expect("warnings only");
    let warnings: Vec<_> = report
        .warnings
        .iter()
        .filter(|d| d.code == code)
        .cloned()
        .collect();
    psirt_site::diag::render(&warnings, &report.sources, psirt_site::diag::Format::Human)
}

#[test]
fn real_cwes_are_valid_whatever_the_advisory_date() {
    // CWE-352 and CWE-384 are missing from the CWE lists current in 2015-2017, CWE-1321 is
    // from 2020: none of that matters, CSAF 2.0 names come from one list (CWE 4.17).
    let t = SiteTest::minimal();
    t.write(
        "content/advisories/EX-2026-0001.md",
        &advisory("EX-2015-0001", "CSRF", "2015-06-01T09:00:00Z")
            .replace("CVE-2026-40001", "CVE-2015-40001")
            .replace("CWE-79", "CWE-352"),
    );
    let old = advisory("EX-2016-0001", "Old", "2016-02-01T09:00:00Z")
        .replace("CVE-2026-40001", "CVE-2016-40001")
        .replace("CWE-79", "CWE-1321");
    t.write("content/advisories/EX-2016-0001.md", &old);
    let fixation = advisory("EX-2017-0001", "Fixation", "2017-03-01T09:00:00Z")
        .replace("CVE-2026-40001", "CVE-2017-40001")
        .replace("CWE-79", "CWE-384");
    t.write("content/advisories/EX-2017-0001.md", &fixation);
    let report = t
        .build()
        .unwrap_or_else(|f| panic!("build failed: {:?}", f.diagnostics));
    let cwe = |d: &&psirt_site::diag::Diagnostic| d.message.contains("CWE");
    assert!(!report.warnings.iter().any(|d| cwe(&d)), "{:?}", report.warnings);
    let csaf = t.read(".well-known/csaf/white/2015/ex-2015-0001.json");
    assert!(
        csaf.contains("\"name\": \"Cross-Site Request Forgery (CSRF)\""),
        "{csaf}"
    );
    let csaf = t.read(".well-known/csaf/white/2016/ex-2016-0001.json");
    assert!(csaf.contains("('Prototype Pollution')"), "{csaf}");
}

#[test]
fn unknown_cwe() {
    let t = broken("CWE-79", "CWE-99999");
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn cwe_newer_than_the_validators_list() {
    let t = broken("CWE-79", "CWE-1434");
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn deprecated_cwe_warns() {
    let t = broken("CWE-79", "CWE-592");
    insta::assert_snapshot!(warnings_of(&t, psirt_site::diag::Code::CweMapping));
}

#[test]
fn unknown_threat_category() {
    let t = broken(
        "[[vulnerabilities.remediations]]",
        "[[vulnerabilities.threats]]\ncategory = \"exploited\"\ndetails = \"Seen in attacks.\"\n\n[[vulnerabilities.remediations]]",
    );
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn bad_per_vulnerability_reference_and_exploitation_date() {
    let t = broken(
        "[[vulnerabilities.remediations]]",
        "[vulnerabilities.exploited]\ndate = 2026-03-12T10:00:00\ndetails = \"Seen in attacks.\"\n\n[[vulnerabilities.references]]\nurl = \"example.com/bug/1\"\nsummary = \"Bug 1\"\n\n[[vulnerabilities.remediations]]",
    );
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn unknown_note_category_in_a_heading() {
    let t = broken("## Details", "## Details {note=background}");
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn empty_note_text_and_repeated_vulnerability_id() {
    let t = broken(
        "cwe = \"CWE-79\"",
        "cwe = \"CWE-79\"\nids = [{ system_name = \"GHSA\", text = \"GHSA-1\" }, { system_name = \"GHSA\", text = \"GHSA-1\" }]\nnotes = [{ category = \"faq\", text = \" \" }]",
    );
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn invalid_cvss_v2_vector() {
    let t = broken(
        "cwe = \"CWE-79\"",
        "cwe = \"CWE-79\"\ncvss_v2 = \"AV:N/AC:L/AU:N/C:P/I:P/A:P\"",
    );
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn affected_entries_with_conflicting_or_malformed_versions() {
    let t = broken(
        "[[affected]]\nproduct = \"widget\"\nversions = \"< 2.0.1\"\nfixed = \"2.0.1\"\n",
        r#"[[affected]]
product = "widget"
versions = "< 2.0.1"
fixed = "2.0.1"

[[affected]]
product = "widget"
versions = "< 2.0.1"
fixed = "2.0.1"

[[affected]]
product = "widget"
versions = "< 3.0"
version = "2.9"

[[affected]]
product = "widget"
versions = "vers:semver/>>4.0"

[[affected]]
product = "widget"
versions = "< 5.0"
scheme = "semantic"

[[affected]]
product = "widget"
versions = "< 6.0"
branches = { platform = "linux" }
product_id = "widget-vulnerable"
"#,
    );
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn vex_statements_need_reasons_and_known_vulnerabilities() {
    let t = broken("tlp = \"CLEAR\"", "tlp = \"CLEAR\"\ncategory = \"csaf_vex\"");
    let text = std::fs::read_to_string(t.root().join("content/advisories/EX-2026-0001.md")).expect("read");
    let text = text.replacen(
        "[[vulnerabilities]]",
        r#"[[affected]]
product = "gadget"
status = "known_not_affected"

[[affected]]
product = "gadget"
versions = "< 1.0"
justification = "component_not_present"

[[affected]]
product = "gadget"
versions = "< 0.9"
vulnerabilities = ["CVE-2026-49999"]

[[affected]]
product = "gadget"
version = "0.5"
platform = "gadget"

[[vulnerabilities]]"#,
        1,
    );
    t.write("content/advisories/EX-2026-0001.md", &text);
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn catalog_composition_and_identification_errors() {
    let t = SiteTest::minimal();
    let mut products = common::PRODUCTS.to_string();
    products.push_str(
        r#"
[[products]]
id = "agent"
name = "Agent"
vendor = "Example Corp"
scheme = "semantic"
part_of = [{ product = "nowhere" }]
identification = { hashes = [{ filename = "agent.bin", value = "xyz" }], skus = ["A", "A"], sbom_urls = ["ftp://example.com/sbom"] }
"#,
    );
    t.write("content/products.toml", &products);
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn a_single_version_in_versions_keeps_its_meaning_with_a_warning() {
    let t = broken("versions = \"< 2.0.1\"", "versions = \"2.0.0\"");
    let report = t.check().expect("still valid");
    let w: Vec<String> = report
        .warnings
        .iter()
        .map(|w| format!("{}: {}", w.code.name(), w.message))
        .collect();
    assert!(
        w.iter()
            .any(|m| m == "invalid-value: `2.0.0` is one version, but `versions` is a range"),
        "{w:?}"
    );
}
