//! Discover: finds the content files of a site and reads them as UTF-8 text.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::diag::{Code, Diagnostic};

mod misplaced;

pub const CONTENT_DIR: &str = "content";
pub const ADVISORIES_DIR: &str = "advisories";
pub const PRODUCTS_FILE: &str = "products.toml";
pub const ACKNOWLEDGMENTS_FILE: &str = "acknowledgments.toml";

/// Input files larger than this (content, site.toml, templates, static files) are rejected
/// instead of read (no advisory is this long; a file this large is a mistake or an attack
/// on the build machine).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Why [`read_limited`] did not return a file's bytes.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    /// A device, FIFO, socket or folder: reading /dev/zero never ends, and a FIFO without
    /// a writer blocks the build forever.
    NotAFile,
    TooLarge {
        len: u64,
        limit: u64,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::NotAFile => {
                f.write_str("it is not a regular file (a device, FIFO or folder), so it is not read")
            }
            ReadError::TooLarge { len, limit } => {
                write!(f, "file is {len} bytes, more than the limit of {limit}")
            }
        }
    }
}

/// Replaces the file at `path` in one step: `write` fills a hidden temporary file beside it
/// (its folder made if missing), which is then renamed over `path`; on any failure the
/// temporary file is removed and `path` is as it was.
pub fn write_replacing(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write as _;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let written = std::fs::File::create(&tmp).and_then(|f| {
        let mut out = std::io::BufWriter::new(f);
        write(&mut out)?;
        out.flush()
    });
    written
        .and_then(|()| std::fs::rename(&tmp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
}

/// Reads a regular file of at most `limit` bytes, following symbolic links. The type and
/// size are checked before the file is opened (opening some devices has effects), then
/// again on the open handle in case the path was swapped meanwhile; the open does not
/// block on a FIFO, and no more than `limit` bytes are read even if the file grows.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read as _;
    let check = |meta: std::fs::Metadata| {
        if !meta.is_file() {
            return Err(ReadError::NotAFile);
        }
        if meta.len() > limit {
            return Err(ReadError::TooLarge {
                len: meta.len(),
                limit,
            });
        }
        Ok(meta.len())
    };
    check(std::fs::metadata(path).map_err(ReadError::Io)?)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    let file = options.open(path).map_err(ReadError::Io)?;
    let len = check(file.metadata().map_err(ReadError::Io)?)?;
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > limit {
        return Err(ReadError::TooLarge { len: read, limit });
    }
    Ok(bytes)
}

/// What a content file is, decided by where it lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SourceKind {
    Advisory,
    Page,
    Products,
    Acknowledgments,
}

impl SourceKind {
    /// What a file of this kind is, for a diagnostic.
    fn noun(self) -> &'static str {
        match self {
            SourceKind::Advisory => "advisory",
            SourceKind::Page => "page",
            SourceKind::Products => "product catalog",
            SourceKind::Acknowledgments => "acknowledgments file",
        }
    }
}

/// One content file, read (see [`FileData`]). Cloning shares it: `serve` hands the last
/// rebuild's files to the next, 10,000 clones at 10k, each one reference count in one
/// small allocation (not two, spread over the 80 MB of text).
#[derive(Debug, Clone)]
pub struct SourceFile(Arc<FileData>);

/// What a [`SourceFile`] holds. `rel_path` is relative to the site root and is what
/// diagnostics show.
#[derive(Debug, Clone)]
pub struct FileData {
    pub kind: SourceKind,
    pub rel_path: Arc<Path>,
    pub text: Arc<str>,
    /// The digest of `rel_path` and `text`, made once as the file is read: what the build
    /// cache knows the file by (`pipeline::cache`).
    pub digest: crate::digest::Key,
    /// The file's identity just before it was read (discovery only): `serve` takes the
    /// file from its last rebuild, unread, while the file still has it.
    pub stamp: Option<FileStamp>,
    /// Whether the text holds `publication::MARKER`, once looked for: `serve` keeps the
    /// answer with the file for its next rebuilds.
    marked: std::sync::OnceLock<bool>,
}

impl std::ops::Deref for SourceFile {
    type Target = FileData;

    fn deref(&self) -> &FileData {
        &self.0
    }
}

impl SourceFile {
    pub fn new(kind: SourceKind, rel_path: PathBuf, text: Arc<str>) -> Self {
        let digest = crate::digest::key(&[rel_path.to_string_lossy().as_bytes(), text.as_bytes()]);
        SourceFile(Arc::new(FileData {
            kind,
            rel_path: Arc::from(rel_path),
            text,
            digest,
            stamp: None,
            marked: std::sync::OnceLock::new(),
        }))
    }

