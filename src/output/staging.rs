//! The staging folder a build writes into, and the swap that puts it in place of the output.

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::keep::{self, Changes, Old, Tally, families};
use super::lock::OutputLock;
use super::spare;
use super::swap::{Previous, Swapped, swap};
use super::{Found, MARKER, OutputKind, check_replaceable, inspect, io_error, marker_text, remove_ours};
use crate::diag::{Code, Diagnostic};
use crate::emit::{FileId, OutputFile, Sink};

/// A folder's device and inode: a folder removed and made again under the same name is
/// another folder. (Elsewhere than Unix, only the name and marker are checked.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Identity(Option<(u64, u64)>);

/// The identity of the folder at `path` (not following a symbolic link), if it is one.
fn identity_of(path: &Path) -> Option<Identity> {
    let meta = fs::symlink_metadata(path).ok().filter(fs::Metadata::is_dir)?;
    Some(identity_in(&meta))
}

fn identity_in(meta: &fs::Metadata) -> Identity {
    Identity(crate::sys::file_id(meta))
}

/// Opens the staging folder and keeps it open: while it is open, its inode cannot be
/// freed, so a folder made under the same name after it was removed cannot get the same
/// inode number (file systems reuse freed ones at once) and pass for it.
#[cfg(unix)]
fn pin(dir: &Path) -> std::io::Result<(fs::File, Identity)> {
    let file = fs::File::open(dir)?;
    let identity = identity_in(&file.metadata()?);
    Ok((file, identity))
}

/// A fresh temporary folder beside the output that files are written into as the build
/// makes them, and that replaces the output on [`Staging::commit`]. It holds the output's
/// lock from before it is created until its commit is finished or undone. Dropped
/// without a commit (a failed build), it is deleted: the previous output stays as it was.
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
    kind: OutputKind,
    identity: Identity,
    /// The output being replaced, when it is ours and of this kind: files with the same
    /// bytes are linked from it.
    previous: Option<PathBuf>,
    tally: Tally,
    /// Set by [`Staging::take_changes`].
    settled: Option<Settled>,
    /// The staging folder is the previous build's spare (see `spare`), not a new folder.
    recycled: bool,
    /// The spare was left without its output (the output was deleted): none of its files is
    /// an output's, so one with exactly a new file's bytes and no other name stays as it is
    /// ([`spare::holds`]) instead of being unlinked and written again.
    orphaned: bool,
    spare: PathBuf,
    /// The staging folder, held open (see [`pin`]).
    #[cfg(unix)]
    _pinned: fs::File,
    lock: Option<OutputLock>,
    committed: bool,
}

/// What the build made, known once every file is delivered.
#[derive(Default)]
struct Settled {
    /// Paths whose file is the previous output's, with its identity where the cache gave it.
    kept: Vec<(String, Option<FileId>)>,
    /// The build changed nothing.
    unchanged: bool,
}

