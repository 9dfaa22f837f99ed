//! Keeping unchanged files: a file whose bytes equal those of the same path in the output
//! being replaced (or that the build cache knows to be unchanged) is hard-linked from it
//! into the staging folder instead of written again, so after the swap it is the same file
//! (same bytes, same mtime) and deploy tools that compare sizes or mtimes see nothing to
//! send. The links are made only when the build is about to swap: a build that changes
//! nothing leaves the output alone. The same comparison tells which public paths the
//! build added, changed or removed (`build --changed FILE`).
//!
//! A linked file shares its inode with the previous output, so the staging folder is only
//! ever written by creating new files: nothing opens a file in it for writing twice.

use std::fs;
use std::io::Read as _;
use std::path::Path;
use std::sync::Mutex;

use rayon::prelude::*;

use super::MARKER;
use crate::emit::FileId;
use crate::hash::HashSet;

/// What the previous output holds at a path the build is writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Old {
    Absent,
    /// A regular file with exactly the new bytes.
    Same,
    /// Anything else: other bytes, another size, a folder, a link.
    Differs,
}

/// Compares the previous file at `old` with `bytes`. The size comes first (metadata
/// only), so a file is read only when it could be the same.
pub(super) fn compare(old: &Path, bytes: &[u8]) -> Old {
    let Ok(meta) = fs::symlink_metadata(old) else {
        return Old::Absent;
    };
    if !meta.is_file() || meta.len() != bytes.len() as u64 {
        return Old::Differs;
    }
    match same_content(old, bytes) {
        Ok(true) => Old::Same,
        _ => Old::Differs,
    }
}

/// Reads the file in chunks and stops at the first difference; no buffer of its size.
fn same_content(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    let mut file = fs::File::open(path)?;
    let mut chunk = [0u8; 64 * 1024];
    let mut offset = 0;
    loop {
        let n = file.read(&mut chunk)?;
        if n == 0 {
            return Ok(offset == bytes.len());
        }
        let end = offset + n;
        if end > bytes.len() || chunk[..n] != bytes[offset..end] {
            return Ok(false);
        }
        offset = end;
    }
}

/// What one staging folder's writes did, collected from the writing threads.
#[derive(Debug, Default)]
pub(super) struct Tally {
    /// Paths whose previous file is kept (linked in before the swap), with the file's
    /// identity when the build cache gave it.
    kept: Mutex<Vec<(String, Option<FileId>)>>,
    /// Paths written although the previous output had something there.
    changed: Mutex<Vec<String>>,
    /// Paths the previous output did not have.
    added: Mutex<Vec<String>>,
}

impl Tally {
    pub(super) fn kept(&self, path: &str, file: Option<FileId>) {
        self.kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push((path.to_string(), file));
    }

    pub(super) fn written(&self, path: &str, old: Old) {
        let list = if old == Old::Absent {
            &self.added
        } else {
            &self.changed
        };
        list.lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(path.to_string());
    }

    /// The changes, with the files of the previous output `old` (if any) that the build did
    /// not make as `removed`; and the paths to link from it. With `spare`, the recycled
    /// staging folder is pruned to the paths made, beside the walk of `old` (both walk
    /// ~47,000 files at 10k advisories; side by side they take the time of one).
    pub(super) fn into_changes(
        self,
        old: Option<&Path>,
        spare: Option<&Path>,
    ) -> (Changes, Vec<(String, Option<FileId>)>) {
        fn take<T: Ord>(m: Mutex<Vec<T>>) -> Vec<T> {
            let mut v = m.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
            v.sort_unstable();
            v
        }
        let (kept, changed, added) = (take(self.kept), take(self.changed), take(self.added));
        let made: HashSet<&str> = match (old, spare) {
            (None, None) => HashSet::default(),
            _ => kept
                .iter()
                .map(|(path, _)| path)
                .chain(&changed)
                .chain(&added)
                .map(String::as_str)
                .collect(),
        };
        let (removed, ()) = rayon::join(
            || old.map(|old| removed(old, &made)).unwrap_or_default(),
            || {
                if let Some(spare) = spare {
                    super::spare::prune(spare, &made);
                }
            },
        );
        drop(made);
        let changes = Changes {
            kept: kept.len(),
            changed,
            added,
            removed,
        };
        (changes, kept)
    }
}

/// Every file of the previous output `old` that is not among the paths `made`, as
/// relative paths with `/`, sorted. The marker is not a published file.
fn removed(old: &Path, made: &HashSet<&str>) -> Vec<String> {
    let mut found = walk_removed(old, made, String::new());
    found.sort_unstable();
    found
}

