//! What to import: CSAF (or OSV) files named on the command line, every CSAF or OSV file
//! in a folder (recursively), or the documents a CSAF provider tree lists in its
//! `index.txt` files, with their `.sha256` / `.sha512` files checked where present.

use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256, Sha512};

use crate::source::{MAX_FILE_BYTES, read_limited};

/// A CSAF document or OSV record read from disk.
pub(super) struct Found {
    pub path: PathBuf,
    pub json: Value,
    pub format: Format,
}

/// What a file read is, told by its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Csaf,
    Osv,
}

/// An input that is not imported, and why.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Refused {
    pub path: PathBuf,
    pub reason: String,
}

/// The documents of every input, in input order (each folder sorted by path), and every
/// file that could not be read.
pub(super) fn collect(inputs: &[PathBuf]) -> (Vec<Found>, Vec<Refused>) {
    let (mut found, mut refused) = (Vec::new(), Vec::new());
    for input in inputs {
        let paths = if input.is_dir() {
            match provider_listing(input) {
                Some(listed) => listed,
                None => json_files(input),
            }
        } else {
            vec![Ok(input.clone())]
        };
        for p in paths {
            match p.and_then(|p| read_document(&p).map(|json| (p, json))) {
                Ok((path, Some((json, format)))) => found.push(Found { path, json, format }),
                // A provider's own file (metadata, ROLIE feed, …) met in a folder.
                Ok((_, None)) => {}
                Err(r) => refused.push(r),
            }
        }
    }
    (found, refused)
}

type Listed = Result<PathBuf, Refused>;

/// Every `.json` file below `dir` (a provider's own files are recognised when read).
fn json_files(dir: &Path) -> Vec<Listed> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(Ok)
        .collect()
}

/// For a provider tree (a folder with `provider-metadata.json`, directly or under
/// `.well-known/csaf/`): the documents its `index.txt` files list, hash-checked. `None`
/// for any other folder.
fn provider_listing(dir: &Path) -> Option<Vec<Listed>> {
    let root = [dir.join(".well-known/csaf"), dir.to_path_buf()]
        .into_iter()
        .find(|r| r.join("provider-metadata.json").is_file())?;
    let mut listed = Vec::new();
    let indexes = walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file() && e.file_name() == "index.txt");
    for index in indexes {
        let folder = index.path().parent().unwrap_or(&root).to_path_buf();
        let Ok(text) = std::fs::read_to_string(index.path()) else {
            continue;
        };
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            listed.push(listed_document(&folder, line));
        }
    }
    Some(listed)
}

/// One `index.txt` line: a path below the folder, which must stay inside it and match its
/// hash files.
fn listed_document(folder: &Path, line: &str) -> Listed {
    let refuse = |reason: String| Refused {
        path: folder.join(line),
        reason,
    };
    let safe = line.split('/').all(|s| !s.is_empty() && s != "." && s != "..") && !line.contains('\\');
    if !safe {
        return Err(refuse(format!(
            "index.txt lists `{line}`, which leaves the provider folder"
        )));
    }
    let path = folder.join(line);
    let bytes = read_limited(&path, MAX_FILE_BYTES)
        .map_err(|e| refuse(format!("listed in index.txt but not readable: {e}")))?;
    check_hash::<Sha256>(&path, &bytes, "sha256").map_err(refuse)?;
    check_hash::<Sha512>(&path, &bytes, "sha512").map_err(refuse)?;
    Ok(path)
}

/// Compares `bytes` with `<path>.<ext>` (`<hex>  <name>`), when that file exists.
fn check_hash<D: Digest>(path: &Path, bytes: &[u8], ext: &str) -> Result<(), String> {
    match crate::provider_check::hash_file_matches::<D>(path, bytes, ext) {
        Some(false) => Err(format!("its {ext} hash does not match {}.{ext}", path.display())),
        _ => Ok(()),
    }
}

/// Reads and parses one file; `None` for a CSAF provider's own files (provider or
/// aggregator metadata, ROLIE feeds, service and category documents), which are not
/// advisories; refuses anything else that is not a CSAF 2.0 document or an OSV record.
fn read_document(path: &Path) -> Result<Option<(Value, Format)>, Refused> {
    let refuse = |reason: String| Refused {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = read_limited(path, MAX_FILE_BYTES).map_err(|e| refuse(e.to_string()))?;
    let json: Value = serde_json::from_slice(&bytes).map_err(|e| refuse(format!("not JSON: {e}")))?;
    let provider_file = ["metadata_version", "aggregator", "feed", "service", "categories"]
        .iter()
        .any(|k| json.get(k).is_some());
    match json.pointer("/document/csaf_version").and_then(Value::as_str) {
        Some("2.0") => Ok(Some((json, Format::Csaf))),
        None if super::osv::detect::is_osv(&json) => Ok(Some((json, Format::Osv))),
        None if provider_file => Ok(None),
        Some(v) => Err(refuse(format!("CSAF version {v}; only 2.0 is imported"))),
        None => Err(refuse(
            "neither a CSAF document (no /document/csaf_version) nor an OSV record (no id and modified)"
                .into(),
        )),
    }
}
