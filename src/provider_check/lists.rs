//! The provider's lists of its documents: `index.txt`, `changes.csv`, the ROLIE feeds and
//! service document, and the directory listings; and the walk that makes sure no link
//! leads out of the checked folder.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Doc, read_json};
use crate::routes::{CSAF_CHANGES_FILE, CSAF_FEED_FILE, CSAF_INDEX_FILE, CSAF_ROOT, CSAF_SERVICE_FILE};

fn listed(docs: &[Doc]) -> BTreeSet<String> {
    docs.iter().map(|d| d.relative.clone()).collect()
}

pub(super) fn index_txt(tlp: &Path, docs: &[Doc]) -> Vec<String> {
    let Ok(text) = fs::read_to_string(tlp.join(CSAF_INDEX_FILE)) else {
        return vec!["index.txt is missing".into()];
    };
    let lines: BTreeSet<String> = text.lines().map(str::to_string).collect();
    compare_sets("index.txt", &lines, &listed(docs))
}

fn compare_sets(what: &str, found: &BTreeSet<String>, expected: &BTreeSet<String>) -> Vec<String> {
    let mut out: Vec<String> = expected
        .difference(found)
        .map(|p| format!("{what} lacks {p}"))
        .collect();
    out.extend(
        found
            .difference(expected)
            .map(|p| format!("{what} lists {p}, which does not exist")),
    );
    out
}

pub(super) fn changes_csv(tlp: &Path, docs: &[Doc]) -> Vec<String> {
    let Ok(text) = fs::read_to_string(tlp.join(CSAF_CHANGES_FILE)) else {
        return vec!["changes.csv is missing".into()];
    };
    let mut out = Vec::new();
    let mut rows = Vec::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split(',').collect();
        match fields.as_slice() {
            [p, d] if p.len() > 1 && d.len() > 1 && p.starts_with('"') && d.ends_with('"') => {
                rows.push((p.trim_matches('"').to_string(), d.trim_matches('"').to_string()));
            }
            _ => out.push(format!("malformed line `{line}`")),
        }
    }
    if rows.windows(2).any(|w| w[0].1 < w[1].1) {
        out.push("rows are not sorted newest first".into());
    }
    for d in docs {
        let current = d
            .json
            .as_ref()
            .and_then(|j| j["document"]["tracking"]["current_release_date"].as_str());
        match rows.iter().find(|r| r.0 == d.relative) {
            Some(r) if Some(r.1.as_str()) != current => {
                out.push(format!(
                    "{}: date {} is not current_release_date",
                    d.relative, r.1
                ));
            }
            _ => {}
        }
    }
    let found: BTreeSet<String> = rows.into_iter().map(|r| r.0).collect();
    out.extend(compare_sets("changes.csv", &found, &listed(docs)));
    out
}

/// The output-relative path of an absolute URL of this site, by its `/.well-known/` part.
/// The folder being checked may come from anyone (a mirror, an aggregator's download): a
/// URL whose path has `..`, `.` or empty segments, a backslash or a control character is
/// refused here, so no file outside the folder is ever opened (see [`inside`] for links).
pub(super) fn local(url: &str) -> Option<String> {
    let start = url.find("/.well-known/")? + 1;
    let path = url[start..].split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let safe = segments.iter().all(|s| {
        !s.is_empty()
            && *s != "."
            && *s != ".."
            && !s.contains(['\\', '%'])
            && !s.chars().any(char::is_control)
    });
    safe.then(|| path.to_string())
}

/// Symbolic links below `root` whose target is outside it (or does not resolve).
pub(super) fn links_leaving(root: &Path) -> Vec<String> {
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.path_is_symlink())
        .filter(|e| {
            e.path()
                .canonicalize()
                .map_or(true, |target| !target.starts_with(root))
        })
        .map(|e| format!("{} links outside the folder", e.path().display()))
        .collect()
}

