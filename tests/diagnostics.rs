//! Every class of user error gives a diagnostic with the user's file, line and column, a
//! stable code and a hint; all problems in all files are reported in one run.

use crate::common;
// Further cases, in a file of their own so that this one stays readable.
#[path = "diagnostics/fields.rs"]
mod fields;
#[path = "diagnostics/first_hour.rs"]
mod first_hour;
#[path = "diagnostics/groups.rs"]
mod groups;
#[path = "diagnostics/shape.rs"]
mod shape;
#[path = "diagnostics/text.rs"]
mod text;

use common::{SiteTest, advisory};

fn broken(replace: &str, with: &str) -> SiteTest {
    let t = SiteTest::minimal();
    let text = advisory("EX-2026-0001", "XSS in Widget", "2026-03-10T09:00:00Z");
    assert!(text.contains(replace), "fixture text lacks {replace:?}");
    t.write(
        "content/advisories/EX-2026-0001.md",
        &text.replacen(replace, with, 1),
    );
    t
}

#[test]
fn toml_syntax_error() {
    let t = broken("status = \"final\"", "status = final\"");
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn unknown_key() {
    let t = broken("tlp = \"CLEAR\"", "tlp = \"CLEAR\"\nseverity = \"high\"");
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn missing_required_field() {
    let t = broken("summary = \"Summary of EX-2026-0001.\"\n", "");
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn duplicate_advisory_id() {
    let t = SiteTest::minimal();
    t.write(
        "content/advisories/copy.md",
        &advisory("EX-2026-0001", "Copy", "2026-04-01T00:00:00Z"),
    );
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn malformed_cve() {
    let t = broken("CVE-2026-40001", "CVE-26-1");
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn unknown_product() {
    let t = broken("product = \"widget\"", "product = \"wigdet\"");
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn invalid_cvss_vector() {
    let t = broken("/S:C/C:L/I:L/A:N", "/S:C/C:L");
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn cvss_score_disagrees_with_vector() {
    let t = broken("cwe = \"CWE-79\"", "cwe = \"CWE-79\"\ncvss_v3_score = 9.8");
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn unknown_remediation_category() {
    let t = broken("category = \"vendor_fix\"", "category = \"patch\"");
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn revision_dates_out_of_order() {
    let t = broken(
        "summary = \"Initial public release\"",
        "summary = \"Initial public release\"\n\n[[revisions]]\ndate = 2026-01-01T00:00:00Z\nsummary = \"Earlier?\"",
    );
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn invalid_utf8() {
    let t = SiteTest::minimal();
    let mut bytes = advisory("EX-2026-0002", "Bad bytes", "2026-03-10T09:00:00Z").into_bytes();
    let at = bytes.len() - 10;
    bytes[at] = 0xff;
    t.write_bytes("content/advisories/EX-2026-0002.md", &bytes);
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn missing_and_unclosed_front_matter() {
    let t = SiteTest::minimal();
    t.write("content/advisories/none.md", "# Just a heading\n");
    t.write("content/advisories/open.md", "+++\nid = \"X\"\n");
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn unsafe_advisory_id() {
    let t = broken("id = \"EX-2026-0001\"", "id = \"../../etc/passwd\"");
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn all_problems_in_all_files_at_once() {
    let t = broken("CVE-2026-40001", "CVE-bad");
    t.write(
        "content/advisories/EX-2026-0002.md",
        &advisory("EX-2026-0002", "Two", "2026-03-11T09:00:00Z")
            .replace("product = \"widget\"", "product = \"nope\""),
    );
    t.write(
        "content/products.toml",
        &format!(
            "{}\n[[products]]\nid = \"Bad Id\"\nname = \"x\"\nvendor = \"y\"\n",
            common::PRODUCTS
        ),
    );
    let text = t.check_errors();
    assert!(text.contains("error[invalid-cve]"), "{text}");
    assert!(text.contains("error[unknown-product]"), "{text}");
    assert!(text.contains("error[invalid-id]"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn site_toml_errors_point_into_site_toml() {
    let t = SiteTest::minimal();
    t.write(
        "site.toml",
        &common::SITE_TOML.replace(
            "base_url = \"https://psirt.example.com\"",
            "base_url = \"javascript:alert(1)\"\ncolour = \"red\"",
        ),
    );
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn check_exit_codes_from_the_binary() {
    let t = broken("CVE-2026-40001", "CVE-bad");
    let bin = env!("CARGO_BIN_EXE_psirt-site");
    let out = std::process::Command::new(bin)
        .args(["check", "--root"])
        .arg(t.root())
        .env("SOURCE_DATE_EPOCH", common::NOW.to_string())
        .output()
        .expect("run binary");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("content/advisories/EX-2026-0001.md:"), "{stderr}");
    let ok = std::process::Command::new(bin)
        .args(["check", "--root"])
        .arg(SiteTest::minimal().root())
        .output()
        .expect("run binary");
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let usage = std::process::Command::new(bin)
        .args(["build", "--no-such-flag"])
        .output()
        .expect("run binary");
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn github_format() {
    let t = broken("CVE-2026-40001", "CVE-bad");
    let f = t.check().expect_err("fails");
    let text = psirt_site::diag::render(&f.diagnostics, &f.sources, psirt_site::diag::Format::Github);
    assert!(
        text.starts_with("::error file=content/advisories/EX-2026-0001.md,line="),
        "{text}"
    );
}

/// `--base-url` goes through the same URL check as `base_url` in site.toml; it has no
/// position in a file, so the diagnostic names the option.
#[test]
fn base_url_option_is_checked_like_site_toml() {
    let t = SiteTest::minimal();
    let mut opts = t.options();
    opts.base_url = Some("javascript:alert(1)//".into());
    let f = psirt_site::check(&opts).expect_err("a javascript: base URL is refused");
    insta::assert_snapshot!(psirt_site::diag::render(
        &f.diagnostics,
        &f.sources,
        psirt_site::diag::Format::Human
    ));
    let f = psirt_site::build(&opts).expect_err("build refuses it too");
    assert!(
        f.diagnostics
            .iter()
            .any(|d| d.code == psirt_site::diag::Code::InvalidUrl)
    );
    assert!(!t.out().exists(), "nothing is written");
    // What `serve` passes stays valid.
    opts.base_url = Some("http://127.0.0.1:8080".into());
    psirt_site::check(&opts).expect("an http URL with a host is fine");
}

/// A given score must be a number CVSS can produce: `nan` compares false with
/// everything, so it slipped past the cross-check.
#[test]
fn cvss_score_out_of_range() {
    let t = broken("cwe = \"CWE-79\"", "cwe = \"CWE-79\"\ncvss_v3_score = nan");
    for (i, bad) in ["inf", "-1.0", "10.5", "-nan"].iter().enumerate() {
        let id = format!("EX-2026-010{i}");
        t.write(
            &format!("content/advisories/{id}.md"),
            &advisory(&id, "Odd score", "2026-03-10T09:00:00Z").replace(
                "cwe = \"CWE-79\"",
                &format!("cwe = \"CWE-79\"\ncvss_v3_score = {bad}"),
            ),
        );
    }
    let text = t.check_errors();
    assert_eq!(text.matches("error[invalid-cvss]").count(), 5, "{text}");
    insta::assert_snapshot!(text);
}

/// CVSS vectors are case-sensitive (the specifications' grammar); lowercase metrics were
/// accepted for 4.0 because the parser upper-cases them.
#[test]
fn lowercase_cvss_metrics() {
    let t = broken(
        "cvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\"",
        "cvss_v4 = \"CVSS:4.0/av:n/ac:l/at:n/pr:n/ui:n/vc:h/vi:h/va:h/sc:n/si:n/sa:n\"",
    );
    let id = "EX-2026-0002";
    t.write(
        &format!("content/advisories/{id}.md"),
        &advisory(id, "Lowercase v3", "2026-03-10T09:00:00Z").replace("AV:N/AC:L", "av:n/ac:l"),
    );
    insta::assert_snapshot!(t.check_errors());
}

/// Dates before 1970 are typos (`0000-01-01`), never a software advisory's date.
#[test]
fn dates_before_1970() {
    let t = broken("published = 2026-03-10T09:00:00Z", "published = 0000-01-01");
    let id = "EX-2026-0002";
    t.write(
        &format!("content/advisories/{id}.md"),
        &advisory(id, "Old revision", "2026-03-10T09:00:00Z")
            .replace("date = 2026-03-10T09:00:00Z", "date = 1969-12-31T23:59:59Z")
            .replace(
                "cwe = \"CWE-79\"",
                "cwe = \"CWE-79\"\ndiscovery_date = 0001-01-01",
            ),
    );
    t.write(
        "content/acknowledgments.toml",
        "[[credits]]\nnames = [\"Old Timer\"]\ndate = 1900-01-01\nsummary = \"x\"\n",
    );
    insta::assert_snapshot!(t.check_errors());
}

/// CVE ids that match the shape but cannot exist: a year before the CVE program (1999),
/// or a sequence number padded with a leading zero beyond four digits.
#[test]
fn impossible_cve_ids() {
    let t = broken("CVE-2026-40001", "CVE-0000-0000");
    for (id, cve) in [
        ("EX-2026-0002", "CVE-1998-1234"),
        ("EX-2026-0003", "CVE-2026-01234"),
    ] {
        t.write(
            &format!("content/advisories/{id}.md"),
            &advisory(id, "Odd CVE", "2026-03-10T09:00:00Z").replace("CVE-2026-40001", cve),
        );
    }
    insta::assert_snapshot!(t.check_errors());
}

/// A CVE year after next year (from the build time) cannot have been assigned yet: a
/// warning, since it depends on the build machine's clock or `SOURCE_DATE_EPOCH`.
#[test]
fn cve_year_after_next_year_warns() {
    let t = broken("CVE-2026-40001", "CVE-2100-12345");
    let id = "EX-2026-0002";
    t.write(
        &format!("content/advisories/{id}.md"),
        &advisory(id, "Next year", "2026-03-10T09:00:00Z").replace("CVE-2026-40001", "CVE-2027-1234"),
    );
    let report = t.check().expect("a warning only");
    let warnings: Vec<_> = report
        .warnings
        .iter()
        .filter(|d| d.code == psirt_site::diag::Code::InvalidCve)
        .cloned()
        .collect();
    insta::assert_snapshot!(psirt_site::diag::render(
        &warnings,
        &report.sources,
        psirt_site::diag::Format::Human
    ));
}

#[test]
fn site_toml_invalid_utf8() {
    let t = SiteTest::minimal();
    let text = common::SITE_TOML.replace("Example PSIRT", "Example \u{1}PSIRT");
    let bytes: Vec<u8> = text.bytes().map(|b| if b == 1 { 0xff } else { b }).collect();
    t.write_bytes("site.toml", &bytes);
    insta::assert_snapshot!(t.check_errors());
}

/// An id that is a name the site itself writes in `advisories/` (its index file, the
/// pagination and severity folders, a year's list) is refused where it is written.
#[test]
fn advisory_id_reserved_by_the_site() {
    let t = broken("id = \"EX-2026-0001\"", "id = \"index.html\"");
    for (i, id) in ["Page", "severity", "1999"].iter().enumerate() {
        t.write(
            &format!("content/advisories/r{i}.md"),
            &advisory(id, "Reserved", "2026-03-10T09:00:00Z"),
        );
    }
    insta::assert_snapshot!(t.check_errors());
}

/// A control character in the Markdown body is refused at its own line and column.
#[test]
fn invalid_text_in_the_body() {
    let t = broken("The admin UI echoes", "The admin\u{1}UI echoes \u{1}");
    let failure = t.build().expect_err("refused");
    assert_eq!(failure.diagnostics.len(), 1, "{:?}", failure.diagnostics);
    insta::assert_snapshot!(t.check_errors());
}

/// A heading may not take an id the theme uses: the anchor gets a number and a warning
/// says so, at the heading.
#[test]
fn heading_ids_of_the_theme_are_renamed_with_a_warning() {
    let t = broken("## Details", "## Details {#main}\n\n## Title {#sa_title}");
    let report = t.build().expect("builds with warnings");
    let ours: Vec<_> = report
        .warnings
        .iter()
        .filter(|w| w.code.name() == "heading-id")
        .cloned()
        .collect();
    let shown = psirt_site::diag::render(&ours, &report.sources, psirt_site::diag::Format::Human);
    assert_eq!(ours.len(), 2, "{shown}");
    insta::assert_snapshot!(shown);
    let page = t.read("advisories/EX-2026-0001/index.html");
    assert_eq!(page.matches("id=\"main\"").count(), 1, "{page}");
    assert_eq!(page.matches("id=\"sa_title\"").count(), 1, "{page}");
    assert!(page.contains("id=\"main-2\""), "{page}");
}

/// An advisory whose vulnerabilities times products would make a CSAF document, page and
/// tests of millions of entries is refused at once, with one error at its id.
#[test]
fn too_many_product_statuses_are_refused() {
    let t = SiteTest::empty();
    let n = 400;
    let products: String = (0..n)
        .map(|i| format!("[[products]]\nid = \"p{i}\"\nname = \"P{i}\"\nvendor = \"V\"\n"))
        .collect();
    t.write("content/products.toml", &products);
    let rows: String = (0..n)
        .map(|i| format!("[[affected]]\nproduct = \"p{i}\"\nversion = \"1\"\n"))
        .collect();
    let vulns: String = (0..251)
        .map(|i| {
            format!(
                "[[vulnerabilities]]\ncve = \"CVE-2025-{:05}\"\ntitle = \"V\"\n",
                10_000 + i
            )
        })
        .collect();
    let text = advisory("EX-2026-0001", "Big", "2026-03-10T09:00:00Z")
        .replace(
            "[[affected]]\nproduct = \"widget\"\nversions = \"< 2.0.1\"\nfixed = \"2.0.1\"\n",
            &rows,
        )
        .replace("[[acknowledgments]]", &format!("{vulns}\n[[acknowledgments]]"));
    t.write("content/advisories/EX-2026-0001.md", &text);
    let failure = match t.check() {
        Ok(report) => panic!("accepted, with {} warnings", report.warnings.len()),
        Err(failure) => failure,
    };
    let codes: Vec<&str> = failure.diagnostics.iter().map(|d| d.code.name()).collect();
    assert_eq!(codes, ["too-large"]);
    let label = failure.diagnostics[0].primary.as_ref().expect("at the id");
    assert_eq!(&text[label.span.clone()], "\"EX-2026-0001\"");
}
