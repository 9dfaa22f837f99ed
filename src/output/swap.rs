//! The swap that puts a staging folder in place of the output, and undoing it: every output
//! of one build is committed, or none.

use std::fs;
use std::path::{Path, PathBuf};

use super::lock::OutputLock;
use super::spare;
use super::staging::Staging;
use super::{io_error, remove_ours};
use crate::diag::{Code, Diagnostic};

/// Commits every staging folder of one build, or none: when a later commit fails, the
/// outputs already swapped get their previous contents back before the error is returned.
pub fn commit_all(stagings: Vec<Staging>) -> Result<(), Vec<Diagnostic>> {
    let mut swapped: Vec<Swapped> = Vec::with_capacity(stagings.len());
    for staging in stagings {
        match staging.commit() {
            Ok(s) => swapped.push(s),
            Err(d) => {
                let mut diags = vec![d];
                diags.extend(swapped.into_iter().rev().filter_map(|s| s.undo().err()));
                return Err(diags);
            }
        }
    }
    swapped.into_iter().for_each(Swapped::finish);
    Ok(())
}

/// Where the output that was replaced is now.
#[derive(Debug)]
pub(super) enum Previous {
    /// The build changed nothing: the output was left as it was.
    Untouched,
    /// There was none.
    Nothing,
    /// Exchanged with the staging folder: it is at the staging folder's name.
    Exchanged(PathBuf),
    /// Renamed aside (no atomic exchange on this system or file system).
    RenamedTo(PathBuf),
}

/// An output swapped in, its previous contents kept until [`Swapped::finish`]. Dropped
/// unsettled, the swap is undone.
pub struct Swapped {
    pub(super) out: PathBuf,
    pub(super) tmp: PathBuf,
    pub(super) previous: Previous,
    /// Where the replaced output is kept for the next build (see `spare`).
    pub(super) spare: PathBuf,
    pub(super) lock: Option<OutputLock>,
    pub(super) settled: bool,
}

impl Swapped {
    /// Keeps the previous output as the spare for the next build, and releases the lock.
    pub fn finish(mut self) {
        self.settled = true;
        if let Previous::Exchanged(dir) | Previous::RenamedTo(dir) = &self.previous {
            spare::put_aside(dir, &self.spare);
        }
        drop(self.lock.take());
    }

    /// Puts the previous output back (or removes the new one if there was none).
    pub fn undo(mut self) -> Result<(), Diagnostic> {
        self.settled = true;
        self.put_back()
    }

    fn put_back(&self) -> Result<(), Diagnostic> {
        if matches!(self.previous, Previous::Untouched) {
            return Ok(());
        }
        let failed = |e: &std::io::Error, kept: &Path| {
            Diagnostic::error(
                Code::Output,
                format!(
                    "the build failed after {} was replaced, and its previous contents could not \
                     be put back: {e}",
                    self.out.display()
                ),
            )
            .help(format!(
                "the previous output is in {}: move it back in place of the output by hand",
                kept.display()
            ))
        };
        match &self.previous {
            #[cfg(target_os = "linux")]
            Previous::Exchanged(dir) => exchange(dir, &self.out).map_err(|e| failed(&e, dir))?,
            #[cfg(not(target_os = "linux"))]
            Previous::Exchanged(dir) => {
                return Err(failed(
                    &std::io::Error::from(std::io::ErrorKind::Unsupported),
                    dir,
                ));
            }
            Previous::RenamedTo(old) => {
                fs::rename(&self.out, &self.tmp).map_err(|e| failed(&e, old))?;
                fs::rename(old, &self.out).map_err(|e| failed(&e, old))?;
            }
            Previous::Nothing => fs::rename(&self.out, &self.tmp).map_err(|e| failed(&e, &self.tmp))?,
            Previous::Untouched => {}
        }
        // The staging folder's name now holds the new output that failed to commit.
        let _ = remove_ours(&self.tmp);
        Ok(())
    }
}

impl Drop for Swapped {
    fn drop(&mut self) {
        if !self.settled {
            let _ = self.put_back();
        }
    }
}

/// Puts the new tree in place. On Linux the two folders are exchanged in one atomic
/// `renameat2(RENAME_EXCHANGE)`; elsewhere old output → `old`, new tree → `out`, so the
/// output is briefly absent, never half-written. The old tree stays where it went.
pub(super) fn swap(tmp: &Path, out: &Path, old: &Path) -> Result<Previous, Diagnostic> {
    let had_old = fs::symlink_metadata(out).is_ok();
    #[cfg(target_os = "linux")]
    if had_old && exchange(tmp, out).is_ok() {
        return Ok(Previous::Exchanged(tmp.to_path_buf()));
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
    Ok(if had_old {
        Previous::RenamedTo(old.to_path_buf())
    } else {
        Previous::Nothing
    })
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
