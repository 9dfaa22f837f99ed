//! Write: every file goes into a temporary folder beside the output as soon as it is made,
//! and the folder is swapped into place at the end, so a failed or killed build never leaves
//! a half site.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic};
use crate::emit::{OutputFile, Sink};

/// Marks a folder as written by psirt-site, so a rebuild may replace it. A folder without
/// it is never deleted: the user may have pointed `--output` at something precious.
pub const MARKER: &str = ".psirt-site-output";

/// Refuses output folders that would overwrite or delete the site's own files.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let root = absolute(root);
    let out = absolute(out);
    let content = root.join(crate::source::CONTENT_DIR);
    let bad = out == root || root.starts_with(&out) || out.starts_with(&content) || out.parent().is_none();
    if bad {
        return Err(Diagnostic::error(
            Code::Output,
            format!(
                "refusing to write into {}: it is or contains the site's sources",
                out.display()
            ),
        )
        .help("choose an output folder such as `public/` inside the site root"));
    }
    if out.exists() && !out.join(MARKER).exists() && !is_empty_dir(&out) {
        return Err(Diagnostic::error(
            Code::Output,
            format!(
                "{} exists and was not written by psirt-site; it will not be replaced",
                out.display()
            ),
        )
        .help("remove it yourself or choose another --output folder"));
    }
    Ok(())
}

/// Non-public output (a preview with drafts, restricted TLP documents) must never land in
/// or around the public output folder.
pub fn check_separate(public: &Path, other: &Path, what: &str) -> Result<(), Diagnostic> {
    let (public, other) = (absolute(public), absolute(other));
    if public == other || other.starts_with(&public) || public.starts_with(&other) {
        return Err(Diagnostic::error(
            Code::Output,
            format!("refusing to write {what} into or around {}", public.display()),
        )
        .help("pass a separate folder, outside the public output folder"));
    }
    Ok(())
}

fn is_empty_dir(p: &Path) -> bool {
    fs::read_dir(p).map(|mut d| d.next().is_none()).unwrap_or(false)
}

/// Lexically absolute path (the output folder may not exist yet, so no canonicalize).
fn absolute(p: &Path) -> PathBuf {
    let p = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Resolve symlinks of the existing part, so `out -> ../site` is caught too.
    out.canonicalize().unwrap_or(out)
}

fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::Output, format!("cannot write {}: {e}", path.display()))
        .help("check free disk space and permissions of the output folder")
}

/// Writes `files` into a fresh temporary folder beside `out`, then swaps it into place.
pub fn write_atomically(out: &Path, files: &[OutputFile]) -> Result<(), Diagnostic> {
    let staging = Staging::create(out)?;
    files
        .par_iter()
        .try_for_each(|f| staging.write(&f.path, &f.bytes))?;
    staging.commit()
}

/// A fresh temporary folder beside the output that files are written into as the build
/// makes them, and that replaces the output on [`Staging::commit`]. Dropped without a
/// commit (a failed build), it is deleted: the previous output stays as it was.
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
    committed: bool,
}

impl Staging {
    pub fn create(out: &Path) -> Result<Self, Diagnostic> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
        let name = out
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let pid = std::process::id();
        remove_leftovers(parent, &name);
        let staging = Staging {
            out: out.to_path_buf(),
            tmp: parent.join(format!(".{name}.tmp-{pid}")),
            old: parent.join(format!(".{name}.old-{pid}")),
            committed: false,
        };
        fs::create_dir_all(&staging.tmp).map_err(|e| io_error(&staging.tmp, &e))?;
        // The marker comes first, so a temporary folder left by a killed build is known
        // to be ours and can be cleaned up by the next build.
        let marker = staging.tmp.join(MARKER);
        let mut m = fs::File::create(&marker).map_err(|e| io_error(&marker, &e))?;
        m.write_all(b"Written by psirt-site. This folder is replaced on every build.\n")
            .map_err(|e| io_error(&marker, &e))?;
        Ok(staging)
    }

    /// Writes one file (`path` is relative and already checked by the emitter).
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let path = self.tmp.join(path);
        // Most files go into a folder that exists already; make folders only when the
        // write says one is missing (saves a system call or two for each of ~50,000 files).
        match fs::write(&path, bytes) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent() {
                    fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
                }
                fs::write(&path, bytes)
            }
            other => other,
        }
        .map_err(|e| io_error(&path, &e))
    }

    /// Puts the written tree in place of the output.
    pub fn commit(mut self) -> Result<(), Diagnostic> {
        swap(&self.tmp, &self.out, &self.old)?;
        self.committed = true;
        Ok(())
    }
}

impl Sink for Staging {
    fn put(&self, file: OutputFile) -> Result<(), Diagnostic> {
        self.write(&file.path, &file.bytes)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// Puts the new tree in place. On Linux the two folders are exchanged in one atomic
/// `renameat2(RENAME_EXCHANGE)`; elsewhere old output → `old`, new tree → `out`, so the
/// output is briefly absent, never half-written. The old tree is deleted afterwards.
fn swap(tmp: &Path, out: &Path, old: &Path) -> Result<(), Diagnostic> {
    let had_old = out.exists();
    #[cfg(target_os = "linux")]
    if had_old && exchange(tmp, out).is_ok() {
        let _ = fs::remove_dir_all(tmp);
        return Ok(());
    }
    if had_old {
        fs::rename(out, old).map_err(|e| io_error(out, &e))?;
    }
    if let Err(e) = fs::rename(tmp, out) {
        if had_old {
            let _ = fs::rename(old, out);
        }
        return Err(io_error(out, &e));
    }
    if had_old {
        let _ = fs::remove_dir_all(old);
    }
    Ok(())
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes())?;
    let b = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both pointers are valid NUL-terminated strings for the duration of the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Removes temporary folders left by builds that were killed (only our own names).
fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    let tmp_prefix = format!(".{name}.tmp-");
    let old_prefix = format!(".{name}.old-");
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        let ours = n.starts_with(&tmp_prefix) || n.starts_with(&old_prefix);
        let pid_alive = n
            .rsplit('-')
            .next()
            .and_then(|p| p.parse::<u32>().ok())
            .is_some_and(|p| Path::new(&format!("/proc/{p}")).exists());
        // A killed build may die before writing its marker; the exact name pattern with a
        // dead process id is ours all the same.
        if ours && !pid_alive {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}
