//! The acknowledgments hall of fame of a small fixture site: name merging, totals per
//! researcher, anonymous and organization credits, extra credits, and the publication gate.

use std::fs;
use std::path::Path;

use psirt_site::BuildOptions;
use psirt_site::emit::hall::{self, ResearcherView, YearView};

const SITE_TOML: &str = r#"
allow_example_domains = true
title = "Test PSIRT"
base_url = "https://psirt.test.example/sec"

[publisher]
name = "Test PSIRT"
namespace = "https://test.example"

[contact]
email = "psirt@test.example"
"#;

const PRODUCTS_TOML: &str = r#"
[[products]]
id = "widget"
name = "Test Widget"
vendor = "Test Vendor"
"#;

const EXTRA_TOML: &str = r#"
[[credits]]
names = ["JANE   DOE"]
summary = "Suggested stricter headers"
date = 2024-05-01T09:00:00Z

[[credits]]
anonymous = true
summary = "Reported a pre-release bug"
date = 2026-02-01T09:00:00Z
"#;

fn advisory(id: &str, published: &str, status: &str, acks: &str) -> String {
    format!(
        r#"+++
id = "{id}"
title = "Issue {id}"
published = {published}
status = "{status}"
summary = "Summary."

[[revisions]]
date = {published}
summary = "Initial public release"

[[affected]]
product = "widget"
versions = "< 2.0"

[[vulnerabilities]]
title = "Bug"
{acks}
+++

Body.
"#
    )
}

fn ack(names: &[&str], extra: &str) -> String {
    let names: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    format!("\n[[acknowledgments]]\nnames = [{}]\n{extra}\n", names.join(", "))
}

fn write_site(root: &Path) {
    let dir = root.join("content/advisories");
    fs::create_dir_all(&dir).expect("create content");
    fs::write(root.join("site.toml"), SITE_TOML).expect("write site.toml");
    fs::write(root.join("content/products.toml"), PRODUCTS_TOML).expect("write products");
    fs::write(root.join("content/acknowledgments.toml"), EXTRA_TOML).expect("write credits");
    let jane_org = "organization = \"Doe Labs\"\nurl = \"https://jane.example\"";
    let files = [
        (
            "A-2025-1",
            "2025-03-01T09:00:00Z",
            "final",
            ack(&["Jane Doe"], jane_org),
        ),
        (
            "A-2025-2",
            "2025-04-01T09:00:00Z",
            "final",
            ack(&["Jane Doe", "bob builder"], ""),
        ),
        (
            "A-2026-1",
            "2026-01-10T09:00:00Z",
            "final",
            ack(&["jane  doe"], "summary = \"Found it\"")
                + "\n[[acknowledgments]]\norganization = \"Red Team Inc\"\n"
                + "\n[[acknowledgments]]\nanonymous = true\norganization = \"Hidden Corp\"\n",
        ),
        (
            "A-2026-2",
            "2026-02-01T09:00:00Z",
            "draft",
            ack(&["Secret Person", "Jane Doe"], ""),
        ),
        (
            "A-2026-3",
            "2026-09-01T09:00:00Z",
            "final",
            ack(&["Embargo Eve"], ""),
        ),
    ];
    for (id, published, status, acks) in files {
        let text = advisory(id, published, status, &acks);
        fs::write(dir.join(format!("{id}.md")), text).expect("write advisory");
    }
}

fn options(root: &Path, out: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        now: Some("2026-06-01T00:00:00Z".parse().expect("timestamp")),
        cache_dir: Some(out.with_file_name("cache")),
        ..Default::default()
    }
}

fn hall_of(root: &Path, out: &Path) -> (Vec<YearView>, usize) {
    match psirt_site::generate(&options(root, out)) {
        Ok(built) => hall::aggregate(&hall::collect(&built.site)),
        Err(f) => panic!("build failed: {:#?}", f.diagnostics),
    }
}

fn find<'a>(years: &'a [YearView], year: i16, name: &str) -> &'a ResearcherView {
    let y = years.iter().find(|y| y.year == year).expect("year present");
    let found = y.researchers.iter().find(|r| r.name == name);
    found.unwrap_or_else(|| panic!("{name} not in {year}: {:?}", y.researchers))
}

