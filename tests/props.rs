//! Property and edge-case tests: no input makes parsing panic, hang or misreport.

use crate::common;

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

/// A TOML basic string holding `s`: quotes and backslashes escaped, and the control
/// characters TOML does not allow raw written as `\uXXXX`; everything else (noncharacters,
/// C1 controls, bidi marks) literal.
fn toml_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 || c == '\u{7F}' => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text with markup, quotes, `]]>`, unicode and, now and then, characters XML cannot carry.
fn hostile_text() -> impl Strategy<Value = String> {
    let special = prop_oneof![
        Just('<'),
        Just('&'),
        Just('>'),
        Just(']'),
        Just('"'),
        Just('\''),
        Just('\\'),
        Just('\n'),
        Just('\t'),
        Just('é'),
        Just('\u{202E}'),
        Just('💥'),
        Just('\u{1}'),
        Just('\u{B}'),
        Just('\u{1B}'),
        Just('\u{7F}'),
        Just('\u{85}'),
        Just('\u{FFFE}'),
        Just('\u{FFFF}'),
        Just('\u{FDD0}'),
    ];
    let c =
        prop_oneof![8 => proptest::char::range('a', 'z'), 2 => Just(' '), 3 => special, 1 => any::<char>()];
    (proptest::collection::vec(c, 1..14), "[]<>&]]>{0,1}")
        .prop_map(|(v, tail)| format!("A{}{tail}", v.into_iter().collect::<String>()))
}

fn hostile_markdown() -> impl Strategy<Value = String> {
    let fixed = [
        "## Notes\n",
        "# Title\n",
        "## x {#main}\n",
        "## y {#sa_title}\n",
        "\n",
        "\n\n",
        "<script>alert(1)</script>",
        "[l](javascript:alert(1))",
        "&#1;",
        "&#xFFFE;",
        "&amp;",
        "]]>",
        "```\ncode ]]>\n```\n",
        "> ",
        "- ",
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
        "x[^1]\n\n[^1]: note\n",
        "*em* ",
        "`c`",
        "<![CDATA[x]]>",
    ];
    let token = prop_oneof![
        2 => proptest::sample::select(fixed.to_vec()).prop_map(String::from),
        1 => hostile_text(),
    ];
    proptest::collection::vec(token, 0..20).prop_map(|v| v.concat())
}

/// Characters XML 1.0 has no place for: any of them in the input must fail the build.
fn xml_illegal(c: char) -> bool {
    !matches!(u32::from(c), 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x0010_FFFF)
}

/// An advisory that must never be published, carrying `marker` in every text.
fn held_back(n: u32, marker: &str, status: &str, tlp: &str, published: &str) -> String {
    let lower = marker.to_lowercase();
    format!(
        "+++\nid = \"EX-2026-{n:04}\"\ntitle = \"Title {marker}\"\npublished = {published}\nstatus = \"{status}\"\ntlp = \"{tlp}\"\nsummary = \"Summary {marker}\"\n\n[[revisions]]\ndate = {published}\nsummary = \"Revision {marker}\"\n\n[[affected]]\nproduct = \"product-{lower}\"\nversions = \"< 1.0\"\n\n[[vulnerabilities]]\ncve = \"CVE-2026-9{n:04}\"\ntitle = \"Vulnerability {marker}\"\n\n[[acknowledgments]]\nnames = [\"Researcher {marker}\"]\n+++\n## Details {marker}\n\nBody {marker}\n"
    )
}

const HELD: [(u32, &str, &str, &str, &str); 3] = [
    (9001, "HELDDRAFTQZX", "draft", "CLEAR", "2026-01-01T00:00:00Z"),
    (9002, "HELDEMBARGOQZX", "final", "CLEAR", "2027-02-01T00:00:00Z"),
    (9003, "HELDAMBERQZX", "final", "AMBER", "2026-01-01T00:00:00Z"),
];

