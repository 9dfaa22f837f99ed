//! `check --provider DIR`: checks a built output folder the way a CSAF checker checks a
//! live provider (CSAF 2.0 §7.1), for everything that needs no web server. It reads
//! output, it does not make any: it returns what it found, and `main` prints it.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

mod documents;

pub use documents::hash_file_matches;
use documents::{hashes, signatures, validity};

use crate::routes::{
    CSAF_CHANGES_FILE, CSAF_FEED_FILE, CSAF_INDEX_FILE, CSAF_METADATA_FILE, CSAF_ROOT, CSAF_SERVICE_FILE,
    PUBLIC_TLP_DIR, SECURITY_TXT, csaf_file_name,
};

/// The outcome of one requirement.
#[derive(Debug, Clone)]
pub struct Requirement {
    pub number: u8,
    pub title: &'static str,
    pub problems: Vec<String>,
}

impl Requirement {
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// A CSAF document found in a TLP folder.
struct Doc {
    /// Path below the TLP folder, e.g. `2026/acme-sa-2026-0001.json`.
    relative: String,
    path: PathBuf,
    bytes: Vec<u8>,
    json: Option<Value>,
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))
}

/// Documents in `<dir>/<year>/` folders.
fn documents(dir: &Path) -> Vec<Doc> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir)
        .min_depth(2)
        .max_depth(2)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        let name = e.file_name().to_string_lossy().into_owned();
        if !e.file_type().is_file() || !name.ends_with(".json") {
            continue;
        }
        let relative = e
            .path()
            .strip_prefix(dir)
            .unwrap_or(e.path())
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = fs::read(e.path()).unwrap_or_default();
        let json = serde_json::from_slice(&bytes).ok();
        out.push(Doc {
            relative,
            path: e.path().to_path_buf(),
            bytes,
            json,
        });
    }
    out
}

/// Runs every offline check against `out` (a built site folder).
pub fn check(out: &Path) -> Vec<Requirement> {
    // Every path below is resolved inside this one canonical folder (see `local`, `inside`).
    let out = &out.canonicalize().unwrap_or_else(|_| out.to_path_buf());
    let links = links_leaving(out);
    if !links.is_empty() {
        // A folder whose links lead elsewhere could make every later read open a file
        // outside it (`index.txt -> /etc/passwd`): nothing more is read.
        return vec![req(0, "no symbolic link leaves the checked folder", links)];
    }
    let csaf = out.join(CSAF_ROOT);
    let metadata = read_json(&csaf.join(CSAF_METADATA_FILE));
    let dir = directory(out, &metadata);
    let docs = documents(&dir);
    let key = fs::read_dir(csaf.join("openpgp"))
        .ok()
        .and_then(|d| {
            d.flatten()
                .find(|e| e.path().extension().is_some_and(|x| x == "asc"))
        })
        .and_then(|e| fs::read_to_string(e.path()).ok());
    vec![
        req(5, "file names follow the tracking id (§5.1)", filenames(&docs)),
        req(
            8,
            "security.txt names provider-metadata.json",
            security_txt(out, &metadata),
        ),
        req(
            9,
            "provider-metadata.json is complete",
            metadata_fields(&metadata, key.is_some()),
        ),
        req(11, "one folder per year of initial release", year_folders(&docs)),
        req(12, "index.txt lists every document", index_txt(&dir, &docs)),
        req(
            13,
            "changes.csv lists every document, newest first",
            changes_csv(&dir, &docs),
        ),
        req(
            15,
            "ROLIE feed lists every document with hashes",
            rolie_feeds(out, &dir, &docs, &metadata),
        ),
        req(16, "ROLIE service document", service(&csaf, &metadata)),
        req(18, "hash files (.sha256, .sha512) match", hashes(&docs)),
        req(
            19,
            "OpenPGP signatures verify with the published key",
            signatures(&docs, key.as_deref()),
        ),
        req(
            20,
            "documents pass the CSAF schema and mandatory tests",
            validity(&docs),
        ),
        req(21, "directory listings link every file", listings(&csaf)),
    ]
}

