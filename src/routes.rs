//! Every public path of the output, in one place: pages, lists, feeds, the CSAF provider
//! tree, keys and `.well-known/` files. Emitters write files at these paths, and pages, the
//! sitemap, the feeds and the link check point at them, so the two cannot drift apart.
//!
//! Paths are site-relative without a leading `/` (`advisories/`), as output files are
//! named, except [`advisory_path`] and [`product_path`], which are URL paths below the
//! site's root (`/advisories/X/`) because templates and links use them as such.

use crate::model::Severity;
use crate::model::ids::ProductId;

/// The home page's folder.
pub const HOME: &str = "";
/// The list of every advisory.
pub const ADVISORIES: &str = "advisories/";
/// The product index.
pub const PRODUCTS: &str = "products/";
/// The hall of fame.
pub const ACKNOWLEDGMENTS: &str = "acknowledgments/";
/// The page that lists the feeds; every feed lives in this folder too.
pub const FEEDS_PAGE: &str = "feeds/";
/// The page of the published OpenPGP key.
pub const KEY_PAGE: &str = "pgp/";
/// The published OpenPGP key file.
pub const KEY_FILE: &str = "pgp-key.asc";
/// The disclosure policy's slug (a Markdown page with this slug is linked from every page).
pub const POLICY_SLUG: &str = "policy";
/// The page static hosts serve for a missing path.
pub const NOT_FOUND: &str = "404.html";
pub const SITEMAP: &str = "sitemap.xml";
pub const ROBOTS: &str = "robots.txt";
/// RFC 9116.
pub const SECURITY_TXT: &str = ".well-known/security.txt";

/// Root of the CSAF provider tree.
pub const CSAF_ROOT: &str = ".well-known/csaf";
/// CSAF 2.0 calls TLP:CLEAR `WHITE`; the folder name is the lowercase label.
pub const PUBLIC_TLP_DIR: &str = "white";
/// File names inside the CSAF tree (CSAF 2.0 §7.1).
pub const CSAF_FEED_FILE: &str = "csaf-feed-tlp-white.json";
pub const CSAF_SERVICE_FILE: &str = "service.json";
pub const CSAF_METADATA_FILE: &str = "provider-metadata.json";
pub const CSAF_PRODUCTS_CATEGORY_FILE: &str = "category-products.json";
pub const CSAF_VENDORS_CATEGORY_FILE: &str = "category-vendors.json";
pub const CSAF_INDEX_FILE: &str = "index.txt";
pub const CSAF_CHANGES_FILE: &str = "changes.csv";

/// The Web Key Directory (draft-koch-openpgp-webkey-service).
pub const WKD_ROOT: &str = ".well-known/openpgpkey";
/// WKD keys: file names are z-base-32 hashes, without an extension.
pub const WKD_KEYS: &str = ".well-known/openpgpkey/hu/";
/// The WKD policy file (empty, no extension).
pub const WKD_POLICY: &str = ".well-known/openpgpkey/policy";

/// The main feed: every advisory.
pub const MAIN_FEED: &str = "feeds/advisories.xml";
/// The feed of every new advisory and revision.
pub const UPDATES_FEED: &str = "feeds/updates.xml";

/// The file a page's folder is served from.
pub const INDEX_FILE: &str = "index.html";

/// The file of a page path: a folder path (`advisories/`, or `` for the home page) gets
/// `index.html`; a file path (`404.html`) is the file.
pub fn page_file(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}{INDEX_FILE}")
    } else {
        path.to_string()
    }
}

/// Site-relative URL of an advisory page (`/advisories/ACME-SA-2026-0001/`).
/// The page of an advisory id: its folder is the id with `:` made `_`
/// ([`crate::model::ids::page_slug`]).
pub fn advisory_path(id: &str) -> String {
    format!("/advisories/{}/", crate::model::ids::page_slug(id))
}

/// Site-relative URL of a product page (`/products/router-x1/`).
pub fn product_path(id: &ProductId) -> String {
    format!("/products/{id}/")
}