/// Writes a site whose every free text is one of `t` (as TOML strings) and whose bodies
/// are `body` and `page_body`, next to the held-back advisories.
fn hostile_site(t: &[String], body: &str, page_body: &str) -> SiteTest {
    let s: Vec<String> = t.iter().map(|x| toml_str(x)).collect();
    let site = SiteTest::empty();
    site.write(
        "site.toml",
        &common::SITE_TOML
            .replace("\"Example PSIRT\"", &s[0])
            .replace("\"Security advisories of Example Corp.\"", &s[1]),
    );
    let mut products = format!(
        "[[products]]\nid = \"widget\"\nname = {}\nvendor = {}\nfamily = {}\ndescription = {}\n",
        s[2], s[3], s[4], s[5]
    );
    for (_, marker, ..) in HELD {
        products += &format!(
            "\n[[products]]\nid = \"product-{}\"\nname = \"Product {marker}\"\nvendor = \"Example\"\n",
            marker.to_lowercase()
        );
    }
    site.write("content/products.toml", &products);
    site.write(
        "content/policy.md",
        &format!("+++\ntitle = {}\ndescription = {}\n+++\n{page_body}", s[6], s[7]),
    );
    let advisory = format!(
        "+++\nid = \"EX-2026-0001\"\ntitle = {}\npublished = 2026-03-10T09:00:00Z\nstatus = \"final\"\ntlp = \"CLEAR\"\nsummary = {}\n\n[[revisions]]\ndate = 2026-03-10T09:00:00Z\nsummary = {}\n\n[[affected]]\nproduct = \"widget\"\nversions = {}\nfixed = {}\n\n[[vulnerabilities]]\ncve = \"CVE-2026-40001\"\ntitle = {}\ndescription = {}\ncvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\"\n[[vulnerabilities.remediations]]\ncategory = \"vendor_fix\"\ndetails = {}\n\n[[acknowledgments]]\nnames = [{}]\norganization = {}\nsummary = {}\n\n[[references]]\nurl = \"https://example.com/r\"\nsummary = {}\n+++\n{body}",
        s[8], s[9], s[10], s[11], s[12], s[13], s[14], s[15], s[16], s[17], s[18], s[19]
    );
    site.write("content/advisories/EX-2026-0001.md", &advisory);
    for (n, marker, status, tlp, published) in HELD {
        site.write(
            &format!("content/advisories/EX-2026-{n:04}.md"),
            &held_back(n, marker, status, tlp, published),
        );
    }
    site
}

/// What a successful build of a hostile site must satisfy: every XML and JSON file parses
/// and no held-back marker is in any path or byte.
fn check_outputs(built: &psirt_site::Built) -> Result<(), TestCaseError> {
    for f in &built.files {
        let lower_path = f.path.to_lowercase();
        let lower = String::from_utf8_lossy(&f.bytes).to_lowercase();
        for (_, marker, ..) in HELD {
            let marker = marker.to_lowercase();
            prop_assert!(!lower_path.contains(&marker), "{} leaks in its path", f.path);
            prop_assert!(!lower.contains(&marker), "{} leaks {marker}", f.path);
        }
        if f.path.ends_with(".xml") {
            let problem = common::xml_problem(&f.bytes);
            prop_assert!(problem.is_none(), "{}: {problem:?}", f.path);
        }
        if f.path.ends_with(".json") {
            let parsed = serde_json::from_slice::<serde_json::Value>(&f.bytes);
            prop_assert!(parsed.is_ok(), "{}: {parsed:?}", f.path);
        }
    }
    Ok(())
}

proptest! {
    // A case builds a whole site (about 0.1 s in debug): 64 cases take about ten seconds.
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Hostile text in every field and hostile Markdown: never a panic; a refusal when any
    /// character XML cannot carry is in the input, with an `invalid-text` diagnostic among
    /// the reasons; otherwise, when it builds, well-formed XML and JSON and no held-back
    /// advisory anywhere; and the time stays proportional to the input.
    #[test]
    fn hostile_sites_build_or_are_refused(
        texts in proptest::collection::vec(hostile_text(), 20),
        body in hostile_markdown(),
        page_body in hostile_markdown(),
        dirty in proptest::bool::weighted(0.3),
    ) {
        // Most cases strip the refused characters, so that most sites build and their
        // output is checked.
        let clean = |s: &String| if dirty { s.clone() } else { s.chars().filter(|c| !psirt_site::text::is_forbidden(*c)).collect() };
        let texts: Vec<String> = texts.iter().map(clean).collect();
        let (body, page_body) = (clean(&body), clean(&page_body));
        let illegal = texts.iter().chain([&body, &page_body]).any(|s| s.chars().any(xml_illegal));
        let site = hostile_site(&texts, &body, &page_body);
        let size: usize = texts.iter().chain([&body, &page_body]).map(String::len).sum();
        let start = std::time::Instant::now();
        let result = psirt_site::generate(&site.options());
        let elapsed = start.elapsed();
        // Generous (debug build, shared machine): a blow-up goes far past it.
        let bound = std::time::Duration::from_secs(20) + std::time::Duration::from_millis(size as u64);
        prop_assert!(elapsed < bound, "{elapsed:?} for {size} bytes of input");
        match result {
            Ok(built) => {
                prop_assert!(!illegal, "a character XML cannot carry was accepted");
                check_outputs(&built)?;
            }
            Err(failure) => {
                prop_assert!(!failure.diagnostics.is_empty());
                let shown = psirt_site::diag::render(&failure.diagnostics, &failure.sources, psirt_site::diag::Format::Human);
                if illegal {
                    prop_assert!(shown.contains("error[invalid-text]"), "{shown}");
                }
            }
        }
    }
}

