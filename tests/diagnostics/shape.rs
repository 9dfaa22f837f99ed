//! Every shape mistake of a file in one run (unknown keys, wrong values, missing keys), with
//! "did you mean" for misspellings, and one error per mistake.

use crate::common::{SiteTest, advisory};

/// Seven mistakes in one advisory: a misspelled status value, an unknown key, a misspelled
/// `summary` (one error, not also "missing summary"), a missing title, an `[[affected]]`
/// entry with a misspelled `product`, a number for a CWE, a misspelled remediation category.
#[test]
fn every_shape_mistake_of_a_file_at_once() {
    let t = SiteTest::minimal();
    let text = advisory("EX-2026-0001", "XSS in Widget", "2026-03-10T09:00:00Z")
        .replace("status = \"final\"", "status = \"finall\"")
        .replace("tlp = \"CLEAR\"", "tlp = \"CLEAR\"\ncolour = 3")
        .replace("summary = \"Summary of", "sumary = \"Summary of")
        .replace("title = \"XSS in Widget\"\n", "")
        .replace("product = \"widget\"", "prodct = \"widget\"")
        .replace("cwe = \"CWE-79\"", "cwe = 79")
        .replace("category = \"vendor_fix\"", "category = \"vendorfix\"");
    t.write("content/advisories/EX-2026-0001.md", &text);
    let errors = t.check_errors();
    assert_eq!(errors.matches(": error[").count(), 7, "{errors}");
    insta::assert_snapshot!(errors);
}

/// A key missing from the whole front matter points at the block (its closing `+++`), and
/// the hint says what the key is for.
#[test]
fn a_missing_key_points_at_the_front_matter_block() {
    let t = SiteTest::minimal();
    let text = advisory("EX-2026-0001", "XSS in Widget", "2026-03-10T09:00:00Z")
        .replace("summary = \"Summary of EX-2026-0001.\"\n", "");
    t.write("content/advisories/EX-2026-0001.md", &text);
    let errors = t.check_errors();
    let closing = text.lines().skip(1).position(|l| l == "+++").expect("closing") + 2;
    assert!(
        errors.contains(&format!("EX-2026-0001.md:{closing}:1: error[missing-field]")),
        "{errors}"
    );
    assert!(errors.contains("help: add `summary`: one paragraph"), "{errors}");
}

/// A mistake in site.toml does not hide the content's: both are reported in one run.
#[test]
fn site_toml_errors_do_not_hide_content_errors() {
    let t = SiteTest::minimal();
    let site = std::fs::read_to_string(t.root().join("site.toml")).expect("site.toml");
    t.write("site.toml", &site.replacen("title = ", "titel = ", 1));
    let text = advisory("EX-2026-0001", "XSS in Widget", "2026-03-10T09:00:00Z")
        .replace("tlp = \"CLEAR\"", "tlp = \"CLEAR\"\nseverity = \"high\"");
    t.write("content/advisories/EX-2026-0001.md", &text);
    let errors = t.check_errors();
    assert!(errors.contains("site.toml:"), "{errors}");
    assert!(errors.contains("did you mean `title`?"), "{errors}");
    assert!(errors.contains("unknown field `severity`"), "{errors}");
}
