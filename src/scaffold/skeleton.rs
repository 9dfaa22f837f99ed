//! The front matter and body of a new advisory. Whatever the user did not give on the
//! command line is a `[TODO …]` placeholder ([`crate::publication::MARKER`]): the file
//! checks as a draft, and `check` and `build` refuse to publish it while one is left.
//! Fields that must hold a valid value to parse (the product) get a real value and the
//! placeholder in a comment beside it; optional fields are commented out with one.

use std::fmt::Write as _;

use jiff::Timestamp;

/// What the user gave for a new advisory.
#[derive(Debug, Clone, Default)]
pub struct NewAdvisory {
    pub title: Option<String>,
    pub cve: Option<String>,
    /// A product id of `content/products.toml`.
    pub product: Option<String>,
    pub cwe: Option<String>,
    /// A CVSS 3.x or 4.0 vector; its version decides the key.
    pub cvss: Option<String>,
}

/// A TOML basic string holding `s`.
pub(super) fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The CVSS key for a vector: `cvss_v4` for 4.0, else `cvss_v3`.
fn cvss_key(vector: &str) -> &'static str {
    if vector.starts_with("CVSS:4.0/") {
        "cvss_v4"
    } else {
        "cvss_v3"
    }
}

/// `key = "value"` when given, else the line commented out with a placeholder.
fn optional(key: &str, value: Option<&str>, example: &str, todo: &str) -> String {
    match value {
        Some(v) => format!("{key} = {}\n", quoted(v)),
        None => format!("# {key} = \"{example}\"   # [TODO: {todo}, or delete this line]\n"),
    }
}

/// A draft advisory: `id`, the given fields, placeholders for the rest. `product` is the
/// given product or, failing that, the catalog's first (with a placeholder to pick one).
pub(super) fn draft(id: &str, fields: &NewAdvisory, product: Option<&str>, now: Timestamp) -> String {
    // Whole seconds: a release time is never written to the nanosecond.
    let now = Timestamp::from_second(now.as_second()).unwrap_or(now);
    let date = crate::model::time::rfc3339(now);
    let year = now.strftime("%Y");
    let title = fields.title.as_deref().map_or_else(
        || "\"[TODO: what is vulnerable and how, e.g. Buffer overflow in the web UI]\"".into(),
        quoted,
    );
    let product_line = match (&fields.product, product) {
        (Some(p), _) => format!("product = {}\n", quoted(p)),
        (None, Some(p)) => format!(
            "product = {}   # [TODO: the affected product's id in content/products.toml]\n",
            quoted(p)
        ),
        (None, None) => "product = \"[TODO: a product id from content/products.toml]\"\n".into(),
    };
    let cve = optional(
        "cve",
        fields.cve.as_deref(),
        &format!("CVE-{year}-NNNNN"),
        "the CVE id",
    );
    let cwe = optional(
        "cwe",
        fields.cwe.as_deref(),
        "CWE-NNN",
        "the weakness, as on cwe.mitre.org",
    );
    let cvss = match fields.cvss.as_deref() {
        Some(v) => format!("{} = {}\n", cvss_key(v), quoted(v)),
        None => optional(
            "cvss_v3",
            None,
            "CVSS:3.1/AV:…",
            "a CVSS 3.1 vector (or cvss_v4 for 4.0)",
        ),
    };
    format!(
        r#"+++
id = "{id}"
title = {title}
published = {date}
status = "draft"   # draft (never published) | interim | final: set final to publish
tlp = "CLEAR"
summary = "[TODO: one paragraph for lists and feeds: what is affected, the impact, and what to do]"

[[revisions]]
date = {date}
summary = "Initial public release"

[[affected]]
{product_line}versions = "< 1.0.0"   # [TODO: the affected versions]
fixed = "1.0.0"      # [TODO: the first fixed version, or delete this line]

[[vulnerabilities]]
{cve}title = "[TODO: the vulnerability, e.g. Cross-site scripting in the settings page]"
{cwe}{cvss}[[vulnerabilities.remediations]]
category = "vendor_fix"
details = "[TODO: what users should do, e.g. Update to version 1.0.0 or later.]"

# [[acknowledgments]]
# names = ["Jane Doe"]
# organization = "Example Research"
+++
## Details

[TODO: describe the vulnerability, the affected configurations and the impact.]

## Workarounds

[TODO: describe what users can do until they can update, or delete this section.]
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_toml_strings() {
        assert_eq!(quoted("A \"quoted\" \\ title\n"), r#""A \"quoted\" \\ title\n""#);
    }

    #[test]
    fn given_fields_replace_their_placeholders() {
        let now: Timestamp = "2026-05-01T00:00:00Z".parse().expect("valid");
        let fields = NewAdvisory {
            title: Some("T".into()),
            cve: Some("CVE-2026-1234".into()),
            product: Some("app".into()),
            cwe: Some("CWE-79".into()),
            cvss: Some("CVSS:4.0/AV:N".into()),
        };
        let text = draft("SA-2026-0001", &fields, None, now);
        assert!(text.contains("\ncve = \"CVE-2026-1234\"\n"));
        assert!(text.contains("\ncwe = \"CWE-79\"\n"));
        assert!(text.contains("\ncvss_v4 = \"CVSS:4.0/AV:N\"\n"));
        assert!(text.contains("\nproduct = \"app\"\n"));
        assert!(!text.contains("# cve"));
        let bare = draft("SA-2026-0001", &NewAdvisory::default(), Some("app"), now);
        assert!(bare.contains("# cve = \"CVE-2026-NNNNN\"   # [TODO"));
        assert!(bare.contains("product = \"app\"   # [TODO"));
    }
}
