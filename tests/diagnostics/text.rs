//! Every free-text field refuses a character XML cannot carry, at the value's line and
//! column.

use super::common::{self, SiteTest, advisory};

/// One site per case: `with` replaces `needle` in `file` (written from `text`); the
/// replacement holds one character XML cannot carry, written as a TOML escape or literally.
struct TextCase {
    file: &'static str,
    text: String,
    needle: &'static str,
    with: &'static str,
}

fn text_cases() -> Vec<TextCase> {
    let adv = || advisory("EX-2026-0001", "XSS in Widget", "2026-03-10T09:00:00Z");
    let withdrawn = || {
        adv().replace(
            "[[affected]]",
            "[withdrawn]\ndate = 2026-03-11T00:00:00Z\nreason = \"A false positive\"\n\n[[affected]]",
        )
    };
    let a = "content/advisories/EX-2026-0001.md";
    let extra = "[[references]]\nurl = \"https://example.com/r\"\nsummary = \"Ref\"\n\n[[acknowledgments]]";
    let with_ref = move || adv().replacen("[[acknowledgments]]", extra, 1);
    let described = || {
        adv().replace(
            "cwe = \"CWE-79\"",
            "cwe = \"CWE-79\"\ndescription = \"The UI echoes input.\"",
        )
    };
    let credit = "[[credits]]\nnames = [\"Ann Lee\"]\norganization = \"Org\"\nsummary = \"Found it\"\ndate = 2025-01-01T00:00:00Z\n";
    let page = "+++\ntitle = \"Disclosure policy\"\ndescription = \"How to report\"\n+++\nText.\n";
    let site = common::SITE_TOML.replace(
        "namespace = \"https://example.com\"",
        "namespace = \"https://example.com\"\ncontact_details = \"psirt@example.com\"\nissuing_authority = \"Example\"",
    );
    let c = |file, text: String, needle, with| TextCase {
        file,
        text,
        needle,
        with,
    };
    vec![
        c(a, adv(), "title = \"XSS", "title = \"X\\u0001SS"),
        c(a, adv(), "summary = \"Summary", "summary = \"\\bSummary"),
        c(a, adv(), "summary = \"Initial", "summary = \"\u{FFFE}Initial"),
        c(a, adv(), "title = \"Cross", "title = \"\\uFFFFCross"),
        c(
            a,
            described(),
            "description = \"The",
            "description = \"The\\u001B[31m",
        ),
        c(a, adv(), "details = \"Update", "details = \"\\u007FUpdate"),
        c(a, adv(), "names = [\"Jane", "names = [\"\u{0085}Jane"),
        c(
            a,
            adv(),
            "organization = \"Example",
            "organization = \"\\fExample",
        ),
        c(a, with_ref(), "summary = \"Ref", "summary = \"\\uFDD0Ref"),
        c(a, withdrawn(), "reason = \"A", "reason = \"\\U0010FFFFA"),
        c(a, adv(), "versions = \"<", "versions = \"\\u0000<"),
        c(
            "content/products.toml",
            common::PRODUCTS.into(),
            "name = \"Example Gadget",
            "name = \"Example\\u0002 Gadget",
        ),
        c(
            "content/products.toml",
            common::PRODUCTS.into(),
            "vendor = \"Example",
            "vendor = \"\\u009FExample",
        ),
        c(
            "content/products.toml",
            common::PRODUCTS.into(),
            "family = \"W",
            "family = \"\\u0003W",
        ),
        c(
            "content/acknowledgments.toml",
            credit.into(),
            "names = [\"Ann",
            "names = [\"\\u0004Ann",
        ),
        c(
            "content/acknowledgments.toml",
            credit.into(),
            "summary = \"Found",
            "summary = \"\\uFFFEFound",
        ),
        c(
            "content/policy.md",
            page.into(),
            "title = \"Disclosure",
            "title = \"\\u0005Disclosure",
        ),
        c(
            "content/policy.md",
            page.into(),
            "description = \"How",
            "description = \"\\u0006How",
        ),
        c(
            "site.toml",
            site.clone(),
            "title = \"Example",
            "title = \"\\u0007Example",
        ),
        c(
            "site.toml",
            site.clone(),
            "description = \"Security",
            "description = \"\\uFFFFSecurity",
        ),
        c(
            "site.toml",
            site.clone(),
            "name = \"Example Corp",
            "name = \"\\u0008Example Corp",
        ),
        c(
            "site.toml",
            site.clone(),
            "issuing_authority = \"Ex",
            "issuing_authority = \"\\u000BEx",
        ),
    ]
}

/// Each free-text field with a character XML cannot carry gives exactly one `invalid-text`
/// error at the value's line and column, and `build` fails.
#[test]
fn invalid_text_in_every_free_text_field() {
    for case in text_cases() {
        let t = SiteTest::minimal();
        assert!(case.text.contains(case.needle), "fixture lacks {:?}", case.needle);
        let text = case.text.replacen(case.needle, case.with, 1);
        t.write(case.file, &text);
        let failure = t.build().expect_err(case.with);
        let shown = psirt_site::diag::render(
            &failure.diagnostics,
            &failure.sources,
            psirt_site::diag::Format::Human,
        );
        assert_eq!(failure.diagnostics.len(), 1, "{}: {shown}", case.with);
        let d = &failure.diagnostics[0];
        assert_eq!(d.code.name(), "invalid-text", "{shown}");
        let label = d.primary.as_ref().expect("has a position");
        assert_eq!(label.file, std::path::Path::new(case.file), "{shown}");
        let value_start = text.find(case.with).expect("replaced") + case.with.find('"').expect("quoted");
        let index = psirt_site::diag::LineIndex::new(&text);
        assert_eq!(
            index.line_col(&text, label.span.start),
            index.line_col(&text, value_start),
            "{shown}"
        );
        assert!(d.help.is_some(), "{shown}");
    }
}