impl Staging {
    /// Takes the output's lock, removes what killed builds left, and creates the staging
    /// folder with its marker (or takes the spare tree of the last build, see `spare`).
    pub fn create(out: &Path, kind: OutputKind) -> Result<Self, Diagnostic> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(|e| cannot_create_parent(parent, out, &e))?;
        let name = out
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let lock = OutputLock::acquire(parent, &name)?;
        // Holding the lock, no other build is using a staging folder of this output.
        remove_leftovers(parent, &name);
        let pid = std::process::id();
        let tmp = parent.join(format!(".{name}.tmp-{pid}"));
        // Holding the lock, no psirt-site build changes the output until this one is done.
        let previous = (inspect(out) == Found::Ours(kind)).then(|| out.to_path_buf());
        let spare = spare::path(parent, &name);
        let recycled = spare::take(&spare, &tmp, kind);
        let orphaned = recycled && previous.is_none();
        // `create_dir`, not `create_dir_all`: a folder already there is not ours.
        if !recycled {
            fs::create_dir(&tmp).map_err(|e| {
                Diagnostic::error(Code::Output, format!("cannot create {}: {e}", tmp.display()))
                    .help("move the folder of that name away (psirt-site did not write it), then build again")
            })?;
        }
        #[cfg(unix)]
        let (pinned, identity) = pin(&tmp).map_err(|e| io_error(&tmp, &e))?;
        #[cfg(not(unix))]
        let identity = identity_of(&tmp).ok_or_else(|| vanished(&tmp, out))?;
        let staging = Staging {
            out: out.to_path_buf(),
            previous,
            tally: Tally::default(),
            settled: None,
            recycled,
            orphaned,
            spare,
            old: parent.join(format!(".{name}.old-{pid}")),
            tmp,
            kind,
            identity,
            #[cfg(unix)]
            _pinned: pinned,
            lock: Some(lock),
            committed: false,
        };
        // The marker comes first, so a temporary folder left by a killed build is known
        // to be ours and can be cleaned up by the next build. A spare has its marker (which
        // may be the output's own file: never written into).
        if !recycled {
            let marker = staging.tmp.join(MARKER);
            fs::write(&marker, marker_text(kind)).map_err(|e| io_error(&marker, &e))?;
        }
        Ok(staging)
    }

    /// The output this staging folder replaces, when it is ours and of the same kind.
    pub fn previous(&self) -> Option<&Path> {
        self.previous.as_deref()
    }

    /// Puts one file in place (`path` is relative and already checked by the emitter):
    /// kept from the previous output when that has the same bytes there, else written.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let before = match &self.previous {
            Some(previous) => keep::compare(&previous.join(path), bytes),
            None => Old::Absent,
        };
        if before == Old::Same {
            self.tally.kept(path, None);
            return Ok(());
        }
        let dest = self.tmp.join(path);
        if self.orphaned && spare::holds(&dest, bytes) {
            self.tally.written(path, before);
            return Ok(());
        }
        self.write_new(&dest, bytes)?;
        self.tally.written(path, before);
        Ok(())
    }

    /// Keeps the previous output's file at `path` (the build cache knows it unchanged, and
    /// that it is the file `file`).
    pub fn keep(&self, path: &str, file: Option<FileId>) -> Result<(), Diagnostic> {
        if self.previous.is_none() {
            return Err(Diagnostic::error(
                Code::Output,
                format!("internal error: no previous output to keep `{path}` from"),
            ));
        }
        self.tally.kept(path, file);
        Ok(())
    }

    /// Links every kept file from the previous output into the staging folder.
    /// A file the build cache vouched for comes with its identity: the spare's file is
    /// compared with that, without looking up the previous output's file again.
    fn link_kept(&self, paths: &[(String, Option<FileId>)]) -> Result<(), Diagnostic> {
        let Some(previous) = &self.previous else {
            return Ok(());
        };
        let keep_one = |(path, file): &(String, Option<FileId>)| {
            let (old, dest) = (previous.join(path), self.tmp.join(path));
            if self.recycled {
                let linked = match file {
                    Some(file) => spare::is_file(&dest, *file),
                    None => spare::is_same_file(&dest, &old),
                };
                if linked {
                    return Ok(());
                }
                spare::clear(&dest);
            }
            self.link(&old, &dest)
        };
        if self.recycled {
            // The spare has nearly every file already: mostly `stat`s, which run side by
            // side without waiting on each other.
            paths.par_iter().try_for_each(keep_one)?;
        } else {
            // A fresh tree: every file is a link and most folders a `mkdir`, and each locks
            // the folder it adds an entry to. Two threads adding entries to one folder wait
            // on each other (measured at 10k: two threads 0.49 s, one 0.54 s), so each
            // family of folders is filled by one thread, families side by side (one each).
            families(paths)
                .par_iter()
                .with_max_len(1)
                .try_for_each(|family| family.iter().copied().try_for_each(keep_one))?;
        }
        self.keep_marker(previous);
        Ok(())
    }

    /// The previous output's marker, when it says the same, replaces the new one (in one
    /// rename, so the staging folder never lacks its marker): then even the marker keeps
    /// its mtime, and a sync of the output sends nothing for it.
    fn keep_marker(&self, previous: &Path) {
        let (old, new) = (previous.join(MARKER), self.tmp.join(MARKER));
        if spare::is_same_file(&new, &old) {
            return;
        }
        let same = fs::read(&old).is_ok_and(|old| fs::read(&new).is_ok_and(|new| old == new));
        let linked = self.tmp.join(format!("{MARKER}.kept"));
        if same && fs::hard_link(&old, &linked).is_ok() {
            let _ = fs::rename(&linked, &new);
        }
        // Renaming a link over another link of the same file does nothing.
        let _ = fs::remove_file(&linked);
    }

    /// Hard-links `old` to `dest`, or copies it where linking is not possible (another
    /// device, no hard links on this file system).
    fn link(&self, old: &Path, dest: &Path) -> Result<(), Diagnostic> {
        let linked = match fs::hard_link(old, dest) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.create_folders_for(dest)?;
                fs::hard_link(old, dest)
            }
            other => other,
        };
        if linked.is_ok() {
            return Ok(());
        }
        // Gone from the previous output, which the lock keeps other builds from touching:
        // fail rather than publish without it.
        fs::copy(old, dest).map(|_| ()).map_err(|e| io_error(old, &e))
    }

    /// Writes `bytes` into a file that must not exist yet: a file already in the staging
    /// folder may be linked to the previous output, and writing into it would change the
    /// output that a failed build must leave as it was.
    fn write_new(&self, dest: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
        let create = || {
            use std::io::Write as _;
            fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(dest)?
                .write_all(bytes)
        };
        // Most files go into a folder that exists already; make folders only when the
        // write says one is missing (saves a system call or two for each of ~50,000 files).
        let written = match create() {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.create_folders_for(dest)?;
                create()
            }
            // The spare's file (or two outputs want one path: the build fails on that after
            // writing, with a diagnostic naming both): unlink it, never write into it.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                spare::clear(dest);
                create()
            }
            other => other,
        };
        written.map_err(|e| match e.kind() {
            // The folders were just made (or were there): the staging folder went meanwhile.
            std::io::ErrorKind::NotFound => self.vanished(),
            _ => io_error(dest, &e),
        })
    }

    /// What this build changed compared with the output it replaces (call before
    /// [`Staging::commit`]; the removed files are found by walking the previous output).
    pub fn take_changes(&mut self) -> Changes {
        let spare = self.recycled.then_some(self.tmp.as_path());
        let (changes, kept) = std::mem::take(&mut self.tally).into_changes(self.previous.as_deref(), spare);
        let unchanged = self.previous.is_some() && changes.is_empty();
        self.settled = Some(Settled { kept, unchanged });
        changes
    }

    /// Writes every file, in parallel.
    pub fn write_all(&self, files: &[OutputFile]) -> Result<(), Diagnostic> {
        files.par_iter().try_for_each(|f| self.write(&f.path, &f.bytes))
    }

    /// Creates the missing folders between the staging folder and `file`, but never the
    /// staging folder itself: gone, it was deleted under this build, which must fail
    /// rather than publish the files written after.
    fn create_folders_for(&self, file: &Path) -> Result<(), Diagnostic> {
        if identity_of(&self.tmp) != Some(self.identity) {
            return Err(self.vanished());
        }
        let below = file
            .parent()
            .and_then(|dir| dir.strip_prefix(&self.tmp).ok())
            .ok_or_else(|| self.vanished())?;
        let mut dir = self.tmp.clone();
        for component in below.components() {
            dir.push(component);
            match fs::create_dir(&dir) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(self.vanished()),
                // A file of the spare where the new output has a folder.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && !dir.is_dir() => {
                    spare::clear(&dir);
                    fs::create_dir(&dir).map_err(|e| io_error(&dir, &e))?;
                }
                Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(io_error(&dir, &e)),
                _ => {}
            }
        }
        Ok(())
    }

    fn vanished(&self) -> Diagnostic {
        vanished(&self.tmp, &self.out)
    }

    /// Whether the staging folder is still the one this build created, with its marker.
    fn verify(&self) -> Result<(), Diagnostic> {
        let intact = identity_of(&self.tmp) == Some(self.identity)
            && matches!(inspect(&self.tmp), Found::Ours(kind) if kind == self.kind);
        if intact { Ok(()) } else { Err(self.vanished()) }
    }

    /// Puts the written tree in place of the output, after checking that the staging
    /// folder is the one this build wrote and that the output may still be replaced.
    /// The previous output is kept until [`Swapped::finish`], so the swap can be undone.
    /// When the build changed nothing, the output is left as it is (no links, no swap).
    pub fn commit(mut self) -> Result<Swapped, Diagnostic> {
        if self.settled.is_none() {
            self.take_changes();
        }
        let Settled { kept, unchanged } = self.settled.take().unwrap_or_default();
        if unchanged {
            // Dropping `self` removes the staging folder; the lock moves to `Swapped`.
            return Ok(Swapped {
                out: self.out.clone(),
                tmp: self.tmp.clone(),
                previous: Previous::Untouched,
                spare: self.spare.clone(),
                lock: self.lock.take(),
                settled: false,
            });
        }
        self.link_kept(&kept)?;
        self.verify()?;
        check_replaceable(&self.out, self.kind)?;
        let previous = swap(&self.tmp, &self.out, &self.old)?;
        self.committed = true;
        Ok(Swapped {
            out: self.out.clone(),
            tmp: self.tmp.clone(),
            previous,
            spare: self.spare.clone(),
            lock: self.lock.take(),
            settled: false,
        })
    }
}

