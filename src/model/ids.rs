//! Identifiers: advisory ids, product ids, CVE and CWE ids. Each is checked once when the
//! front matter is read, so later stages can use them in paths and URLs without care.

use std::fmt;

// CWE ids live in their own module with the catalog they are checked against.
pub use super::cwe::Cwe;

/// Windows cannot create files with these names, whatever the extension.
const RESERVED_NAMES: &[&str] = &[
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
    "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// An advisory id such as `ACME-SA-2026-0042`: used in URLs, file names and CSAF
/// `tracking.id`, so it is restricted to characters safe in all three.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct AdvisoryId(String);

/// Names the site itself writes directly in `advisories/` (`emit/lists.rs`): the list's
/// own file and its pagination and severity folders. An advisory's page is
/// `advisories/<id>/index.html`, so an id with one of these names would collide with them.
const SITE_NAMES_IN_ADVISORIES: &[&str] = &["index.html", "page", "severity"];

/// Why `id` cannot be an advisory id because the site uses the name itself, if it cannot:
/// a name from `SITE_NAMES_IN_ADVISORIES`, or four digits (a year list
/// `advisories/<year>/`; every date is from 1970 on, so every year has four digits).
/// Compared ignoring case: on macOS and Windows `Page` and `page` are one folder.
pub fn reserved_advisory_id(id: &str) -> Option<String> {
    let lower = id.to_ascii_lowercase();
    if lower == "index.html" {
        return Some(format!(
            "advisory id `{id}` is the name of the advisory list's own file `advisories/index.html`"
        ));
    }
    let year = id.len() == 4 && id.bytes().all(|b| b.is_ascii_digit());
    if year || SITE_NAMES_IN_ADVISORIES.contains(&lower.as_str()) {
        let what = if year { "a year's list" } else { "list pages" };
        return Some(format!(
            "advisory id `{id}` would share the folder `advisories/{lower}/` with {what} the site writes"
        ));
    }
    None
}

/// The page folder of an advisory id: the id with each `:` replaced by `_`, as in the CSAF
/// file name (`RHSA-2025:3215` → `advisories/RHSA-2025_3215/`). `:` is the one character an
/// id may have beyond the folder-safe ones: tracking ids such as Red Hat's and Rocky Linux's
/// use it, and Windows cannot have it in a file name.
pub fn page_slug(id: &str) -> std::borrow::Cow<'_, str> {
    if id.contains(':') {
        id.replace(':', "_").into()
    } else {
        id.into()
    }
}

