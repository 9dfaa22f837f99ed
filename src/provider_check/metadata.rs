//! The provider metadata's required fields and the `CSAF:` line of security.txt (CSAF 2.0
//! §7.1.7, §7.1.8).

use std::fs;
use std::path::Path;

use serde_json::Value;

use super::lists::local;
use crate::routes::SECURITY_TXT;

pub(super) fn security_txt(out: &Path, metadata: &Result<Value, String>) -> Vec<String> {
    let Ok(text) = fs::read_to_string(out.join(SECURITY_TXT)) else {
        return vec!["/.well-known/security.txt is missing".into()];
    };
    let canonical = metadata
        .as_ref()
        .ok()
        .and_then(|m| m["canonical_url"].as_str())
        .unwrap_or("");
    let first = text.lines().find_map(|l| l.strip_prefix("CSAF: "));
    match first {
        Some(url) if url.trim() == canonical => Vec::new(),
        Some(url) => vec![format!("first CSAF line is {url}, not {canonical}")],
        None => vec!["security.txt has no `CSAF:` line".into()],
    }
}

pub(super) fn metadata_fields(metadata: &Result<Value, String>, has_key: bool) -> Vec<String> {
    let m = match metadata {
        Ok(m) => m,
        Err(e) => return vec![e.clone()],
    };
    let mut out = Vec::new();
    for field in [
        "canonical_url",
        "distributions",
        "last_updated",
        "metadata_version",
        "publisher",
        "role",
    ] {
        if m.get(field).is_none() {
            out.push(format!("missing `{field}`"));
        }
    }
    if m["metadata_version"] != "2.0" {
        out.push("metadata_version is not 2.0".into());
    }
    let role = m["role"].as_str().unwrap_or("");
    let keys = m["public_openpgp_keys"].as_array().map_or(0, Vec::len);
    if role == "csaf_trusted_provider" && (keys == 0 || !has_key) {
        out.push("a trusted provider must list and publish its OpenPGP key".into());
    }
    if !matches!(role, "csaf_publisher" | "csaf_provider" | "csaf_trusted_provider") {
        out.push(format!("unknown role `{role}`"));
    }
    out.extend(urls_leaving(m));
    out
}

/// Distribution URLs that `local` refuses: they would lead out of the provider folder.
fn urls_leaving(m: &Value) -> Vec<String> {
    let distributions = m["distributions"].as_array().into_iter().flatten();
    let directories = distributions.clone().map(|d| &d["directory_url"]);
    let feeds = distributions.flat_map(|d| {
        d["rolie"]["feeds"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| &f["url"])
    });
    directories
        .chain(feeds)
        .filter_map(Value::as_str)
        .filter(|url| local(url).is_none())
        .map(|url| format!("{url} is not a file inside the checked folder"))
        .collect()
}