#[test]
fn the_xml_check_finds_malformed_documents() {
    for bad in [
        &b"<a>\x01</a>"[..],
        b"<a><b></a>",
        b"<a>",
        b"<a>&#1;</a>",
        b"<a x=\"1\" x=\"2\"/>",
        b"<a>&nbsp;</a>",
        b"<a/><b/>",
        b"<a>\xef\xbf\xbe</a>",
        b"<a t=\"\x0b\"/>",
        b"<a><![CDATA[x]]></a>]]>",
    ] {
        assert!(
            common::xml_problem(bad).is_some(),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
    let good = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a b=\"&amp;&#233;\">t &lt; <![CDATA[<x>]]>\xc3\xa9</a>\n";
    assert_eq!(common::xml_problem(good), None);
}

/// 50,000 diagnostics in one 2 MB file of 200,000 lines render in well under a second
/// (release); indexing the file's lines anew for each diagnostic, as before, made that
/// minutes in a debug build. The bound is generous: only a quadratic renderer misses it.
#[test]
fn many_diagnostics_in_one_file_render_in_linear_time() {
    use psirt_site::diag::{Code, Diagnostic, Format, SourceMap, render, sorted};
    let path = std::path::Path::new("content/advisories/big.md");
    let text = "name = 1\n".repeat(200_000) + "é";
    let mut sources = SourceMap::default();
    sources.add(path, std::sync::Arc::from(text.as_str()));
    let diags: Vec<Diagnostic> = (0..50_000)
        .rev()
        .map(|i| Diagnostic::error(Code::InvalidValue, "bad").at(path, i * 36 + 7..i * 36 + 8))
        .collect();
    let start = std::time::Instant::now();
    let out = render(&sorted(diags), &sources, Format::Human);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
    assert!(
        out.starts_with("content/advisories/big.md:1:8: error[invalid-value]"),
        "{}",
        &out[..200]
    );
    assert!(out.contains("content/advisories/big.md:199997:8: error"));
}

/// A diagnostic on a megabyte-long line shows the part of the line around it, not the
/// whole line (10,000 such diagnostics printed 10 GB), with the caret under it.
#[test]
fn a_diagnostic_on_a_huge_line_shows_a_bounded_snippet() {
    use psirt_site::diag::{Code, Diagnostic, Format, SourceMap, render};
    let path = std::path::Path::new("content/products.toml");
    let text = format!(
        "a = 1\nx = [{}\"BAD\"{}]\n",
        "\"é\", ".repeat(100_000),
        ", 1".repeat(100_000)
    );
    let at = text.find("\"BAD\"").expect("marker");
    let mut sources = SourceMap::default();
    sources.add(path, std::sync::Arc::from(text.as_str()));
    let d = Diagnostic::error(Code::InvalidValue, "bad").at(path, at..at + 5);
    let out = render(&[d], &sources, Format::Human);
    assert!(out.len() < 1_000, "{} bytes", out.len());
    assert!(out.starts_with("content/products.toml:2:500006: error"), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    let caret = lines[3].find('^').expect("caret");
    let shown = lines[2]
        .char_indices()
        .position(|(i, _)| lines[2][i..].starts_with("\"BAD\""))
        .expect("shown");
    assert_eq!(lines[3][..caret].chars().count(), shown, "{out}");
    assert!(lines[3].ends_with("^^^^^"), "{out}");
}

/// A site of `n` products and one advisory naming all of them as affected.
fn one_advisory_of(n: usize) -> SiteTest {
    let t = SiteTest::empty();
    let products: String = (0..n)
        .map(|i| format!("[[products]]\nid = \"p{i}\"\nname = \"Product {i}\"\nvendor = \"Vendor {i}\"\nfamily = \"F{i}\"\n\n"))
        .collect();
    t.write("content/products.toml", &products);
    let rows: String = (0..n)
        .map(|i| format!("[[affected]]\nproduct = \"p{i}\"\nversions = \"< 1.0\"\nfixed = \"1.0\"\n\n"))
        .collect();
    let text = common::advisory("EX-2026-0001", "Many", "2026-03-10T09:00:00Z").replace(
        "[[affected]]\nproduct = \"widget\"\nversions = \"< 2.0.1\"\nfixed = \"2.0.1\"\n",
        &rows,
    );
    t.write("content/advisories/EX-2026-0001.md", &text);
    t
}

/// The bytes of every output file, and of the advisory's CSAF document.
fn output_and_csaf_bytes(t: &SiteTest) -> (usize, usize) {
    let built = psirt_site::generate(&t.options())
        .map_err(|f| f.diagnostics)
        .expect("builds");
    let csaf = built
        .files
        .iter()
        .filter(|f| f.path.ends_with("/ex-2026-0001.json"))
        .map(|f| f.bytes.len())
        .sum();
    (built.files.iter().map(|f| f.bytes.len()).sum(), csaf)
}

/// Output grows linearly with an advisory's [[affected]] rows: every product's page and
/// feed used to repeat the names of all the advisory's products (2,000 rows: 290 MB).
#[test]
fn output_is_linear_in_affected_rows() {
    let size = |n: usize| output_and_csaf_bytes(&one_advisory_of(n)).0;
    let (small, large) = (size(150), size(600));
    // Four times the rows: about four times the bytes; quadratic output was sixteen.
    assert!(large < 6 * small, "{small} bytes for 150 rows, {large} for 600");
}

/// An advisory of 1,000 products, all affected: the whole site is a small multiple of its
/// CSAF document (about 1.1 KB per product). Each product gets a page and a feed whose card
/// or item names at most 100 of the advisory's products (about 7 KB and 5 KB): 13 times the
/// CSAF bytes, at 300 products as at 2,000. Naming every product there made it about 80
/// times at 1,000 products, and growing. Bytes, not time, so the bound holds on any machine.
#[test]
fn output_is_a_small_multiple_of_the_csaf_document() {
    let (total, csaf) = output_and_csaf_bytes(&one_advisory_of(1_000));
    assert!(
        csaf > 500_000,
        "the CSAF document lists every product: {csaf} bytes"
    );
    assert!(
        total < 20 * csaf,
        "{total} bytes of output for {csaf} bytes of CSAF"
    );
}

/// 150,000 [[affected]] rows are checked in linear time: a search of the rows so far for
/// each row took minutes in a debug build. Generous bound, as above.
#[test]
fn many_affected_rows_are_checked_in_linear_time() {
    use psirt_site::source::{SourceFile, SourceKind};
    let n = 150_000;
    let products: String = (0..n)
        .map(|i| format!("[[products]]\nid = \"p{i}\"\nname = \"P\"\nvendor = \"V\"\n"))
        .collect();
    let (catalog, diags) = psirt_site::model::Catalog::parse(&products, std::path::Path::new("p.toml"));
    assert!(diags.is_empty(), "{diags:?}");
    let rows: String = (0..n)
        .map(|i| format!("[[affected]]\nproduct = \"p{i}\"\nversion = \"1\"\n"))
        .collect();
    let text = common::advisory("EX-2026-0001", "Many", "2026-03-10T09:00:00Z")
        .replace(
            "[[affected]]\nproduct = \"widget\"\nversions = \"< 2.0.1\"\nfixed = \"2.0.1\"\n",
            &rows,
        )
        // One product per vulnerability: the rows, not the pairs, are what is measured.
        .replace("cwe = \"CWE-79\"", "cwe = \"CWE-79\"\nproducts = [\"p0\"]");
    let file = SourceFile::new(
        SourceKind::Advisory,
        "content/advisories/EX-2026-0001.md".into(),
        std::sync::Arc::from(text.as_str()),
    );
    let start = std::time::Instant::now();
    let (advisory, diags) = psirt_site::document::parse_advisory(&file, &catalog, false);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
    assert!(diags.is_empty(), "{:?}", &diags[..diags.len().min(3)]);
    assert_eq!(advisory.expect("parses").affected.len(), n);
}