/// A product page's folder (`products/router-x1/`).
pub fn product_dir(id: &ProductId) -> String {
    format!("products/{id}/")
}

/// The folder of a Markdown page (`policy/`).
pub fn page_dir(slug: &str) -> String {
    format!("{slug}/")
}

/// The advisories first released in `year`.
pub fn year_list(year: i16) -> String {
    format!("advisories/{year}/")
}

/// The advisories of one severity, by its key (`critical`, `none`).
pub fn severity_list(key: &str) -> String {
    format!("advisories/severity/{key}/")
}

/// Page `n` of the list at `base` (a folder path such as `advisories/2024/`).
pub fn list_page(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// The feed of one severity.
pub fn severity_feed(s: Severity) -> String {
    format!("feeds/severity/{}.xml", s.as_str())
}

/// The feed of one product.
pub fn product_feed(p: &ProductId) -> String {
    format!("feeds/products/{p}.xml")
}

/// CSAF 2.0 §5.1: the file name is the tracking id in lowercase, with every run of
/// characters outside `+`, `-`, `a-z`, `0-9` replaced by one `_`, plus `.json`.
pub fn csaf_file_name(tracking_id: &str) -> String {
    let mut out = String::with_capacity(tracking_id.len() + 5);
    let mut in_run = false;
    for c in tracking_id.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '+' || c == '-' {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('_');
            in_run = true;
        }
    }
    out.push_str(".json");
    out
}

/// `2026/acme-sa-2026-0001.json`: the path below the TLP folder (year of the initial
/// release, CSAF 2.0 §7.1.11).
pub fn csaf_relative_path(year: i16, tracking_id: &str) -> String {
    format!("{year}/{}", csaf_file_name(tracking_id))
}

/// The folder of one TLP label (`.well-known/csaf/white`, `…/amber`).
pub fn csaf_tlp_dir(label: &str) -> String {
    format!("{CSAF_ROOT}/{}", label.to_ascii_lowercase())
}

/// The public documents' folder: `.well-known/csaf/white`.
pub fn csaf_public_dir() -> String {
    format!("{CSAF_ROOT}/{PUBLIC_TLP_DIR}")
}

/// A file directly in the CSAF tree (`provider-metadata.json`).
pub fn csaf_file(name: &str) -> String {
    format!("{CSAF_ROOT}/{name}")
}

/// The signing key in the CSAF tree (§7.1.20: `openpgp/<fingerprint>.asc`).
pub fn csaf_key(fingerprint: &str) -> String {
    format!("{CSAF_ROOT}/openpgp/{fingerprint}.asc")
}

/// The WKD direct-method file for a local part's hash.
pub fn wkd_key(hash: &str) -> String {
    format!("{WKD_KEYS}{hash}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csaf_file_names_follow_section_5_1() {
        assert_eq!(csaf_file_name("ACME-SA-2026-0001"), "acme-sa-2026-0001.json");
        assert_eq!(
            csaf_file_name("Example Company_-_ID 2021:0001"),
            "example_company_-_id_2021_0001.json"
        );
        assert_eq!(
            csaf_file_name("cisco-sa-20180328-smi2"),
            "cisco-sa-20180328-smi2.json"
        );
        assert_eq!(csaf_file_name("RHSA-2019:1862"), "rhsa-2019_1862.json");
        assert_eq!(csaf_file_name("a..b"), "a_b.json");
        assert_eq!(csaf_file_name("a+b"), "a+b.json");
    }

    #[test]
    fn feed_and_list_paths() {
        let p = ProductId::parse("router-x1").expect("valid id");
        assert_eq!(product_feed(&p), "feeds/products/router-x1.xml");
        assert_eq!(severity_feed(Severity::Critical), "feeds/severity/critical.xml");
        assert_eq!(list_page("advisories/2024/", 1), "advisories/2024/");
        assert_eq!(list_page("advisories/2024/", 2), "advisories/2024/page/2/");
        assert_eq!(csaf_tlp_dir("AMBER"), ".well-known/csaf/amber");
        assert_eq!(wkd_key("abc"), ".well-known/openpgpkey/hu/abc");
    }
}
