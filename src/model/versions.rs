//! Versions of an `[[affected]]` entry, said explicitly: `version` is one version (CSAF
//! `product_version`), `versions` is a range (CSAF `product_version_range`). Nothing is
//! guessed from the words in the text: `"V2.1 (Installer)"` and `"2.1-firewall-edition"`
//! are single versions when written as `version`.

use serde::Serialize;

/// The `vers` schemes a range may be converted into (the `scheme` key of a product or
/// entry), and [`AS_WRITTEN`]. A `vers:` URI written by hand may use any scheme; these are
/// the ones whose comparison psirt-site is asked to write.
pub const SCHEMES: &[&str] = &[
    "alpine", "cargo", "composer", "conan", "cpan", "deb", "gem", "generic", "golang", "hex", "intdot",
    "maven", "npm", "nuget", "pypi", "rpm", "semver", "swift", AS_WRITTEN,
];

/// The `scheme` that keeps a range as written (`< 3.1.1.0`, `3.1`), never in the `vers`
/// form: CSAF allows both, and a migrated advisory keeps the publisher's text.
pub const AS_WRITTEN: &str = "none";

/// One version, or a range of versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VersionSpec {
    /// One version, exactly as written (`product_version`).
    Single { text: String },
    /// A range as written; `vers` is its `vers:` form when it has one
    /// (`product_version_range` holds `vers`, else `text`).
    Range { text: String, vers: Option<String> },
}

impl VersionSpec {
    /// As the user wrote it, for the page.
    pub fn text(&self) -> &str {
        match self {
            VersionSpec::Single { text } | VersionSpec::Range { text, .. } => text,
        }
    }

    /// The CSAF branch category and name of its leaf.
    pub fn csaf_leaf(&self) -> (&'static str, &str) {
        match self {
            VersionSpec::Single { text } => ("product_version", text),
            VersionSpec::Range { text, vers } => ("product_version_range", vers.as_deref().unwrap_or(text)),
        }
    }

    pub fn is_range(&self) -> bool {
        matches!(self, VersionSpec::Range { .. })
    }
}

/// What reading a `versions` text found.
#[derive(Debug, PartialEq, Eq)]
pub enum RangeRead {
    Range(VersionSpec),
    /// A text without any range operator or word: before explicit `version`, such a text in
    /// `versions` meant one version, and it still does (with a warning), so that no valid
    /// site changes meaning.
    LegacySingle(VersionSpec),
    /// A `vers:` URI that is malformed.
    Invalid(String),
}

/// Reads the `versions` key: a comparison list (`< 4.2.1`, `>= 2.0, < 2.3.4`), `*` or
/// `all versions`, a `vers:` URI, or a free-text range (kept as written).
pub fn read_range(text: &str, scheme: &str) -> RangeRead {
    let text = text.trim();
    // Said explicitly: whatever its words, the text is a range, written as it is (a
    // malformed `vers:` URI of a migrated advisory included: CSAF only recommends the form).
    if scheme == AS_WRITTEN {
        return RangeRead::Range(VersionSpec::Range {
            text: text.to_string(),
            vers: None,
        });
    }
    if text.starts_with("vers:") {
        return match check_vers(text) {
            Ok(()) => RangeRead::Range(VersionSpec::Range {
                text: text.to_string(),
                vers: Some(text.to_string()),
            }),
            Err(msg) => RangeRead::Invalid(msg),
        };
    }
    if !legacy_is_range(text) {
        return RangeRead::LegacySingle(VersionSpec::Single {
            text: text.to_string(),
        });
    }
    RangeRead::Range(VersionSpec::Range {
        text: text.to_string(),
        vers: to_vers(text, scheme),
    })
}

/// The classification `versions` had before explicit `version`: used only to keep old
/// texts meaning what they meant (see [`RangeRead::LegacySingle`]).
fn legacy_is_range(versions: &str) -> bool {
    let lower = versions.to_ascii_lowercase();
    versions.contains(['<', '>', '=', ',', '*', '|'])
        || [
            "all",
            "prior",
            "before",
            "after",
            "through",
            "and later",
            "earlier",
            "since",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

fn version_char(c: char) -> bool {
    // `:` for epochs (rpm, deb), `~` and `^` for pre-releases (deb, rpm).
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_' | '~' | ':' | '^')
}

/// Writes a comparison list in the `vers` syntax that CSAF recommends (test 6.2.18):
/// `>= 2.0, < 2.3.4` → `vers:<scheme>/>=2.0|<2.3.4`. Other range texts give `None`.
pub fn to_vers(range: &str, scheme: &str) -> Option<String> {
    let range = range.trim();
    if range == "*" || range.eq_ignore_ascii_case("all versions") {
        return Some(format!("vers:{scheme}/*"));
    }
    let mut parts = Vec::new();
    for part in range.split(',') {
        let part = part.trim();
        let op_len = part
            .find(|c: char| !matches!(c, '<' | '>' | '=' | '!'))
            .unwrap_or(part.len());
        let (op, version) = part.split_at(op_len);
        let version = version.trim();
        let valid_op = matches!(op, "<" | "<=" | ">" | ">=" | "=" | "!=" | "");
        if !valid_op || version.is_empty() || !version.chars().all(version_char) {
            return None;
        }
        // vers writes equality without an operator.
        let op = if op == "=" { "" } else { op };
        parts.push(format!("{op}{version}"));
    }
    Some(format!("vers:{scheme}/{}", parts.join("|")))
}

/// Checks the shape of a hand-written `vers:` URI: `vers:<scheme>/<constraint>|…`.
pub fn check_vers(text: &str) -> Result<(), String> {
    let shown = text.escape_debug();
    let rest = text.strip_prefix("vers:").unwrap_or(text);
    let Some((scheme, constraints)) = rest.split_once('/') else {
        return Err(format!("`{shown}` has no `/` after its scheme"));
    };
    let scheme_ok = !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '+' | '-'));
    if !scheme_ok {
        return Err(format!(
            "`{shown}` has no valid scheme (lowercase, e.g. semver or rpm)"
        ));
    }
    if constraints == "*" {
        return Ok(());
    }
    for c in constraints.split('|') {
        let version = c.trim_start_matches(['<', '>', '=', '!']);
        let op = &c[..c.len() - version.len()];
        let valid_op = matches!(op, "<" | "<=" | ">" | ">=" | "!=" | "");
        if !valid_op || version.is_empty() || version.chars().any(|ch| ch.is_whitespace() || ch == '*') {
            return Err(format!(
                "`{shown}` has an invalid constraint `{}`",
                c.escape_debug()
            ));
        }
    }
    Ok(())
}