/// The diagnostic for an output whose parent folder cannot be made; names the file in
/// the way when there is one (`--restricted notes.txt/restricted`).
fn cannot_create_parent(parent: &Path, out: &Path, e: &std::io::Error) -> Diagnostic {
    let in_the_way = parent
        .ancestors()
        .find(|p| fs::symlink_metadata(p).is_ok_and(|m| !m.is_dir()));
    let why = match in_the_way {
        Some(file) => format!("{} is a file, not a folder", file.display()),
        None => e.to_string(),
    };
    Diagnostic::error(
        Code::Output,
        format!(
            "cannot create the folder {} for {}: {why}",
            parent.display(),
            out.display()
        ),
    )
    .help("check that every part of the output path is a folder (not a file) and writable")
}

/// The diagnostic for a staging folder that was removed or replaced during the build.
/// It names no output file, so the many writes that fail with it show as one.
fn vanished(tmp: &Path, out: &Path) -> Diagnostic {
    Diagnostic::error(
        Code::Output,
        format!(
            "the staging folder {} was removed or replaced while the build wrote into it; \
             {} was left as it was",
            tmp.display(),
            out.display()
        ),
    )
    .help(
        "another program (or a build by an older psirt-site without the output lock) removed \
         it: let one build at a time write this output, keep cleanup jobs away from the \
         hidden folders beside it, and build again",
    )
}

