//! The diagnostics of a new PSIRT's first hour: an advisory in the wrong folder, a
//! placeholder left in, a site on example domains, an id without the site's prefix, and
//! a CVSS vector under the other version's key.

use psirt_site::diag::{Code, Format, render};
use psirt_site::site::Mode;

use super::broken;
use super::common::{SITE_TOML, SiteTest, advisory};

fn published(id: &str) -> String {
    advisory(id, "XSS in Widget", "2026-03-10T09:00:00Z")
}

#[test]
fn advisories_outside_content_advisories() {
    let t = SiteTest::minimal();
    t.write("advisories/EX-2026-0002.md", &published("EX-2026-0002"));
    t.write("content/advisory/EX-2026-0003.md", &published("EX-2026-0003"));
    t.write("content/EX-2026-0004.md", &published("EX-2026-0004"));
    // Pages and notes elsewhere stay as they were.
    t.write(
        "content/policy.md",
        "+++\ntitle = \"Policy\"\n+++\n## Scope\n\nAll.\n",
    );
    t.write(
        "content/notes/README.md",
        "# Notes\n\nNo front matter: not content.\n",
    );
    t.write("advisories/README.md", "How we write advisories.\n");
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn placeholder_left_in_a_final_advisory() {
    let t = broken(
        "title = \"Cross-site scripting in the admin UI\"",
        "title = \"[TODO: the vulnerability]\"\n# cwe = \"CWE-NNN\"   # [TODO: the weakness, or delete this line]",
    );
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn placeholders_in_drafts_are_fine_and_previews_only_warn() {
    let t = broken("status = \"final\"", "status = \"draft\"\nsummary_x = 1");
    // (a draft still has to be valid)
    assert!(t.check().is_err());
    let t = broken("Summary of EX-2026-0001.", "[TODO: the summary]");
    let held = broken("status = \"final\"", "status = \"draft\"");
    held.write(
        "content/advisories/EX-2026-0001.md",
        &published("EX-2026-0001")
            .replace("status = \"final\"", "status = \"draft\"")
            .replace("Summary of", "[TODO] Summary of"),
    );
    let report = held.check().expect("a draft may keep placeholders");
    assert!(report.warnings.iter().all(|w| w.code != Code::Placeholder));
    let mut preview = t.options();
    preview.mode = Mode::Preview;
    preview.output = Some(t.root().join("preview"));
    let report = psirt_site::build(&preview).expect("a preview builds");
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.code == Code::Placeholder && !w.is_error())
    );
    assert!(t.build().is_err(), "the public build refuses it");
}

#[test]
fn example_domains_need_an_acknowledgement() {
    let t = SiteTest::minimal();
    let without = SITE_TOML.replace(
        "# A test site: its example domains may be published.\nallow_example_domains = true\n",
        "",
    );
    assert_ne!(without, SITE_TOML);
    t.write(
        "site.toml",
        &format!("{without}\n[security_txt]\nhiring = \"https://jobs.example.org/psirt\"\n"),
    );
    insta::assert_snapshot!(t.check_errors());
    // `serve` and previews build; `--base-url` is checked where site.toml's is replaced.
    let mut preview = t.options();
    preview.mode = Mode::Preview;
    preview.output = Some(t.root().join("preview"));
    psirt_site::build(&preview).expect("a preview builds");
    let mut live = t.options();
    live.live_reload = true;
    live.base_url = Some("http://127.0.0.1:8000".into());
    psirt_site::generate(&live).expect("serve builds");
    t.write(
        "site.toml",
        &SITE_TOML.replace("allow_example_domains = true", "allow_example_domains = false"),
    );
    let mut staging = t.options();
    staging.base_url = Some("https://staging.example".into());
    let f = psirt_site::check(&staging).expect_err("refused");
    let base = f.diagnostics.iter().find(|d| d.message.starts_with("--base-url"));
    assert!(
        base.is_some_and(|d| d.code == Code::ExampleDomain && d.primary.is_none()),
        "{:?}",
        f.diagnostics
    );
}

#[test]
fn advisory_id_without_the_sites_prefix() {
    let t = SiteTest::minimal();
    t.write(
        "site.toml",
        &SITE_TOML.replace("title = ", "id_prefix = \"ACME-SA\"\ntitle = "),
    );
    insta::assert_snapshot!(t.check_errors());
    t.write(
        "site.toml",
        &SITE_TOML.replace("title = ", "id_prefix = \"EX\"\ntitle = "),
    );
    t.check().expect("EX-2026-0001 starts with EX-");
    t.write(
        "site.toml",
        &SITE_TOML.replace("title = ", "id_prefix = \"EX-\"\ntitle = "),
    );
    let errors = t.check_errors();
    assert!(
        errors.contains("write it without the last `-`: id_prefix = \"EX\""),
        "{errors}"
    );
}

#[test]
fn cvss_vector_of_the_other_version_and_invalid_values() {
    let v4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
    let t = broken("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", v4);
    let in_v3 = t.check_errors();
    assert!(
        in_v3.contains("this is a CVSS 4.0 vector: put it in `cvss_v4`"),
        "{in_v3}"
    );
    let t = broken(
        "cvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\"",
        "cvss_v4 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\"",
    );
    let in_v4 = t.check_errors();
    assert!(
        in_v4.contains("this is a CVSS 3.x vector: put it in `cvss_v3`"),
        "{in_v4}"
    );
    let t = broken("AV:N/AC:L/PR:N/UI:R", "AV:Q/AC:L/PR:N/UI:R");
    let bad_v3 = t.check_errors();
    assert!(
        bad_v3.contains("`AV:Q` is not a valid value (`AV` takes N, A, L, P)"),
        "{bad_v3}"
    );
    let t = broken(
        "cvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\"",
        &format!("cvss_v4 = \"{}\"", v4.replace("AT:N", "AT:X")),
    );
    let bad_v4 = t.check_errors();
    assert!(
        bad_v4.contains("`AT:X` is not a valid value (`AT` takes N, P)"),
        "{bad_v4}"
    );
    let t = broken("/S:C/C:L/I:L/A:N", "/S:C/C:L/I:L/A:N/E:Z");
    let bad_more = t.check_errors();
    assert!(
        bad_more.contains("`E:Z` is not a valid value (`E` takes X, U, P, F, H)"),
        "{bad_more}"
    );
    insta::assert_snapshot!(format!("{in_v3}{bad_v4}"));
}

/// Every diagnostic of this file renders as a GitHub annotation too (the CI format).
#[test]
fn github_annotations_for_the_new_codes() {
    let t = SiteTest::minimal();
    t.write("content/advisory/EX-2026-0002.md", &published("EX-2026-0002"));
    let f = t.check().expect_err("refused");
    let text = render(&f.diagnostics, &f.sources, Format::Github);
    assert!(
        text.starts_with("::error file=content/advisory/EX-2026-0002.md,line=1,col=1"),
        "{text}"
    );
}
