//! Property and edge-case tests: no input makes parsing panic, hang or misreport.

mod common;

use proptest::prelude::*;
use psirt_site::model::cvss::{CvssV3, CvssV4};

use common::SiteTest;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn cvss_parsing_never_panics(s in "(CVSS:3\\.[01]/|CVSS:4\\.0/)?([A-Z]{1,3}:[A-Z]{1,2}/?){0,14}") {
        let _ = CvssV3::parse(&s);
        let _ = CvssV4::parse(&s);
    }

    #[test]
    fn advisory_parsing_never_panics(front in "[a-z_]{1,12} = (\"[^\"\\\\]{0,20}\"|[0-9]{1,4}|\\[\\]|true)\n{0,3}") {
        let t = SiteTest::empty();
        t.write("content/advisories/x.md", &format!("+++\n{front}+++\nbody\n"));
        let _ = t.check();
    }

    #[test]
    fn arbitrary_bytes_give_diagnostics_not_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let t = SiteTest::empty();
        t.write_bytes("content/advisories/x.md", &bytes);
        // Random bytes are never a complete advisory: always an error, never a panic.
        prop_assert!(t.check().is_err());
    }
}

fn advisory_with(transform: impl Fn(String) -> String) -> SiteTest {
    let t = SiteTest::empty();
    let text = common::advisory("EX-2026-0001", "Edge", "2026-03-10T09:00:00Z");
    t.write("content/advisories/EX-2026-0001.md", &transform(text));
    t
}

#[test]
fn bom_crlf_and_mixed_line_endings_are_accepted() {
    for t in [
        advisory_with(|s| format!("\u{feff}{s}")),
        advisory_with(|s| s.replace('\n', "\r\n")),
        advisory_with(|s| s.replacen('\n', "\r\n", 5)),
    ] {
        let r = t.check();
        assert!(r.is_ok(), "{:?}", r.err().map(|f| f.diagnostics));
    }
}

#[test]
fn empty_and_nul_files_are_diagnostics() {
    let t = SiteTest::empty();
    t.write("content/advisories/empty.md", "");
    t.write("content/advisories/nul.md", "+++\nid = \"A\0B\"\n+++\n");
    let text = t.check_errors();
    assert!(text.contains("empty.md"), "{text}");
    assert!(text.contains("nul.md"), "{text}");
}

#[test]
fn a_ten_megabyte_advisory_builds() {
    let t = advisory_with(|s| {
        format!(
            "{s}{}",
            "A long line of text in a very large advisory body.\n".repeat(200_000)
        )
    });
    let r = t.build();
    assert!(r.is_ok(), "{:?}", r.err().map(|f| f.diagnostics));
}

#[test]
fn deeply_nested_markdown_is_bounded() {
    let t = advisory_with(|s| format!("{s}{}deep\n{}list\n", "> ".repeat(20_000), "- ".repeat(5_000)));
    t.build().expect("builds");
    let page = t.read("advisories/EX-2026-0001/index.html");
    assert!(page.matches("<blockquote>").count() <= 64);
}