/// The folder of the public documents: the `directory_url` of provider-metadata.json,
/// else the TLP:WHITE folder psirt-site writes.
fn directory(out: &Path, metadata: &Result<Value, String>) -> PathBuf {
    let from_metadata = metadata.as_ref().ok().and_then(|m| {
        m["distributions"]
            .as_array()?
            .iter()
            .find_map(|d| d["directory_url"].as_str().and_then(local))
    });
    let default = || out.join(CSAF_ROOT).join(PUBLIC_TLP_DIR);
    match from_metadata {
        Some(rel) => inside(out, rel.trim_end_matches('/')).unwrap_or_else(default),
        None => default(),
    }
}

fn req(number: u8, title: &'static str, problems: Vec<String>) -> Requirement {
    Requirement {
        number,
        title,
        problems,
    }
}

fn filenames(docs: &[Doc]) -> Vec<String> {
    let mut out = Vec::new();
    if docs.is_empty() {
        out.push("no CSAF documents found".into());
    }
    for d in docs {
        let Some(id) = d
            .json
            .as_ref()
            .and_then(|j| j["document"]["tracking"]["id"].as_str())
        else {
            out.push(format!("{}: not a CSAF document", d.relative));
            continue;
        };
        let expected = csaf_file_name(id);
        if !d.relative.ends_with(&format!("/{expected}")) {
            out.push(format!(
                "{}: expected file name {expected} for tracking id {id}",
                d.relative
            ));
        }
    }
    out
}

fn security_txt(out: &Path, metadata: &Result<Value, String>) -> Vec<String> {
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

fn metadata_fields(metadata: &Result<Value, String>, has_key: bool) -> Vec<String> {
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

fn year_folders(docs: &[Doc]) -> Vec<String> {
    docs.iter()
        .filter_map(|d| {
            let date = d.json.as_ref()?["document"]["tracking"]["initial_release_date"]
                .as_str()?
                .to_string();
            let year = date.get(..4)?;
            (!d.relative.starts_with(&format!("{year}/"))).then(|| {
                format!(
                    "{} is not in the folder of its initial release year {year}",
                    d.relative
                )
            })
        })
        .collect()
}

fn listed(docs: &[Doc]) -> BTreeSet<String> {
    docs.iter().map(|d| d.relative.clone()).collect()
}

fn index_txt(tlp: &Path, docs: &[Doc]) -> Vec<String> {
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

fn changes_csv(tlp: &Path, docs: &[Doc]) -> Vec<String> {
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
fn local(url: &str) -> Option<String> {
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
fn links_leaving(root: &Path) -> Vec<String> {
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
fn inside(root: &Path, rel: &str) -> Option<PathBuf> {
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
fn rolie_feeds(root: &Path, dir: &Path, docs: &[Doc], metadata: &Result<Value, String>) -> Vec<String> {
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

fn service(csaf: &Path, metadata: &Result<Value, String>) -> Vec<String> {
    if feed_paths(metadata).is_empty() {
        return Vec::new();
    }
    match read_json(&csaf.join(CSAF_SERVICE_FILE)) {
        Ok(s) if s["service"]["workspace"][0]["collection"][0]["href"].is_string() => Vec::new(),
        Ok(_) => vec!["service.json names no feed".into()],
        Err(e) => vec![e],
    }
}

fn listings(csaf: &Path) -> Vec<String> {
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

/// Why a folder cannot be checked at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotChecked {
    /// The folder has no `.well-known/csaf/`: nothing was built there.
    NoProviderTree,
}

impl std::fmt::Display for NotChecked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotChecked::NoProviderTree => write!(f, "has no {CSAF_ROOT}/ folder; build the site first"),
        }
    }
}

/// `check --provider DIR`: every requirement's outcome, or why the folder is not a built
/// site. The caller prints them.
pub fn run(dir: &Path) -> Result<Vec<Requirement>, NotChecked> {
    if !dir.join(CSAF_ROOT).is_dir() {
        return Err(NotChecked::NoProviderTree);
    }
    Ok(check(dir))
}
