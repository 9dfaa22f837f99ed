//! The output lock: one build at a time per output folder.
//!
//! A `flock` on `.<name>.lock` beside the output. It belongs to an open file description,
//! not to a process id, so it excludes builds in other PID namespaces too (two containers
//! sharing a volume), and the kernel releases it when the holder exits, however it exits:
//! a killed build never leaves a lock that blocks the next one.

use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic};

/// How often to reopen the lock file when the holder removed it while we opened it.
const ATTEMPTS: usize = 8;

/// Held while a build creates, writes and commits the staging folder of one output.
/// Dropped, it removes the lock file (while still holding the lock, so a build waiting on
/// the removed file notices and retries on a fresh one) and releases the lock.
#[derive(Debug)]
pub struct OutputLock {
    file: File,
    path: PathBuf,
}

impl OutputLock {
    /// The lock file of the output folder `name` in `parent`.
    pub fn path_for(parent: &Path, name: &str) -> PathBuf {
        parent.join(format!(".{name}.lock"))
    }

    /// Takes the lock of the output `name` in `parent`, or fails at once when another
    /// build holds it: waiting could hang a CI job behind a stuck build without a word,
    /// and the waiting build would only replace what the other one just wrote.
    pub fn acquire(parent: &Path, name: &str) -> Result<Self, Diagnostic> {
        let path = Self::path_for(parent, name);
        for _ in 0..ATTEMPTS {
            let file = open(&path)?;
            try_lock(&file, &path)?;
            // The previous holder may have removed the file between our open and our
            // lock; a lock on a removed file excludes nobody, so start over.
            if same_file(&file, &path) {
                let lock = OutputLock { file, path };
                lock.note_holder();
                return Ok(lock);
            }
        }
        Err(Diagnostic::error(
            Code::Output,
            format!("cannot lock {}: it keeps being replaced", path.display()),
        )
        .help("another program is removing the lock file; stop it and build again"))
    }

    /// Writes who holds the lock, for the message of a build that finds it taken.
    fn note_holder(&self) {
        let mut file = &self.file;
        let _ = file.set_len(0);
        let _ = writeln!(file, "psirt-site build, process id {}", std::process::id());
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        if same_file(&self.file, &self.path) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

fn open(path: &Path) -> Result<File, Diagnostic> {
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // A symbolic link planted under the lock's name must not make us create or
        // truncate a file elsewhere.
        options.custom_flags(libc::O_NOFOLLOW).mode(0o644);
    }
    options.open(path).map_err(|e| {
        Diagnostic::error(
            Code::Output,
            format!("cannot create the lock file {}: {e}", path.display()),
        )
        .help("check that the output folder's parent exists, is a folder and is writable")
    })
}

#[cfg(unix)]
fn try_lock(file: &File, path: &Path) -> Result<(), Diagnostic> {
    use std::os::fd::AsRawFd as _;
    // SAFETY: flock on a file descriptor owned by `file`, which outlives the call.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(());
    }
    let e = std::io::Error::last_os_error();
    if e.kind() == std::io::ErrorKind::WouldBlock {
        return Err(busy(path));
    }
    Err(
        Diagnostic::error(Code::Output, format!("cannot lock {}: {e}", path.display()))
            .help("put the output on a file system that supports file locks (flock), such as a local disk"),
    )
}

/// Without `flock` there is nothing to take; builds are not excluded from each other.
#[cfg(not(unix))]
fn try_lock(_file: &File, _path: &Path) -> Result<(), Diagnostic> {
    Ok(())
}

fn busy(path: &Path) -> Diagnostic {
    let holder = fs::read_to_string(path).unwrap_or_default();
    // The file is anyone's to write: show a short, printable line only.
    let holder: String = holder
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(100)
        .collect();
    let holder = if holder.is_empty() {
        String::new()
    } else {
        format!(" ({holder}; the process id is that build's own, maybe in another container)")
    };
    Diagnostic::error(
        Code::Output,
        format!(
            "another build is writing this output: it holds the lock {}{holder}",
            path.display()
        ),
    )
    .help(
        "wait for the other build to finish and build again; the lock is released when it \
         exits, even if it is killed",
    )
}

/// Whether `path` still names the open `file` (same device and inode).
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (file.metadata(), fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.is_file()
}