/// The files below `prefix` that are not in `made`. A folder's subfolders are walked side
/// by side: at 10k advisories there are ~9,900 folders, and a walk on one thread took
/// ~0.1 s of the build after a cold one.
fn walk_removed(old: &Path, made: &HashSet<&str>, prefix: String) -> Vec<String> {
    let Ok(entries) = fs::read_dir(old.join(&prefix)) else {
        return Vec::new();
    };
    let (mut found, mut folders) = (Vec::new(), Vec::new());
    for entry in entries.flatten() {
        let rel = super::relative_child(&prefix, entry.file_name().to_string_lossy().into_owned());
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            folders.push(rel);
        } else if rel != MARKER && !made.contains(rel.as_str()) {
            found.push(rel);
        }
    }
    found.par_extend(
        folders
            .into_par_iter()
            .flat_map_iter(|folder| walk_removed(old, made, folder)),
    );
    found
}

/// The paths grouped by the folder that holds their folder (`advisories/ID/index.html` by
/// `advisories`): a file's link adds an entry to its folder, and making that folder adds one
/// to the folder above, so two families add entries to one folder only where a file sits
/// beside folders (`advisories/index.html`). Largest first, so the long ones start early.
pub(super) fn families(paths: &[(String, Option<FileId>)]) -> Vec<Vec<&(String, Option<FileId>)>> {
    let mut groups: crate::hash::HashMap<&str, Vec<&(String, Option<FileId>)>> =
        crate::hash::HashMap::default();
    for entry in paths {
        let folder = entry.0.rsplit_once('/').map_or("", |(folder, _)| folder);
        let family = folder.rsplit_once('/').map_or("", |(above, _)| above);
        groups.entry(family).or_default().push(entry);
    }
    let mut families: Vec<_> = groups.into_values().collect();
    families.sort_unstable_by_key(|family| std::cmp::Reverse(family.len()));
    families
}

/// What a build changed in one output compared with the output it replaced. Paths are
/// relative to the output folder, with `/`, sorted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Files linked from the previous output: same bytes, same file.
    pub kept: usize,
    pub changed: Vec<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

impl Changes {
    /// Whether the output stays as it was.
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.added.is_empty() && self.removed.is_empty()
    }

    /// The public URL paths of every added, changed or removed file, sorted, once each:
    /// `/feeds/all.xml`, and a folder's `index.html` as the folder (`/advisories/X/`).
    pub fn url_paths(&self) -> Vec<String> {
        let mut urls: Vec<String> = [&self.changed, &self.added, &self.removed]
            .into_iter()
            .flatten()
            .map(|path| url_path(path))
            .collect();
        urls.sort_unstable();
        urls.dedup();
        urls
    }
}

/// `advisories/X/index.html` → `/advisories/X/`; `index.html` → `/`; others get a `/`.
fn url_path(path: &str) -> String {
    if path == "index.html" {
        return "/".to_string();
    }
    match path.strip_suffix("/index.html") {
        Some(folder) => format!("/{folder}/"),
        None => format!("/{path}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_name_folders_for_their_index() {
        let changes = Changes {
            kept: 0,
            changed: vec!["advisories/X/index.html".into(), "index.html".into()],
            added: vec!["feeds/all.xml".into()],
            removed: vec!["advisories/Y/index.html".into(), "advisories/X/index.html".into()],
        };
        assert_eq!(
            changes.url_paths(),
            ["/", "/advisories/X/", "/advisories/Y/", "/feeds/all.xml"]
        );
    }

    #[test]
    fn compare_reads_only_files_of_the_same_size() {
        let t = tempfile::tempdir().expect("temp dir");
        let file = t.path().join("a");
        assert_eq!(compare(&file, b"abc"), Old::Absent);
        fs::write(&file, b"abc").expect("write");
        assert_eq!(compare(&file, b"abc"), Old::Same);
        assert_eq!(compare(&file, b"abd"), Old::Differs);
        assert_eq!(compare(&file, b"abcd"), Old::Differs);
        assert_eq!(compare(t.path(), b""), Old::Differs, "a folder");
    }

    #[test]
    fn files_whose_folders_share_a_parent_are_one_family() {
        let paths: Vec<(String, Option<crate::emit::FileId>)> = [
            ".well-known/csaf/white/2016/a.json",
            ".well-known/csaf/white/2017/b.json",
            ".well-known/csaf/white/2017/b.json.asc",
            "advisories/A/index.html",
            "advisories/B/index.html",
            "advisories/index.html",
            "index.html",
        ]
        .iter()
        .map(|p| (p.to_string(), None))
        .collect();
        let mut found: Vec<Vec<&str>> = families(&paths)
            .iter()
            .map(|family| family.iter().map(|(p, _)| p.as_str()).collect())
            .collect();
        assert_eq!(found[0].len(), 3, "the largest family comes first");
        found.sort();
        assert_eq!(
            found,
            [
                vec![
                    ".well-known/csaf/white/2016/a.json",
                    ".well-known/csaf/white/2017/b.json",
                    ".well-known/csaf/white/2017/b.json.asc"
                ],
                vec!["advisories/A/index.html", "advisories/B/index.html"],
                vec!["advisories/index.html", "index.html"],
            ]
        );
    }
}