/// `root/rel` when it exists and, with every symbolic link resolved, is still inside
/// `root`; `None` otherwise.
pub(super) fn inside(root: &Path, rel: &str) -> Option<PathBuf> {
    let root = root.canonicalize().ok()?;
    let path = root.join(rel).canonicalize().ok()?;
    path.starts_with(&root).then_some(path)
}

/// ROLIE feeds named in provider-metadata.json (none for a directory-only provider).
fn feed_paths(metadata: &Result<Value, String>) -> Vec<String> {
    let Ok(m) = metadata else {
        return vec![format!("{CSAF_ROOT}/{CSAF_FEED_FILE}")];
    };
    m["distributions"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|d| d["rolie"]["feeds"].as_array().cloned().unwrap_or_default())
        .filter_map(|f| f["url"].as_str().and_then(local))
        .collect()
}

/// Every ROLIE feed must list every document of the directory (§7.1.15); a provider that
/// only offers the directory distribution has nothing to check here.
pub(super) fn rolie_feeds(
    root: &Path,
    dir: &Path,
    docs: &[Doc],
    metadata: &Result<Value, String>,
) -> Vec<String> {
    feed_paths(metadata)
        .iter()
        .flat_map(|p| match inside(root, p) {
            Some(feed) => rolie(root, &feed, dir, docs),
            None => vec![format!("ROLIE feed {p} is not a file inside the checked folder")],
        })
        .collect()
}

fn rolie(root: &Path, feed_path: &Path, dir: &Path, docs: &[Doc]) -> Vec<String> {
    let feed = match read_json(feed_path) {
        Ok(f) => f,
        Err(e) => return vec![e],
    };
    let mut out = Vec::new();
    let prefix = dir
        .strip_prefix(root)
        .unwrap_or(dir)
        .to_string_lossy()
        .replace('\\', "/")
        + "/";
    let mut found = BTreeSet::new();
    for entry in feed["feed"]["entry"].as_array().into_iter().flatten() {
        for link in entry["link"].as_array().into_iter().flatten() {
            let href = link["href"].as_str().unwrap_or("");
            match local(href) {
                Some(p) if inside(root, &p).is_some_and(|f| f.is_file()) => {
                    if link["rel"] == "self" {
                        found.insert(p.strip_prefix(&prefix).unwrap_or(&p).to_string());
                    }
                }
                _ => out.push(format!("entry {}: link {href} does not resolve", entry["id"])),
            }
        }
    }
    let has_csaf_category = feed["feed"]["category"]
        .as_array()
        .is_some_and(|c| c.iter().any(|x| x["term"] == "csaf"));
    if !has_csaf_category {
        out.push("feed lacks the `csaf` information-type category".into());
    }
    out.extend(compare_sets("the ROLIE feed", &found, &listed(docs)));
    out
}

pub(super) fn service(csaf: &Path, metadata: &Result<Value, String>) -> Vec<String> {
    if feed_paths(metadata).is_empty() {
        return Vec::new();
    }
    match read_json(&csaf.join(CSAF_SERVICE_FILE)) {
        Ok(s) if s["service"]["workspace"][0]["collection"][0]["href"].is_string() => Vec::new(),
        Ok(_) => vec!["service.json names no feed".into()],
        Err(e) => vec![e],
    }
}

pub(super) fn listings(csaf: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(csaf)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !e.file_type().is_dir() {
            continue;
        }
        let Ok(html) = fs::read_to_string(e.path().join("index.html")) else {
            out.push(format!("{} has no index.html listing", e.path().display()));
            continue;
        };
        for child in fs::read_dir(e.path()).into_iter().flatten().flatten() {
            let mut name = child.file_name().to_string_lossy().into_owned();
            if name == "index.html" {
                continue;
            }
            if child.path().is_dir() {
                name.push('/');
            }
            if !html.contains(&format!("href=\"{name}\"")) && !html.contains(&format!("href={name}>")) {
                out.push(format!("{}/index.html does not link {name}", e.path().display()));
            }
        }
    }
    out
}