impl Sink for Staging {
    fn put(&self, file: OutputFile) -> Result<(), Diagnostic> {
        self.write(&file.path, &file.bytes)
    }

    fn keep(&self, path: &str, file: Option<FileId>) -> Result<(), Diagnostic> {
        Staging::keep(self, path, file)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // Only the folder this build made: one put there by someone else is theirs. A
        // recycled spare goes back (nothing in it is trusted anyway).
        let ours = !self.committed && identity_of(&self.tmp) == Some(self.identity);
        if ours && (!self.recycled || fs::rename(&self.tmp, &self.spare).is_err()) {
            let _ = remove_ours(&self.tmp);
        }
    }
}

/// Removes the temporary folders killed builds left beside the output `name`. Called
/// holding the output's lock, so none is in use. Only folders that are provably ours go:
/// named exactly `.<name>.tmp-<digits>` or `.<name>.old-<digits>`, and holding our marker
/// or empty (a build killed before it wrote its marker). Anything else is the user's.
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    let prefixes = [format!(".{name}.tmp-"), format!(".{name}.old-")];
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let pattern = prefixes
            .iter()
            .filter_map(|p| file_name.strip_prefix(p.as_str()))
            .any(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()));
        if !pattern {
            continue;
        }
        let path = entry.path();
        if matches!(
            inspect(&path),
            Found::Ours(_) | Found::OursUnknown(_) | Found::Empty
        ) {
            let _ = remove_ours(&path);
        }
    }
}
