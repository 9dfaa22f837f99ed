//! The spare tree: the output a build replaced is not deleted but kept beside the output
//! (`.NAME.spare`), and the next build of that output starts from it instead of from an
//! empty folder. Most of its files are already the files the new output keeps (hard links
//! to the same inodes), so the build only replaces what changed, removes what is gone and
//! links what the spare lacks, instead of linking every file into a fresh folder and then
//! deleting the whole previous tree (two system calls per file: ~1.2 s at 10,000
//! advisories on a disk).
//!
//! The spare is never the output: it becomes the staging folder (renamed to the build's
//! temporary name, so a killed build leaves a folder the next build removes) and is
//! swapped in only complete. Nothing in it is trusted: a kept file is checked to be the
//! previous output's very file (same device and inode), every new file is written afresh,
//! and every file the new output does not have is removed. It never opens a file for
//! writing that might be shared with the output. Deleting it is always safe.
//!
//! A spare left without its output (the output folder was deleted, the spare not) is taken
//! by the next build too, which then has no previous output: a file of the spare that has
//! exactly the new bytes and no other name stays ([`holds`]), every other one is replaced,
//! and what the new output lacks is removed. Left alone, it would be taken by the build
//! after, whose files it does not share: every one of them unlinked and linked again.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{Found, MARKER, OutputKind, inspect, remove_ours};
use crate::hash::HashSet;

/// Where the spare of the output `name` is kept.
pub(super) fn path(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}.spare"))
}

/// Moves the spare of an output of `kind` to `tmp`, if there is one; `false` otherwise
/// (then `tmp` does not exist). Every symbolic link (and anything that is neither a file
/// nor a folder) in it is removed first: a build writes into the staging folder by path,
/// and a link put there in place of a folder would lead its writes out of it.
pub(super) fn take(spare: &Path, tmp: &Path, kind: OutputKind) -> bool {
    let taken = inspect(spare) == Found::Ours(kind) && fs::rename(spare, tmp).is_ok();
    if taken {
        remove_links(tmp);
    }
    taken
}

/// Folders side by side: the walk reads ~10,000 folders at 10k advisories.
fn remove_links(dir: &Path) {
    use rayon::prelude::*;
    let Ok(entries) = fs::read_dir(dir) else { return };
    let entries: Vec<fs::DirEntry> = entries.flatten().collect();
    entries.par_iter().for_each(|entry| match entry.file_type() {
        Ok(t) if t.is_dir() => remove_links(&entry.path()),
        Ok(t) if t.is_file() => {}
        _ => {
            let _ = fs::remove_file(entry.path());
        }
    });
}

/// Keeps the replaced output `old` as the spare (or deletes it if that fails).
pub(super) fn put_aside(old: &Path, spare: &Path) {
    if fs::symlink_metadata(spare).is_ok() && inspect(spare) != Found::Foreign {
        let _ = remove_ours(spare);
    }
    if fs::rename(old, spare).is_err() {
        let _ = remove_ours(old);
    }
}

/// Whether `dest` (in the staging folder) is already the file at `old` (the previous
/// output): the same inode on the same device.
pub(super) fn is_same_file(dest: &Path, old: &Path) -> bool {
    let old = fs::symlink_metadata(old)
        .ok()
        .and_then(|m| crate::sys::file_id(&m));
    old.is_some_and(|file| is_file(dest, file))
}

/// Whether `dest` (in the staging folder) is the regular file `file` (device, inode).
pub(super) fn is_file(dest: &Path, file: crate::emit::FileId) -> bool {
    fs::symlink_metadata(dest).is_ok_and(|m| m.is_file() && crate::sys::file_id(&m) == Some(file))
}

/// Whether the file at `dest` in a spare left without its output (see
/// `Staging::orphaned`) can stay as the new file with `bytes`: a regular file with no
/// other name (another name could be a file someone else writes), not writable by
/// everyone and without set-id or sticky bits, with exactly these bytes. It keeps its
/// modification time (a sync to a host that has it sends nothing), and the file system
/// frees and allocates no inode for it; taken by the build after instead, the spare had
/// each of its ~47,000 files unlinked and linked again at 10k advisories (that build's
/// write stage 3.3 s on this machine's disk).
pub(super) fn holds(dest: &Path, bytes: &[u8]) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let Ok(meta) = fs::symlink_metadata(dest) else {
            return false;
        };
        meta.is_file()
            && meta.nlink() == 1
            && meta.mode() & 0o7002 == 0
            && super::keep::compare(dest, bytes) == super::keep::Old::Same
    }
    #[cfg(not(unix))]
    {
        let _ = (dest, bytes);
        false
    }
}

/// Removes whatever is at `path` (file, link or folder), if anything.
pub(super) fn clear(path: &Path) {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => {
            let _ = fs::remove_dir_all(path);
        }
        Ok(_) => {
            let _ = fs::remove_file(path);
        }
        Err(_) => {}
    }
}

/// Removes every file below `tmp` that is not among the paths `made` (nor the marker),
/// then the folders left empty.
pub(super) fn prune(tmp: &Path, made: &HashSet<&str>) {
    prune_below(tmp, String::new(), made);
}

/// Whether the folder `prefix` is empty now. Subfolders are pruned side by side, as the
/// previous output is walked (`keep::removed`).
fn prune_below(tmp: &Path, prefix: String, made: &HashSet<&str>) -> bool {
    let Ok(entries) = fs::read_dir(tmp.join(&prefix)) else {
        return false;
    };
    let (mut kept_a_file, mut folders) = (false, Vec::new());
    for entry in entries.flatten() {
        let rel = super::relative_child(&prefix, entry.file_name().to_string_lossy().into_owned());
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            folders.push((rel, entry.path()));
        } else if rel == MARKER || made.contains(rel.as_str()) {
            kept_a_file = true;
        } else {
            let _ = fs::remove_file(entry.path());
        }
    }
    let kept_a_folder = folders
        .into_par_iter()
        .map(|(rel, path)| {
            let emptied = prune_below(tmp, rel, made);
            if emptied {
                let _ = fs::remove_dir(path);
            }
            !emptied
        })
        .reduce(|| false, |a, b| a || b);
    !kept_a_file && !kept_a_folder
}