#[test]
fn merges_names_and_counts_across_years() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (root, out) = (tmp.path().join("site"), tmp.path().join("out"));
    write_site(&root);
    let (years, total) = hall_of(&root, &out);

    assert_eq!(
        years.iter().map(|y| y.year).collect::<Vec<_>>(),
        [2026, 2025, 2024]
    );
    // Jane Doe, bob builder and the organization Red Team Inc; anonymous credits don't count.
    assert_eq!(total, 3);

    // "Jane Doe" (twice), "jane  doe" and "JANE   DOE" are one person, shown in the most
    // frequent spelling, with four credits over three years.
    // Each year's card counts that year's credits, and the total over all years.
    for (year, count) in [(2026, 1), (2025, 2), (2024, 1)] {
        let jane = find(&years, year, "Jane Doe");
        assert_eq!((jane.count, jane.total), (count, 4), "{year}");
        assert_eq!(jane.organization.as_deref(), Some("Doe Labs"));
        assert_eq!(jane.url.as_deref(), Some("https://jane.example"));
        assert!(!jane.anonymous);
    }
    let labels = |y, n| -> Vec<String> {
        find(&years, y, n)
            .credits
            .iter()
            .map(|c| c.label.clone())
            .collect()
    };
    assert_eq!(
        labels(2025, "Jane Doe"),
        ["A-2025-2: Issue A-2025-2", "A-2025-1: Issue A-2025-1"]
    );
    assert_eq!(labels(2024, "Jane Doe"), ["Suggested stricter headers"]);
    let jane26 = &find(&years, 2026, "Jane Doe").credits[0];
    assert_eq!(jane26.url.as_deref(), Some("/sec/advisories/A-2026-1/"));
    assert_eq!(jane26.summary.as_deref(), Some("Found it"));
    assert_eq!(find(&years, 2024, "Jane Doe").credits[0].url, None);

    let bob = find(&years, 2025, "bob builder");
    assert_eq!((bob.count, bob.organization.as_deref()), (1, None));
    let red = find(&years, 2026, "Red Team Inc");
    assert_eq!((red.count, red.organization.as_deref()), (1, None));
}

#[test]
fn anonymous_credits_stay_separate_and_sorted_by_name() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (root, out) = (tmp.path().join("site"), tmp.path().join("out"));
    write_site(&root);
    let (years, _) = hall_of(&root, &out);
    let y2026: Vec<(&str, bool, usize, usize)> = years[0]
        .researchers
        .iter()
        .map(|r| (r.name.as_str(), r.anonymous, r.count, r.total))
        .collect();
    assert_eq!(
        y2026,
        [
            ("Anonymous researcher", true, 1, 1),
            ("Anonymous researcher", true, 1, 1),
            ("Jane Doe", false, 1, 4),
            ("Red Team Inc", false, 1, 1),
        ]
    );
    // An anonymous credit must not reveal its organization.
    assert!(
        years[0]
            .researchers
            .iter()
            .filter(|r| r.anonymous)
            .all(|r| r.organization.is_none())
    );
    let names: Vec<&str> = years[1].researchers.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["bob builder", "Jane Doe"], "case-insensitive order");
}

#[test]
fn unpublished_advisories_credit_no_one() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (root, out) = (tmp.path().join("site"), tmp.path().join("out"));
    write_site(&root);
    let (years, _) = hall_of(&root, &out);
    let all: Vec<&ResearcherView> = years.iter().flat_map(|y| &y.researchers).collect();
    assert!(
        all.iter()
            .all(|r| r.name != "Secret Person" && r.name != "Embargo Eve")
    );
    assert!(
        all.iter()
            .flat_map(|r| &r.credits)
            .all(|c| !c.label.starts_with("A-2026-2"))
    );

    if let Err(f) = psirt_site::build(&options(&root, &out)) {
        panic!("build failed: {:#?}", f.diagnostics);
    }
    let html = fs::read_to_string(out.join("acknowledgments/index.html")).expect("hall page");
    for present in [
        "Jane Doe",
        "bob builder",
        "Red Team Inc",
        "Anonymous researcher",
        "Doe Labs",
    ] {
        assert!(html.contains(present), "{present} missing");
    }
    for absent in [
        "Secret Person",
        "Embargo Eve",
        "A-2026-2",
        "A-2026-3",
        "Hidden Corp",
        "jane  doe",
    ] {
        assert!(!html.contains(absent), "{absent} leaked");
    }
}
