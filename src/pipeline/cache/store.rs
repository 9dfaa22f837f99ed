//! The cache file `build` keeps outside the output: for each advisory key, the files made
//! under it and each file's identity in the output (size, modification time, inode), so the
//! next build keeps them without reading them. Deleting the folder is always safe: the next
//! build makes everything and compares bytes instead.

use crate::hash::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Cache, Previous, Records};
use crate::diag::{Code, Diagnostic};
use crate::digest;

/// Changed whenever the file's meaning changes; a file of another format is ignored.
const FORMAT: u32 = 2;

/// A cache file larger than this is not ours (10k advisories take ~6 MB).
const MAX_BYTES: u64 = 128 * 1024 * 1024;

/// What identifies one output file as the one a build made: a file written again gets
/// another inode or modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    len: u64,
    secs: i64,
    nanos: u32,
    inode: u64,
    device: u64,
}

impl Stamp {
    /// The stamp of the regular file at `path` (a link or folder has none).
    pub(super) fn of(path: &Path) -> Option<Stamp> {
        let meta = fs::symlink_metadata(path).ok().filter(fs::Metadata::is_file)?;
        let modified = meta.modified().ok()?;
        // Elsewhere than Unix no stamp names a file by its inode: (0, 0).
        let (device, inode) = crate::sys::file_id(&meta).unwrap_or_default();
        let since = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(Stamp {
            len: meta.len(),
            secs: i64::try_from(since.as_secs()).ok()?,
            nanos: since.subsec_nanos(),
            inode,
            device,
        })
    }

    /// The device and inode of the file.
    pub(super) fn file_id(&self) -> crate::emit::FileId {
        (self.device, self.inode)
    }
}

#[derive(Serialize, Deserialize)]
struct Stored {
    format: u32,
    /// The program that wrote it ([`program`]): another psirt-site may make other files
    /// from the same inputs.
    program: String,
    /// The output folder the files are in.
    output: PathBuf,
    /// The digest of everything the build read (`pipeline::unchanged`); none when the build
    /// printed warnings, which a build that does nothing could not print again.
    inputs: Option<String>,
    summary: Summary,
    /// Every file of the output, as the build left it.
    files: Vec<(String, Stamp)>,
    /// Each advisory's key and its files (indexes into `files`).
    advisories: Vec<(String, Vec<u32>)>,
}

/// What a build's report said, for a build that finds nothing to do.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Summary {
    pub published: usize,
    pub held_back: Vec<Held>,
}

impl Summary {
    /// What `report` says of the advisories, as a build that finds nothing to do repeats it.
    pub fn of(report: &crate::Report) -> Self {
        Summary {
            published: report.published,
            held_back: report.held_back.iter().map(Held::of).collect(),
        }
    }
}

/// A held-back advisory, as the report lists it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Held {
    id: String,
    source: PathBuf,
    draft: bool,
    embargoed_until: Option<jiff::Timestamp>,
    tlp: Option<String>,
}

impl Held {
    pub fn of(h: &crate::site::HeldBack) -> Held {
        use crate::site::HoldReason;
        let (draft, embargoed_until, tlp) = match &h.reason {
            HoldReason::Draft => (true, None, None),
            HoldReason::Embargoed { until } => (false, Some(*until), None),
            HoldReason::Restricted { tlp } => (false, None, Some(tlp.to_string())),
        };
        Held {
            id: h.id.to_string(),
            source: h.source.clone(),
            draft,
            embargoed_until,
            tlp,
        }
    }

    /// The report's entry; `None` if the stored one is not a valid one.
    pub fn to_held_back(&self) -> Option<crate::site::HeldBack> {
        use crate::site::HoldReason;
        let reason = match (self.draft, self.embargoed_until, &self.tlp) {
            (true, None, None) => HoldReason::Draft,
            (false, Some(until), None) => HoldReason::Embargoed { until },
            (false, None, Some(tlp)) => {
                let tlp: crate::model::enums::Tlp =
                    serde_json::from_value(serde_json::Value::String(tlp.clone())).ok()?;
                HoldReason::Restricted { tlp: tlp.as_str() }
            }
            _ => return None,
        };
        Some(crate::site::HeldBack {
            id: crate::model::ids::AdvisoryId::parse(&self.id).ok()?,
            source: self.source.clone(),
            reason,
        })
    }
}

/// What the last build of an output left: the cache of its advisories' files, and what a
/// build that finds nothing changed needs.
#[derive(Debug, Default)]
pub struct Last {
    pub cache: Cache,
    pub inputs: Option<digest::Key>,
    pub summary: Summary,
}