impl AdvisoryId {
    /// Letters, digits, `-`, `_`, `.` and `:`. The page folder ([`page_slug`]) must pass
    /// every rule of a folder-safe id, so a `:` never reaches a path.
    pub fn parse(s: &str) -> Result<Self, String> {
        check_safe_name(s, "advisory id", |c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':')
        })?;
        let slug = page_slug(s);
        check_safe_name(&slug, "advisory id", |c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
        })?;
        if let Some(msg) = reserved_advisory_id(&slug) {
            return Err(msg);
        }
        Ok(AdvisoryId(s.to_string()))
    }

    /// The advisory's page folder name (see [`page_slug`]).
    pub fn slug(&self) -> std::borrow::Cow<'_, str> {
        page_slug(&self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AdvisoryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a CSAF `product_id` written by hand (catalog `product_id`, entries' `product_id`
/// and `fixed_product_id`) must be. CSAF allows any non-empty string; ids such as
/// `Red Hat Enterprise Linux AppStream (v. 9)` have inner spaces and are kept so that
/// imported documents keep their identity. Leading or trailing spaces and control
/// characters are refused: they are typos that no reader of the JSON would see.
pub fn csaf_product_id_ok(id: &str) -> bool {
    !id.is_empty() && id.trim() == id && !id.chars().any(char::is_control)
}

/// The diagnostic message for an id [`csaf_product_id_ok`] refuses.
pub const CSAF_PRODUCT_ID_RULE: &str =
    "a CSAF product id must be non-empty, without leading or trailing spaces or control characters";

/// A product id from the catalog: a lowercase slug.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct ProductId(String);

impl ProductId {
    pub fn parse(s: &str) -> Result<Self, String> {
        check_safe_name(s, "product id", |c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
        })?;
        Ok(ProductId(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProductId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Shared rules for names that become path segments: non-empty, short, an allowed
/// alphabet, no leading dot or dash, no `..`, not a Windows device name.
fn check_safe_name(s: &str, what: &str, allowed: impl Fn(char) -> bool) -> Result<(), String> {
    if s.is_empty() {
        return Err(format!("{what} is empty"));
    }
    if s.len() > 100 {
        return Err(format!("{what} is longer than 100 characters"));
    }
    if let Some(bad) = s.chars().find(|c| !allowed(*c)) {
        return Err(format!(
            "{what} `{}` contains `{}`",
            s.escape_debug(),
            bad.escape_debug()
        ));
    }
    if s.starts_with(['.', '-']) || s.contains("..") {
        return Err(format!("{what} `{s}` starts with `.` or `-` or contains `..`"));
    }
    let stem = s.split('.').next().unwrap_or(s).to_ascii_lowercase();
    if RESERVED_NAMES.contains(&stem.as_str()) {
        return Err(format!("{what} `{s}` is a reserved device name on Windows"));
    }
    Ok(())
}

/// `CVE-YYYY-NNNN` with four or more digits in the sequence number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Cve(String);

/// The first year of CVE ids: the CVE list began in 1999 (older vulnerabilities got
/// `CVE-1999-` ids), so no id carries an earlier year.
pub const FIRST_CVE_YEAR: i16 = 1999;

impl Cve {
    /// Checks the shape and what the CVE numbering rules allow regardless of the date: a
    /// year from 1999, and a sequence number of at least four digits that has a leading
    /// zero only when it has exactly four (`CVE-2026-0123`, never `CVE-2026-01234`: that
    /// id cannot be assigned, and scanners would not match it to `CVE-2026-1234`).
    /// Whether the year lies too far ahead depends on the build time: see `validate`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let Some((year, seq)) =
            s.strip_prefix("CVE-")
                .and_then(|r| r.split_once('-'))
                .filter(|(year, seq)| {
                    year.len() == 4
                        && year.bytes().all(|b| b.is_ascii_digit())
                        && seq.len() >= 4
                        && seq.len() <= 19
                        && seq.bytes().all(|b| b.is_ascii_digit())
                })
        else {
            return Err(format!(
                "`{}` is not a CVE id (expected CVE-YYYY-NNNN, e.g. CVE-2026-10001)",
                s.escape_debug()
            ));
        };
        if !year.parse::<i16>().is_ok_and(|y| y >= FIRST_CVE_YEAR) {
            return Err(format!(
                "`{s}` cannot be a CVE id: CVE years start at {FIRST_CVE_YEAR}"
            ));
        }
        if seq.len() > 4 && seq.starts_with('0') {
            return Err(format!(
                "`{s}` cannot be a CVE id: a sequence number longer than four digits has no leading zero"
            ));
        }
        Ok(Cve(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The year part (`2026` of `CVE-2026-1234`).
    pub fn year(&self) -> i16 {
        self.0
            .get(4..8)
            .and_then(|y| y.parse().ok())
            .unwrap_or(FIRST_CVE_YEAR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advisory_ids() {
        assert!(AdvisoryId::parse("ACME-SA-2026-0042").is_ok());
        for bad in [
            "", "../x", "a/b", "a b", ".hidden", "-x", "CON", "nul.txt", "a\u{0}b", "a..b",
        ] {
            assert!(AdvisoryId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn tracking_ids_with_colons_get_a_safe_page_folder() {
        let id = AdvisoryId::parse("RHSA-2025:3215").expect("a Red Hat tracking id");
        assert_eq!(id.as_str(), "RHSA-2025:3215");
        assert_eq!(id.slug(), "RHSA-2025_3215");
        assert_eq!(page_slug("ACME-SA-2026-0001"), "ACME-SA-2026-0001");
        // The folder name must pass every rule an id without `:` passes.
        for bad in [":x/y", "a:..b", "a:b c", ".:a", "-:a"] {
            assert!(AdvisoryId::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn advisory_ids_the_site_uses_itself() {
        for bad in [
            "index.html",
            "INDEX.HTML",
            "page",
            "Page",
            "severity",
            "2026",
            "1999",
            "0042",
        ] {
            assert!(AdvisoryId::parse(bad).is_err(), "{bad:?}");
        }
        for ok in ["index", "index.htm", "pages", "20260", "SA-2026", "2026a"] {
            assert!(AdvisoryId::parse(ok).is_ok(), "{ok:?}");
        }
    }

    #[test]
    fn cve_years_and_sequence_numbers() {
        assert!(Cve::parse("CVE-1999-0001").is_ok());
        assert!(Cve::parse("CVE-2026-0123").is_ok());
        assert!(Cve::parse("CVE-2026-1234567").is_ok());
        for bad in [
            "CVE-0000-0000",
            "CVE-1998-1234",
            "CVE-2026-01234",
            "CVE-2026-0012345",
        ] {
            assert!(Cve::parse(bad).is_err(), "{bad}");
        }
        let cve = Cve::parse("CVE-2100-12345").expect("the shape is right");
        assert_eq!(cve.year(), 2100);
    }

    #[test]
    fn product_ids() {
        assert!(ProductId::parse("router-x100").is_ok());
        assert!(ProductId::parse("Router").is_err());
        assert!(ProductId::parse("a_b").is_err());
    }

    #[test]
    fn cves() {
        assert!(Cve::parse("CVE-2026-10001").is_ok());
        assert!(Cve::parse("CVE-2026-123").is_err());
        assert!(Cve::parse("cve-2026-1234").is_err());
        assert!(Cve::parse("CVE-26-1234").is_err());
    }
}