    /// The same file, stamped with its identity from just before it was read.
    fn stamped(mut self, stamp: Option<FileStamp>) -> Self {
        // Just read, so not shared yet: set in place, no second allocation.
        Arc::make_mut(&mut self.0).stamp = stamp;
        self
    }

    /// Whether the text holds `publication::MARKER` (looked for once).
    pub(crate) fn holds_marker(&self) -> bool {
        *self.marked.get_or_init(|| {
            memchr::memmem::find(self.text.as_bytes(), crate::publication::MARKER.as_bytes()).is_some()
        })
    }
}

/// What tells a file written again from the same file: its size, modification time and
/// inode (an editor that saves by renaming gives a new inode; one that writes in place, a
/// new modification time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    inode: u64,
}

impl FileStamp {
    pub fn of(meta: &fs::Metadata) -> Self {
        #[cfg(unix)]
        let inode = {
            use std::os::unix::fs::MetadataExt as _;
            meta.ino()
        };
        #[cfg(not(unix))]
        let inode = 0;
        FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            inode,
        }
    }
}

/// What a previous discovery found, that the next may take instead of reading again
/// (`serve`).
#[derive(Debug, Clone, Copy)]
pub struct Previous<'a> {
    /// Every file it found, sorted by path, each stamped when it was read. The discovery
    /// found nothing wrong (a build whose discovery did is never kept).
    pub files: &'a [SourceFile],
    /// Every path (relative to the site root) that the file watcher reported changed
    /// since; `None` when anything may have changed (no watcher, or it lost events).
    pub changed: Option<&'a std::collections::BTreeSet<PathBuf>>,
}

impl Previous<'_> {
    /// The file at `rel` as the previous discovery read it.
    fn file(&self, rel: &Path) -> Option<&SourceFile> {
        self.files.get(position(self.files, rel).ok()?)
    }
}

/// Where the file at `rel` is in `files` (sorted by path, as discovery lists them), or
/// where it would go.
pub(crate) fn position(files: &[SourceFile], rel: &Path) -> Result<usize, usize> {
    files.binary_search_by(|f| f.rel_path.as_ref().cmp(rel))
}

/// The outcome of discovery: the readable files, a diagnostic per unreadable one, and a
/// lossy copy of each file that was not UTF-8 (so its diagnostic can show line:col).
#[derive(Debug, Default)]
pub struct Discovered {
    pub files: Vec<SourceFile>,
    pub diags: Vec<Diagnostic>,
    pub lossy: Vec<SourceFile>,
    /// Advisories outside `content/advisories/` (each has a diagnostic in `diags`), kept
    /// so that the diagnostic can show line:col.
    pub misplaced: Vec<SourceFile>,
}

/// Lists and reads every content file, sorted by path.
pub fn discover(root: &Path) -> Discovered {
    discover_with(root, None)
}

/// As [`discover`], given what a previous discovery found (`serve`):
/// - when the watcher names every path changed since, and each is a content file that
///   was and still is a regular file (not a page, which could be a misplaced advisory), or
///   a path that neither is nor was content (but not site.toml), only the changed files are
///   read: the others are taken as they were, without a look at the disk (`rediscover`);
/// - otherwise every file is listed and stamped, and a file whose stamp is unchanged is
///   taken from `previous` unread (the text then is the same, unless a write kept the
///   size, modification time and inode, which the next save corrects).
pub fn discover_with(root: &Path, previous: Option<Previous<'_>>) -> Discovered {
    if let Some(found) = previous.and_then(|p| rediscover(root, p)) {
        return found;
    }
    let mut out = Discovered::default();
    let diags = &mut out.diags;
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        diags.push(
            Diagnostic::error(Code::Io, "the site has no content/ folder")
                .help("create content/advisories/ and content/products.toml, or run `psirt-site init`"),
        );
        return out;
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut found = Vec::new();
    for entry in WalkDir::new(&content).sort_by_file_name().follow_links(false) {
        match entry {
            Ok(e) => match classify(root, &canonical_root, &e) {
                Ok(Some(item)) => found.push(item),
                Ok(None) => {}
                Err(d) => diags.push(d),
            },
            Err(e) => diags.push(walk_error(root, &e)),
        }
    }
    let results: Vec<_> = found
        .par_iter()
        .map(|(kind, rel)| match previous {
            Some(previous) => read_stamped(root, rel, *kind, &previous),
            None => read_text(root, rel, *kind),
        })
        .collect();
    for r in results {
        match r {
            Ok(f) => out.files.push(f),
            Err((d, lossy)) => {
                out.diags.push(d);
                out.lossy.extend(lossy.map(|f| *f));
            }
        }
    }
    take_misplaced(root, &mut out);
    out
}