impl Last {
    /// Whether the output folder holds exactly the files the last build left there, each
    /// still the same file (no file added, removed, replaced or written to).
    pub fn output_intact(&self) -> bool {
        let Previous::Disk { dir, files, .. } = &self.cache.previous else {
            return false;
        };
        let same = files
            .par_iter()
            .all(|(path, stamp)| Stamp::of(&dir.join(path)) == Some(*stamp));
        !files.is_empty() && same && count_files(dir) == files.len()
    }

    /// For each of `paths` (the new output's, sorted), the stamp this cache recorded for
    /// it if the build kept the file (did not write it, see `changes`), so that
    /// [`save`] need not ask the file system. One pass over sorted lists: the cache's files
    /// are in path order too, as [`save`] wrote them.
    pub fn kept_stamps(&self, paths: &[String], changes: &crate::output::Changes) -> Vec<Option<Stamp>> {
        let Previous::Disk { files, .. } = &self.cache.previous else {
            return Vec::new();
        };
        let mut recorded = files.iter().peekable();
        let (mut changed, mut added) = (changes.changed.iter().peekable(), changes.added.iter().peekable());
        paths
            .iter()
            .map(|path| {
                let written = next_is(&mut changed, path) | next_is(&mut added, path);
                while recorded.next_if(|(p, _)| p < path).is_some() {}
                let stamp = recorded.next_if(|(p, _)| p == path).map(|(_, stamp)| *stamp);
                stamp.filter(|_| !written)
            })
            .collect()
    }

    /// How many files the output holds.
    pub fn files(&self) -> usize {
        match &self.cache.previous {
            Previous::Disk { files, .. } => files.len(),
            _ => 0,
        }
    }
}

/// Whether the sorted list `list` has `path`, skipping what comes before it (`path`s are
/// asked for in order).
fn next_is<'a>(list: &mut std::iter::Peekable<impl Iterator<Item = &'a String>>, path: &str) -> bool {
    while list.next_if(|p| p.as_str() < path).is_some() {}
    list.next_if(|p| p.as_str() == path).is_some()
}

/// The files below `dir` (not the marker, which is not a published file).
fn count_files(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter(|e| match e {
            Ok(e) => {
                !e.file_type().is_dir()
                    && e.depth() > 0
                    && !(e.depth() == 1 && e.file_name() == crate::output::MARKER)
            }
            Err(_) => true,
        })
        .count()
}

/// The program's identity: its version and a hash of the sources it was built from (see
/// `build.rs`): another psirt-site may make other files from the same inputs.
fn program() -> String {
    format!("{} {}", env!("CARGO_PKG_VERSION"), env!("PSIRT_SITE_SOURCE_ID"))
}

/// The cache file for the output `out` in `cache_dir`: one per output folder, so a
/// preview and the public site built by turns each keep theirs.
pub fn cache_file(cache_dir: &Path, out: &Path) -> PathBuf {
    let id = digest::hex(&digest::key(&[out.as_os_str().as_encoded_bytes()]));
    cache_dir.join(format!("build-{}.json", &id[..16]))
}

/// What the cache `file` says of the previous output `dir`; empty when there is none, it
/// is unreadable, of another format or program, or about another folder.
pub fn load(file: &Path, dir: &Path) -> Last {
    let stored = read(file).filter(|s| s.format == FORMAT && s.output == dir && s.program == program());
    // Every path must be one an output may have (no `..`, nothing absolute) and named once
    // (the output is intact only if each of its files is stamped), or none is used.
    let stored = stored.filter(|s| {
        let mut seen = std::collections::HashSet::with_capacity(s.files.len());
        s.files
            .iter()
            .all(|(p, _)| crate::emit::is_safe_relative(p) && seen.insert(p.as_str()))
    });
    let Some(stored) = stored else {
        return Last::default();
    };
    let mut made = HashMap::with_capacity_and_hasher(stored.advisories.len(), Default::default());
    for (key, indexes) in stored.advisories {
        let in_range = indexes.iter().all(|&i| (i as usize) < stored.files.len());
        let (Some(key), true) = (digest::from_hex(&key), in_range) else {
            return Last::default();
        };
        made.insert(key, indexes);
    }
    Last {
        cache: Cache {
            made: HashMap::default(),
            parsed: HashMap::default(),
            fragments: HashMap::default(),
            derived: None,
            sources: Vec::new(),
            changed: None,
            previous: Previous::Disk {
                dir: dir.to_path_buf(),
                files: stored.files,
                made,
            },
        },
        inputs: stored.inputs.as_deref().and_then(digest::from_hex),
        summary: stored.summary,
    }
}

