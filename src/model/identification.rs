//! Product identification helpers (CSAF `product_identification_helper`), for a catalog
//! product and for one version of it (an `[[affected]]` entry).

use std::ops::Range;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diag::Code;
use crate::hash::HashSet;
use crate::url::check_url;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIdentification {
    #[serde(default)]
    pub cpe: Option<Spanned<String>>,
    #[serde(default)]
    pub purl: Option<Spanned<String>>,
    #[serde(default)]
    pub model_numbers: Vec<Spanned<String>>,
    #[serde(default)]
    pub skus: Vec<Spanned<String>>,
    #[serde(default)]
    pub serial_numbers: Vec<Spanned<String>>,
    #[serde(default)]
    pub sbom_urls: Vec<Spanned<String>>,
    #[serde(default)]
    pub hashes: Vec<RawHash>,
    #[serde(default)]
    pub x_generic_uris: Vec<RawGenericUri>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHash {
    pub filename: Spanned<String>,
    #[serde(default = "sha256")]
    pub algorithm: Spanned<String>,
    pub value: Spanned<String>,
}

fn sha256() -> Spanned<String> {
    Spanned::new(0..0, "sha256".into())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGenericUri {
    pub namespace: Spanned<String>,
    pub uri: Spanned<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileHash {
    pub filename: String,
    pub algorithm: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Identification {
    pub cpe: Option<String>,
    pub purl: Option<String>,
    pub model_numbers: Vec<String>,
    pub skus: Vec<String>,
    pub serial_numbers: Vec<String>,
    pub sbom_urls: Vec<String>,
    pub hashes: Vec<FileHash>,
    /// (namespace, uri)
    pub x_generic_uris: Vec<(String, String)>,
}

/// A problem: code, span (relative to the parsed TOML), message, help.
pub type Problem = (Code, Range<usize>, String, &'static str);

impl Identification {
    pub fn is_empty(&self) -> bool {
        *self == Identification::default()
    }

    /// `self` with every helper that `more` (a version's) gives replaced by it.
    pub fn overlaid(&self, more: &Identification) -> Identification {
        let pick = |a: &Vec<String>, b: &Vec<String>| if b.is_empty() { a.clone() } else { b.clone() };
        Identification {
            cpe: more.cpe.clone().or_else(|| self.cpe.clone()),
            purl: more.purl.clone().or_else(|| self.purl.clone()),
            model_numbers: pick(&self.model_numbers, &more.model_numbers),
            skus: pick(&self.skus, &more.skus),
            serial_numbers: pick(&self.serial_numbers, &more.serial_numbers),
            sbom_urls: pick(&self.sbom_urls, &more.sbom_urls),
            hashes: if more.hashes.is_empty() {
                self.hashes.clone()
            } else {
                more.hashes.clone()
            },
            x_generic_uris: if more.x_generic_uris.is_empty() {
                self.x_generic_uris.clone()
            } else {
                more.x_generic_uris.clone()
            },
        }
    }
}

/// Checks the helpers against the forms the CSAF schema requires; returns the valid ones.
pub fn check(raw: &RawIdentification, problems: &mut Vec<Problem>) -> Identification {
    let mut out = Identification::default();
    if let Some(cpe) = &raw.cpe {
        out.cpe = check_cpe_or_purl(cpe, "cpe:", problems);
    }
    if let Some(purl) = &raw.purl {
        out.purl = check_cpe_or_purl(purl, "pkg:", problems);
    }
    out.model_numbers = unique_texts(&raw.model_numbers, problems);
    out.skus = unique_texts(&raw.skus, problems);
    out.serial_numbers = unique_texts(&raw.serial_numbers, problems);
    for u in &raw.sbom_urls {
        if let Some(u) = checked_url(u, problems) {
            out.sbom_urls.push(u);
        }
    }
    for h in &raw.hashes {
        let value = h.value.get_ref().trim();
        if value.len() < 32 || !value.chars().all(|c| c.is_ascii_hexdigit()) {
            let msg = format!(
                "`{}` is not a hexadecimal hash of at least 32 digits",
                value.escape_debug()
            );
            problems.push((
                Code::InvalidValue,
                h.value.span(),
                msg,
                "copy the hash as hex, e.g. the output of sha256sum",
            ));
            continue;
        }
        let filename = h.filename.get_ref().trim();
        let algorithm = h.algorithm.get_ref().trim();
        if filename.is_empty() || algorithm.is_empty() {
            let at = if filename.is_empty() {
                h.filename.span()
            } else {
                h.algorithm.span()
            };
            problems.push((
                Code::InvalidValue,
                at,
                "a hash needs a filename and an algorithm".into(),
                "e.g. algorithm = \"sha256\"",
            ));
            continue;
        }
        out.hashes.push(FileHash {
            filename: filename.into(),
            algorithm: algorithm.into(),
            value: value.into(),
        });
    }
    for g in &raw.x_generic_uris {
        if let (Some(ns), Some(uri)) = (checked_url(&g.namespace, problems), checked_url(&g.uri, problems)) {
            out.x_generic_uris.push((ns, uri));
        }
    }
    out
}

fn check_cpe_or_purl(v: &Spanned<String>, prefix: &str, problems: &mut Vec<Problem>) -> Option<String> {
    let text = v.get_ref();
    let ok = text.starts_with(prefix) && !text.chars().any(char::is_whitespace);
    if ok {
        return Some(text.clone());
    }
    let (what, help) = if prefix == "cpe:" {
        ("a CPE", "CPEs start with cpe:2.3: (or cpe:/)")
    } else {
        (
            "a package URL",
            "package URLs start with pkg:, e.g. pkg:rpm/redhat/vim",
        )
    };
    problems.push((
        Code::InvalidValue,
        v.span(),
        format!("`{}` is not {what}", text.escape_debug()),
        help,
    ));
    None
}

fn unique_texts(list: &[Spanned<String>], problems: &mut Vec<Problem>) -> Vec<String> {
    let mut seen = HashSet::default();
    let mut out = Vec::new();
    for item in list {
        let text = item.get_ref().trim();
        if text.is_empty() || !seen.insert(text) {
            let msg = if text.is_empty() {
                "an empty entry".to_string()
            } else {
                format!("`{}` is listed twice", text.escape_debug())
            };
            problems.push((
                Code::InvalidValue,
                item.span(),
                msg,
                "CSAF requires non-empty, unique entries",
            ));
            continue;
        }
        out.push(text.to_string());
    }
    out
}

fn checked_url(u: &Spanned<String>, problems: &mut Vec<Problem>) -> Option<String> {
    match check_url(u.get_ref(), &["https", "http", "urn"]) {
        Ok(()) => Some(u.get_ref().clone()),
        Err(msg) => {
            problems.push((Code::InvalidUrl, u.span(), msg, "use an absolute URL"));
            None
        }
    }
}