/// Moves the pages that are advisories out of `files`, and adds the advisories found in
/// other folders, each with its diagnostic.
fn take_misplaced(root: &Path, out: &mut Discovered) {
    let mut found = misplaced::find(root);
    let (pages, rest): (Vec<SourceFile>, Vec<SourceFile>) = std::mem::take(&mut out.files)
        .into_iter()
        .partition(|f| f.kind == SourceKind::Page);
    out.files = rest;
    for page in pages {
        match misplaced::check(&page) {
            Some(d) => found.push((page, d)),
            None => out.files.push(page),
        }
    }
    out.files.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    found.sort_by(|a, b| a.0.rel_path.cmp(&b.0.rel_path));
    for (file, d) in found {
        out.diags.push(d);
        out.misplaced.push(file);
    }
}

fn walk_error(root: &Path, e: &walkdir::Error) -> Diagnostic {
    let path = e.path().map(|p| relative(root, p)).unwrap_or_default();
    Diagnostic::error(Code::Io, format!("cannot read content folder: {e}")).in_file(path)
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Decides whether a walked path is content, and of what kind. Hidden files and unknown
/// extensions are skipped; symlinks pointing outside the site root are rejected.
fn classify(
    root: &Path,
    canonical_root: &Path,
    entry: &walkdir::DirEntry,
) -> Result<Option<(SourceKind, PathBuf)>, Diagnostic> {
    let (path, is_symlink) = (entry.path(), entry.path_is_symlink());
    let rel = relative(root, path);
    let hidden = rel
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    if hidden {
        return Ok(None);
    }
    // The walk's own file type saves a `stat` per file; a link's target needs one.
    let file_type = if is_symlink {
        followed_link(canonical_root, path, &rel, "content/")?
    } else {
        entry.file_type()
    };
    if file_type.is_dir() {
        if is_symlink && rel.starts_with(Path::new(CONTENT_DIR).join(ADVISORIES_DIR)) {
            // The walk does not follow it: every advisory behind it would be left out.
            return Err(linked_folder(&rel));
        }
        return Ok(None);
    }
    let Some(kind) = kind_by_name(&rel) else {
        return Ok(None);
    };
    if !file_type.is_file() {
        // A named pipe, socket or device under a content file's name would otherwise be
        // left out without a word: an advisory the PSIRT meant to publish, or the catalog.
        return Err(not_a_regular_file(&rel, kind.noun()));
    }
    Ok(Some((kind, rel)))
}

/// The file type of what a symbolic link met in a walk of the site leads to; an error when
/// it leads outside the site root (never followed: a link could publish any file the build
/// can read) or nowhere. `home` names the folder to copy the file into instead.
pub fn followed_link(
    canonical_root: &Path,
    path: &Path,
    rel: &Path,
    home: &str,
) -> Result<fs::FileType, Diagnostic> {
    let target = path
        .canonicalize()
        .map_err(|e| Diagnostic::error(Code::Io, format!("broken symbolic link: {e}")).in_file(rel))?;
    if !target.starts_with(canonical_root) {
        return Err(Diagnostic::error(
            Code::UnsafePath,
            "symbolic link points outside the site root; it is not followed",
        )
        .in_file(rel)
        .help(format!("copy the file into {home} instead of linking to it")));
    }
    fs::metadata(&target)
        .map(|m| m.file_type())
        .map_err(|e| Diagnostic::error(Code::Io, format!("cannot read the link's target: {e}")).in_file(rel))
}

/// A file that is read as `what` is a named pipe, socket or device (or a link to one).
pub fn not_a_regular_file(rel: &Path, what: &str) -> Diagnostic {
    Diagnostic::error(
        Code::Io,
        format!("this {what} is not a regular file, so it cannot be read"),
    )
    .in_file(rel)
    .help("replace it with a regular file (a named pipe, socket or device is never read), or remove it")
}

/// A symbolic link to a folder where the files it holds would be read: walks do not follow
/// such links (they could loop), so the files would be left out without a word.
pub fn linked_folder(rel: &Path) -> Diagnostic {
    Diagnostic::error(
        Code::Io,
        "this symbolic link leads to a folder, and links to folders are not followed",
    )
    .in_file(rel)
    .help("move the folder here instead of linking to it, or link each file on its own")
}

/// What a file under `content/` is by its path, or `None` when it is not content.
fn kind_by_name(rel: &Path) -> Option<SourceKind> {
    let under_content = rel.strip_prefix(CONTENT_DIR).unwrap_or(rel);
    let name = under_content.to_string_lossy();
    let ext = rel.extension().and_then(|e| e.to_str()).unwrap_or("");
    let in_advisories = under_content.starts_with(ADVISORIES_DIR);
    match (in_advisories, ext, name.as_ref()) {
        (true, "md", _) => Some(SourceKind::Advisory),
        (false, _, PRODUCTS_FILE) => Some(SourceKind::Products),
        (false, _, ACKNOWLEDGMENTS_FILE) => Some(SourceKind::Acknowledgments),
        (false, "md", _) if under_content.components().count() == 1 => Some(SourceKind::Page),
        _ => None,
    }
}

/// A file's diagnostic, and its lossy copy when it is not UTF-8 (boxed: the error stays small).
type Unreadable = (Diagnostic, Option<Box<SourceFile>>);

/// The previous discovery's files with only the changed ones read again, when the
/// watcher's report allows it (see [`discover_with`]); `None` when a full walk must decide.
fn rediscover(root: &Path, previous: Previous<'_>) -> Option<Discovered> {
    let changed = previous.changed?;
    let mut files = previous.files.to_vec();
    for rel in changed {
        if rel == Path::new(crate::config::CONFIG_FILE) {
            // Saving site.toml is the way to have every file looked at where a file system
            // reports no changes (some network mounts and container volumes).
            return None;
        }
        if !rel.starts_with(CONTENT_DIR) {
            // The theme and static files are read by every build anyway.
            continue;
        }
        let now = fs::symlink_metadata(root.join(rel)).ok();
        match position(&files, rel) {
            Ok(i) => {
                let was = &files[i];
                if was.kind == SourceKind::Page || !now.is_some_and(|m| m.file_type().is_file()) {
                    return None;
                }
                files[i] = read_stamped_anew(root, rel, was.kind).ok()?;
            }
            // A path that was not content: fine while it still is not (an editor's
            // temporary file, gone again) and held no content (not a folder moved away).
            Err(_) => {
                if now.is_some() || files.iter().any(|f| f.rel_path.starts_with(rel)) {
                    return None;
                }
            }
        }
    }
    Some(Discovered {
        files,
        ..Discovered::default()
    })
}

/// Reads a file, stamped with its identity from just before the read.
fn read_stamped_anew(root: &Path, rel: &Path, kind: SourceKind) -> Result<SourceFile, Unreadable> {
    read_with_stamp(root, rel, kind, stamp_of(root, rel))
}

fn stamp_of(root: &Path, rel: &Path) -> Option<FileStamp> {
    fs::metadata(root.join(rel)).ok().map(|meta| FileStamp::of(&meta))
}

fn read_with_stamp(
    root: &Path,
    rel: &Path,
    kind: SourceKind,
    stamp: Option<FileStamp>,
) -> Result<SourceFile, Unreadable> {
    Ok(read_text(root, rel, kind)?.stamped(stamp))
}

/// Reads a file, stamped with its identity from just before the read; or takes it from
/// `previous` when that has it with the same stamp.
fn read_stamped(
    root: &Path,
    rel: &Path,
    kind: SourceKind,
    previous: &Previous<'_>,
) -> Result<SourceFile, Unreadable> {
    let stamp = stamp_of(root, rel);
    match previous
        .file(rel)
        .filter(|f| f.kind == kind && stamp.is_some() && f.stamp == stamp)
    {
        Some(file) => Ok(file.clone()),
        None => read_with_stamp(root, rel, kind, stamp),
    }
}

fn read_text(root: &Path, rel: &Path, kind: SourceKind) -> Result<SourceFile, Unreadable> {
    let bytes = read_limited(&root.join(rel), MAX_FILE_BYTES).map_err(|e| {
        let d = match e {
            ReadError::TooLarge { .. } => Diagnostic::error(Code::Io, e.to_string())
                .help("split the advisory or move attachments to static/"),
            _ => Diagnostic::error(Code::Io, format!("cannot read file: {e}"))
                .help("make it a readable regular file, or move it out of content/"),
        };
        (d.in_file(rel), None)
    })?;
    let file = |text: String| SourceFile::new(kind, rel.to_path_buf(), Arc::from(text));
    match String::from_utf8(bytes) {
        Ok(text) => Ok(file(text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            // The lossy copy keeps the valid prefix byte for byte, so `at` maps to the
            // right line and column.
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let d = Diagnostic::error(Code::InvalidUtf8, "file is not valid UTF-8")
                .at(rel, at..at + 1)
                .help("save the file as UTF-8");
            Err((d, Some(Box::new(file(lossy)))))
        }
    }
}

/// Resolves `path` against the site root unless it is absolute.
pub fn site_path(root: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    }
}