fn read(file: &Path) -> Option<Stored> {
    let bytes = crate::source::read_limited(file, MAX_BYTES).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// What a successful build leaves for the next one.
pub struct Made<'a> {
    pub records: &'a Records,
    /// Every file of the output.
    pub paths: &'a [String],
    /// For each of `paths`, the stamp of the previous output's file where the build kept
    /// it ([`Last::kept_stamps`]; may be empty).
    pub kept: Vec<Option<Stamp>>,
    pub inputs: Option<digest::Key>,
    pub summary: Summary,
}

/// Records what the build that just wrote `dir` made, for the next build. The file is
/// replaced in one step (written beside it, then renamed), so it is never half written;
/// a failure is a warning: the next build then makes everything again.
///
/// A file the build kept is the previous output's file, linked (same inode, size and
/// modification time), so the stamp the previous cache has for it is taken instead of
/// asking the file system again (~45,000 system calls at 10k). Where that stamp was not the
/// file's any more, it still is not: the next build makes that file again.
pub fn save(file: &Path, dir: &Path, made: Made<'_>) -> Result<(), Diagnostic> {
    // One stamp per path, in place (no second list of the paths).
    let mut stamps = made.kept;
    stamps.resize(made.paths.len(), None);
    stamps
        .par_iter_mut()
        .zip(made.paths.par_iter())
        .filter(|(stamp, _)| stamp.is_none())
        .for_each(|(stamp, path)| *stamp = Stamp::of(&dir.join(path)));
    // Where each path is among the files written (a file that could not be stamped is left out).
    let mut stamped = 0u32;
    let position: Vec<Option<u32>> = stamps
        .iter()
        .map(|stamp| {
            stamp.map(|_| {
                stamped += 1;
                stamped - 1
            })
        })
        .collect();
    let advisories = made
        .records
        .made
        .par_iter()
        .filter_map(|(key, paths)| {
            let indexes = paths
                .iter()
                .map(|p| position[made.paths.binary_search(p).ok()?])
                .collect::<Option<Vec<_>>>()?;
            Some((digest::hex(key), indexes))
        })
        .collect();
    drop(position);
    // Every file must be stamped, or a later build could not tell the output intact.
    let inputs = made.inputs.filter(|_| stamped as usize == made.paths.len());
    // Written as it is serialized: no copy of the paths, no buffer of the whole file.
    let stored = StoredOut {
        format: FORMAT,
        program: program(),
        output: dir,
        inputs: inputs.as_ref().map(digest::hex),
        summary: &made.summary,
        files: FilesOut {
            paths: made.paths,
            stamps: &stamps,
        },
        advisories,
    };
    write_atomically(file, &stored).map_err(|e| cannot_save(file, &e.to_string()))
}

/// [`Stored`] as it is written, borrowing the paths.
#[derive(Serialize)]
struct StoredOut<'a> {
    format: u32,
    program: String,
    output: &'a Path,
    inputs: Option<String>,
    summary: &'a Summary,
    files: FilesOut<'a>,
    advisories: Vec<(String, Vec<u32>)>,
}

/// The stamped files, as `[path, stamp]` pairs.
struct FilesOut<'a> {
    paths: &'a [String],
    stamps: &'a [Option<Stamp>],
}

impl Serialize for FilesOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let pairs = self.paths.iter().zip(self.stamps);
        serializer.collect_seq(pairs.filter_map(|(path, stamp)| Some((path, (*stamp)?))))
    }
}

fn write_atomically(file: &Path, stored: &StoredOut<'_>) -> std::io::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    // Backup and archive tools that know the convention skip the folder.
    let tag = dir.join("CACHEDIR.TAG");
    if !tag.exists() {
        fs::write(
            &tag,
            "Signature: 8a477f597d28d172789f06886806bc55\n\
             # psirt-site's build cache; safe to delete (see docs/deployment.md).\n",
        )?;
    }
    crate::source::write_replacing(file, |out| {
        serde_json::to_writer(out, stored).map_err(std::io::Error::other)
    })
}

fn cannot_save(file: &Path, why: &str) -> Diagnostic {
    Diagnostic::warning(
        Code::Io,
        format!("cannot write the build cache {}: {why}", file.display()),
    )
    .help("the site was built; the next build makes every file again (set --cache-dir to a writable folder)")
}
