//! The `too-large` limit on the (vulnerability, product) pairs of one advisory.

use crate::common;
use common::SiteTest;
use psirt_site::diag::Code;

/// `products` products in `vulns` vulnerabilities (and the template's): `scope(i)` is the
/// `vulnerabilities` line of product `i`'s entry (empty: all of them).
fn scoped_entries_site(products: usize, vulns: usize, scope: impl Fn(usize) -> String) -> SiteTest {
    many_entries_site(products, vulns, scope, |_| String::new())
}

/// `products` products, each in one `[[affected]]` entry (version 1, then `entry(i)`), and
/// `vulns` vulnerabilities (and the template's), vulnerability `i` ending with `vuln(i)`.
fn many_entries_site(
    products: usize,
    vulns: usize,
    entry: impl Fn(usize) -> String,
    vuln: impl Fn(usize) -> String,
) -> SiteTest {
    let t = SiteTest::empty();
    let catalog: String = (0..products)
        .map(|i| format!("[[products]]\nid = \"p{i}\"\nname = \"P{i}\"\nvendor = \"V\"\n"))
        .collect();
    t.write("content/products.toml", &catalog);
    let rows: String = (0..products)
        .map(|i| {
            format!(
                "[[affected]]\nproduct = \"p{i}\"\nversion = \"1\"\n{}\n",
                entry(i)
            )
        })
        .collect();
    let vulns: String = (0..vulns)
        .map(|i| {
            format!(
                "[[vulnerabilities]]\ncve = \"{}\"\ntitle = \"V\"\n{}\n",
                scoped_cve(i),
                vuln(i)
            )
        })
        .collect();
    let text = common::advisory("EX-2026-0001", "Big", "2026-03-10T09:00:00Z")
        .replace(
            "[[affected]]\nproduct = \"widget\"\nversions = \"< 2.0.1\"\nfixed = \"2.0.1\"\n",
            &rows,
        )
        .replace("[[acknowledgments]]", &format!("{vulns}\n[[acknowledgments]]"));
    t.write("content/advisories/EX-2026-0001.md", &text);
    t
}

fn scoped_cve(i: usize) -> String {
    format!("CVE-2025-{:05}", 10_000 + i)
}

/// The `too-large` limit counts the (vulnerability, product) pairs the advisory really
/// has: an entry limited to some vulnerabilities counts for those only (import writes large
/// documents so), and pairs over the limit are still refused, with one error at the id.
#[test]
fn the_size_limit_counts_entries_for_their_vulnerabilities_only() {
    // 2 products in all 252 vulnerabilities (the template's has a fix for them), 398 in one
    // each: 504 + 2 + 398 = 904 pairs, counted as 400 × 253 = 101,200 before.
    let few = scoped_entries_site(400, 251, |i| {
        if i < 2 {
            String::new()
        } else {
            format!("vulnerabilities = [\"{}\"]", scoped_cve(i % 251))
        }
    });
    let report = few.check().expect("904 pairs are within the limit");
    assert!(report.warnings.iter().all(|w| w.code != Code::TooLarge));
    // 395 products in all 252 vulnerabilities and the fix: 99,935 pairs; 5 more in 60
    // vulnerabilities each: 100,235.
    let many = scoped_entries_site(400, 251, |i| {
        if i < 395 {
            return String::new();
        }
        let cves: Vec<String> = (0..60).map(|v| format!("\"{}\"", scoped_cve(v))).collect();
        format!("vulnerabilities = [{}]", cves.join(", "))
    });
    let failure = many.check().expect_err("100,235 pairs are refused");
    let codes: Vec<&str> = failure.diagnostics.iter().map(|d| d.code.name()).collect();
    assert_eq!(codes, ["too-large"]);
    assert!(
        failure.diagnostics[0].message.contains("relates 100235 products"),
        "{}",
        failure.diagnostics[0].message
    );
    // 1,000 products in one of 1,000 vulnerabilities each: 2,000 pairs, but the build's
    // passes over the entries per vulnerability would be 1,000 × 1,000; refused at once.
    // (The first entry also names the template's vulnerability, which no entry would be
    // about otherwise: that is an error of its own, `missing-field`.)
    let wide = scoped_entries_site(1_000, 1_000, |i| match i {
        0 => format!("vulnerabilities = [\"{}\", \"CVE-2026-40001\"]", scoped_cve(i)),
        _ => format!("vulnerabilities = [\"{}\"]", scoped_cve(i)),
    });
    let failure = wide.check().expect_err("a million combinations are refused");
    let codes: Vec<&str> = failure.diagnostics.iter().map(|d| d.code.name()).collect();
    assert_eq!(codes, ["too-large"]);
    assert!(
        failure.diagnostics[0].message.contains("combinations to check"),
        "{}",
        failure.diagnostics[0].message
    );
}

/// Fixed and not-affected statements are product statuses of every vulnerability they are
/// about, bounded like the others: 1,500 `known_not_affected` entries for 1,500
/// vulnerabilities (a 240 KB file, 2.25 million statuses; here with the template's
/// vulnerability too) took 10 s and 1.8 GB; now it is
/// refused with `too-large` before anything is built.
#[test]
fn not_affected_statements_for_many_vulnerabilities_are_too_large() {
    let not_affected =
        |_| "status = \"known_not_affected\"\njustification = \"component_not_present\"".to_string();
    let t = many_entries_site(1_500, 1_500, not_affected, |_| String::new());
    let failure = t.check().expect_err("2.25 million statuses are refused");
    let codes: Vec<&str> = failure.diagnostics.iter().map(|d| d.code.name()).collect();
    assert_eq!(codes, ["too-large"]);
    assert!(
        failure.diagnostics[0]
            .message
            .contains("2251500 product statuses"),
        "{}",
        failure.diagnostics[0].message
    );
}

/// Vulnerabilities that list their own `products` are still checked against every entry:
/// 6,000 of them with 6,000 entries (860 KB) took 8.6 s, growing with the square; now the
/// combinations count refuses them at once.
#[test]
fn vulnerabilities_with_their_own_products_count_every_entry() {
    let own_product = |i| format!("products = [\"p{i}\"]");
    let t = many_entries_site(3_000, 3_000, |_| String::new(), own_product);
    let failure = t.check().expect_err("9 million combinations are refused");
    let codes: Vec<&str> = failure.diagnostics.iter().map(|d| d.code.name()).collect();
    assert_eq!(codes, ["too-large"]);
    assert!(
        failure.diagnostics[0].message.contains("combinations to check"),
        "{}",
        failure.diagnostics[0].message
    );
}