/// A short, id-safe form of a version text for a CSAF product id (`>= 11.0, < 11.0.15` →
/// `ge11.0-lt11.0.15`): ids derived from the versions stay the same when entries move.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    // Spaces around operators carry no meaning: `< 1` and `<1` give the same id.
    let compact: String = text.split_whitespace().collect();
    let mut chars = compact.chars().peekable();
    while let Some(c) = chars.next() {
        let eq = chars.peek() == Some(&'=');
        let word = match c {
            '<' | '>' | '!' if eq => {
                chars.next();
                match c {
                    '<' => "le",
                    '>' => "ge",
                    _ => "ne",
                }
            }
            '<' => "lt",
            '>' => "gt",
            '=' => "eq",
            _ => "",
        };
        if !word.is_empty() {
            out.push_str(word);
        } else if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '~' | '+') {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "x".into()
    } else {
        out.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(text: &str) -> VersionSpec {
        match read_range(text, "generic") {
            RangeRead::Range(v) => v,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn comparison_lists_become_vers() {
        assert_eq!(
            to_vers("< 4.2.1", "generic").as_deref(),
            Some("vers:generic/<4.2.1")
        );
        assert_eq!(
            to_vers(">= 2.0, < 2.3.4", "semver").as_deref(),
            Some("vers:semver/>=2.0|<2.3.4")
        );
        assert_eq!(
            to_vers("< 2:8.2.2637-22.el9_6", "rpm").as_deref(),
            Some("vers:rpm/<2:8.2.2637-22.el9_6")
        );
        assert_eq!(to_vers("all versions", "deb").as_deref(), Some("vers:deb/*"));
        assert_eq!(to_vers("4.x prior to 4.2", "generic"), None);
    }

    #[test]
    fn ranges_of_scheme_none_are_kept_as_written() {
        for text in ["< 3.1.1.0", "all versions", "3.1", "<=V", "vers:all/<V5.1 SP1"] {
            let spec = match read_range(text, AS_WRITTEN) {
                RangeRead::Range(v) => v,
                other => panic!("{text}: {other:?}"),
            };
            assert_eq!(spec.csaf_leaf(), ("product_version_range", text));
        }
        assert!(matches!(
            read_range("vers:semver/< 1", "generic"),
            RangeRead::Invalid(_)
        ));
        assert_eq!(
            read_range("vers:all/<V5.1 SP1", AS_WRITTEN),
            RangeRead::Range(VersionSpec::Range {
                text: "vers:all/<V5.1 SP1".into(),
                vers: None
            })
        );
    }

    #[test]
    fn ranges_and_legacy_single_versions() {
        assert!(range("< 4.2.1").is_range());
        assert!(range("4.x prior to 4.2").is_range());
        assert_eq!(range("4.x prior to 4.2").csaf_leaf().1, "4.x prior to 4.2");
        assert_eq!(range("vers:rpm/<2:8.2-1").csaf_leaf().1, "vers:rpm/<2:8.2-1");
        assert!(matches!(
            read_range("4.2.1", "generic"),
            RangeRead::LegacySingle(_)
        ));
        assert!(matches!(
            read_range("vers:Bad/1", "generic"),
            RangeRead::Invalid(_)
        ));
        assert!(matches!(
            read_range("vers:semver/< 1", "generic"),
            RangeRead::Invalid(_)
        ));
    }

    #[test]
    fn vers_uris_are_checked() {
        assert!(check_vers("vers:semver/>=9.3.0|<9.3.1").is_ok());
        assert!(check_vers("vers:all/*").is_ok());
        assert!(check_vers("vers:semver").is_err());
        assert!(check_vers("vers:semver/>>1").is_err());
    }

    #[test]
    fn slugs_are_id_safe() {
        assert_eq!(slug(">= 11.0.0, < 11.0.15"), "ge11.0.0-lt11.0.15");
        assert_eq!(slug("V2.1 (Installer)"), "v2.1-installer");
        assert_eq!(slug("< 2:8.2"), "lt2-8.2");
        assert_eq!(slug("()"), "x");
    }
}
