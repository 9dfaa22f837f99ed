//! Advisory lists split into pages by `[lists] per_page`: every published advisory is on
//! exactly one page of each list it belongs to, pages link to each other, and `0` keeps a
//! list on one page.

use crate::common;

use common::{SITE_TOML, SiteTest, advisory};

/// Seven advisories of 2025 and 2026, all about the widget, newest last by id.
fn site(per_page: &str) -> SiteTest {
    let t = SiteTest::empty();
    t.write(
        "site.toml",
        &format!("{SITE_TOML}\n[lists]\nper_page = {per_page}\n"),
    );
    for (i, date) in [
        "2025-10-01",
        "2025-11-01",
        "2025-12-01",
        "2026-01-01",
        "2026-02-01",
        "2026-03-01",
        "2026-04-01",
    ]
    .iter()
    .enumerate()
    {
        let id = format!("EX-SA-{}", i + 1);
        let text = advisory(&id, &format!("Issue {}", i + 1), &format!("{date}T09:00:00Z"));
        t.write(&format!("content/advisories/{id}.md"), &text);
    }
    t.build()
        .unwrap_or_else(|f| panic!("build failed: {:#?}", f.diagnostics));
    t
}

/// The advisory ids a page shows as cards, in page order.
fn ids_on(t: &SiteTest, page: &str) -> Vec<String> {
    let html = t.read(page);
    html.split("/advisories/EX-SA-")
        .skip(1)
        .filter_map(|rest| rest.split('/').next())
        .map(|n| format!("EX-SA-{n}"))
        .fold(Vec::new(), |mut ids, id| {
            if ids.last() != Some(&id) {
                ids.push(id);
            }
            ids
        })
}

#[test]
fn the_index_is_split_into_pages_that_hold_every_advisory_once() {
    let t = site("3");
    let pages = [
        "advisories/index.html",
        "advisories/page/2/index.html",
        "advisories/page/3/index.html",
    ];
    let shown: Vec<Vec<String>> = pages.iter().map(|p| ids_on(&t, p)).collect();
    assert_eq!(shown[0], ["EX-SA-7", "EX-SA-6", "EX-SA-5"]);
    assert_eq!(shown[1], ["EX-SA-4", "EX-SA-3", "EX-SA-2"]);
    assert_eq!(shown[2], ["EX-SA-1"]);
    assert!(!t.out().join("advisories/page/4").exists());
    assert!(
        !t.out().join("advisories/page/1").exists(),
        "page 1 is the list's own path"
    );

    let second = t.read("advisories/page/2/index.html");
    assert!(second.contains("<title>All advisories, page 2 of 3"), "{second}");
    assert!(second.contains(r#"<link rel="canonical" href="https://psirt.example.com/advisories/page/2/">"#));
    assert!(second.contains("7 advisories · page 2 of 3"));
    assert!(second.contains(r#"href="/advisories/" rel="prev""#));
    assert!(second.contains(r#"href="/advisories/page/3/" rel="next""#));
    assert!(second.contains(r#"href="/advisories/page/2/" aria-current="page""#));
    // A page's advisories are still grouped by year: page 2 spans 2026 and 2025. Each
    // heading counts its year's advisories in the whole list, not only this page's.
    assert!(second.contains(r#"id="year_2026""#) && second.contains(r#"id="year_2025""#));
    assert!(
        second.contains(r#"2026 <span class="heading-count">4 advisories</span>"#),
        "{second}"
    );
    assert!(
        second.contains(r#"2025 <span class="heading-count">3 advisories</span>"#),
        "{second}"
    );

    // Years, severities and products are split the same way.
    assert_eq!(ids_on(&t, "advisories/2026/page/2/index.html"), ["EX-SA-4"]);
    assert_eq!(ids_on(&t, "products/widget/page/3/index.html"), ["EX-SA-1"]);
    let product = t.read("products/widget/page/3/index.html");
    assert!(product.contains("7 advisories · page 3 of 3"), "{product}");
    assert!(!product.contains(r#"rel="next""#));
}

#[test]
fn per_page_zero_keeps_each_list_on_one_page() {
    let t = site("0");
    assert_eq!(ids_on(&t, "advisories/index.html").len(), 7);
    assert!(!t.out().join("advisories/page").exists());
    assert!(!t.read("advisories/index.html").contains(r#"class="pagination""#));
}

#[test]
fn a_list_that_fits_on_one_page_has_no_page_links() {
    let t = site("100");
    let index = t.read("advisories/index.html");
    assert_eq!(ids_on(&t, "advisories/index.html").len(), 7);
    assert!(!index.contains(r#"class="pagination""#));
    assert!(
        index.contains("<title>All advisories ·"),
        "no page number in a single page's title"
    );
}

/// Every advisory is in one severity tile of the home page, so the tiles add up to the
/// total beside them; the unrated ones have a tile and a list of their own.
#[test]
fn unrated_advisories_have_a_tile_and_a_list() {
    let t = SiteTest::minimal();
    let unrated = advisory("EX-2026-0002", "Unscored", "2026-04-01T09:00:00Z")
        .replace("cvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\"\n", "");
    t.write("content/advisories/EX-2026-0002.md", &unrated);
    t.build().unwrap_or_else(|f| panic!("{:#?}", f.diagnostics));
    let home = t.read("index.html");
    let tiles: usize = home
        .split(r#"<span class="stat-count">"#)
        .skip(1)
        .filter_map(|rest| rest.split('<').next()?.parse::<usize>().ok())
        .sum();
    assert_eq!(tiles, 2, "{home}");
    assert!(home.contains("All 2 advisories"));
    assert!(home.contains(r#"href="/advisories/severity/unrated/""#), "{home}");
    let list = t.read("advisories/severity/unrated/index.html");
    assert!(
        list.contains("Unrated advisories") && list.contains("EX-2026-0002"),
        "{list}"
    );
    assert!(!list.contains("EX-2026-0001/"), "the rated one is not listed");

    // A site that rates every advisory has no empty "Unrated" tile or page.
    let rated = SiteTest::minimal();
    rated.build().unwrap_or_else(|f| panic!("{:#?}", f.diagnostics));
    assert!(!rated.read("index.html").contains("Unrated"));
    assert!(!rated.out().join("advisories/severity/unrated").exists());
}

/// A product's list shows its advisories in the order of the index, also when the site has
/// enough of them for the product index to be built in several parallel pieces (each
/// piece at least 256 advisories) that are then merged.
#[test]
fn a_product_list_keeps_the_index_order_across_parallel_pieces() {
    let t = SiteTest::empty();
    t.write("site.toml", &format!("{SITE_TOML}\n[lists]\nper_page = 0\n"));
    for i in 0..600 {
        let id = format!("EX-SA-{}", i + 1);
        let date = format!(
            "2025-{:02}-{:02}T{:02}:{:02}:00Z",
            1 + i / 56,
            1 + (i / 2) % 28,
            i % 24,
            i % 60
        );
        t.write(
            &format!("content/advisories/{id}.md"),
            &advisory(&id, &format!("Issue {i}"), &date),
        );
    }
    t.build()
        .unwrap_or_else(|f| panic!("build failed: {:#?}", f.diagnostics));
    let index = ids_on(&t, "advisories/index.html");
    assert_eq!(index.len(), 600);
    assert_eq!(ids_on(&t, "products/widget/index.html"), index);
}
