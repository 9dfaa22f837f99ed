//! `check --provider DIR`: checks a built output folder the way a CSAF checker checks a
//! live provider (CSAF 2.0 §7.1), for everything that needs no web server. It reads
//! output, it does not make any: it returns what it found, and `main` prints it.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

mod documents;
mod lists;
mod metadata;

pub use documents::hash_file_matches;
use documents::{hashes, signatures, validity};
use lists::{changes_csv, index_txt, inside, links_leaving, listings, local, rolie_feeds, service};
use metadata::{metadata_fields, security_txt};

use crate::routes::{CSAF_METADATA_FILE, CSAF_ROOT, PUBLIC_TLP_DIR, csaf_file_name};

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
