//! The cache file `build` keeps outside the output: for each advisory key, the files made
//! under it and each file's identity in the output (size, modification time, inode), so the
//! next build keeps them without reading them. Deleting the folder is always safe: the next
//! build makes everything and compares bytes instead.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Cache, Previous, Records};
use crate::diag::{Code, Diagnostic};
use crate::digest;

/// Changed whenever the file's meaning changes; a file of another format is ignored.
const FORMAT: u32 = 1;

/// A cache file larger than this is not ours (10k advisories take ~6 MB).
const MAX_BYTES: u64 = 512 * 1024 * 1024;

/// What identifies one output file as the one a build made: a file written again gets
/// another inode or modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Stamp {
    len: u64,
    secs: i64,
    nanos: u32,
    inode: u64,
}

impl Stamp {
    /// The stamp of the regular file at `path` (a link or folder has none).
    pub(super) fn of(path: &Path) -> Option<Stamp> {
        let meta = fs::symlink_metadata(path).ok().filter(fs::Metadata::is_file)?;
        let modified = meta.modified().ok()?;
        let since = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(Stamp {
            len: meta.len(),
            secs: i64::try_from(since.as_secs()).ok()?,
            nanos: since.subsec_nanos(),
            inode: inode(&meta),
        })
    }
}

#[cfg(unix)]
fn inode(meta: &fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt as _;
    meta.ino()
}

#[cfg(not(unix))]
fn inode(_meta: &fs::Metadata) -> u64 {
    0
}

#[derive(Serialize, Deserialize)]
struct Stored {
    format: u32,
    version: String,
    /// The output folder the files are in.
    output: PathBuf,
    advisories: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    key: String,
    files: Vec<(String, Stamp)>,
}

/// The cache file for the output `out` in `cache_dir`: one per output folder, so a
/// preview and the public site built by turns each keep theirs.
pub fn cache_file(cache_dir: &Path, out: &Path) -> PathBuf {
    let id = digest::hex(&digest::key(&[out.as_os_str().as_encoded_bytes()]));
    cache_dir.join(format!("build-{}.json", &id[..16]))
}

/// The cache `file` holds for the previous output `dir`; empty when there is none, it is
/// unreadable, of another format or version, or about another folder.
pub fn load(file: &Path, dir: &Path) -> Cache {
    let Some(stored) = read(file) else {
        return Cache::default();
    };
    if stored.format != FORMAT || stored.version != env!("CARGO_PKG_VERSION") || stored.output != dir {
        return Cache::default();
    }
    let mut made = HashMap::with_capacity(stored.advisories.len());
    let mut stamps = HashMap::new();
    for entry in stored.advisories {
        let Some(key) = digest::from_hex(&entry.key) else {
            return Cache::default();
        };
        let mut paths = Vec::with_capacity(entry.files.len());
        for (path, stamp) in entry.files {
            stamps.insert(path.clone(), stamp);
            paths.push(path);
        }
        made.insert(key, paths);
    }
    Cache {
        made,
        parsed: HashMap::new(),
        previous: Previous::Disk {
            dir: dir.to_path_buf(),
            stamps,
        },
    }
}

fn read(file: &Path) -> Option<Stored> {
    let bytes = crate::source::read_limited(file, MAX_BYTES).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Records what the build that just wrote `dir` made, for the next build. The file is
/// replaced in one step (written beside it, then renamed), so it is never half written;
/// a failure is a warning: the next build then makes everything again.
pub fn save(file: &Path, dir: &Path, records: &Records) -> Result<(), Diagnostic> {
    let advisories = records
        .made
        .par_iter()
        .filter_map(|(key, paths)| {
            let files = paths
                .iter()
                .map(|p| Some((p.clone(), Stamp::of(&dir.join(p))?)))
                .collect::<Option<Vec<_>>>()?;
            Some(Entry {
                key: digest::hex(key),
                files,
            })
        })
        .collect();
    let stored = Stored {
        format: FORMAT,
        version: env!("CARGO_PKG_VERSION").to_string(),
        output: dir.to_path_buf(),
        advisories,
    };
    let bytes = serde_json::to_vec(&stored).map_err(|e| cannot_save(file, &e.to_string()))?;
    write_atomically(file, &bytes).map_err(|e| cannot_save(file, &e.to_string()))
}

fn write_atomically(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    // Backup and archive tools that know the convention skip the folder.
    let tag = dir.join("CACHEDIR.TAG");
    if !tag.exists() {
        fs::write(
            &tag,
            "Signature: 8a477f597d28d172789f06886806bc55\n\
             # psirt-site's build cache; safe to delete (see docs/performance.md).\n",
        )?;
    }
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        file.file_name()
            .map_or_else(|| "cache".into(), |n| n.to_string_lossy()),
        std::process::id()
    ));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, file).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

fn cannot_save(file: &Path, why: &str) -> Diagnostic {
    Diagnostic::warning(
        Code::Io,
        format!("cannot write the build cache {}: {why}", file.display()),
    )
    .help("the site was built; the next build makes every file again (set --cache-dir to a writable folder)")
}
