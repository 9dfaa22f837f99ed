//! Write: every file goes into a temporary folder beside the output as soon as it is made,
//! and the folder is swapped into place at the end, so a failed or killed build never leaves
//! a half site.
//!
//! One build at a time writes an output (`lock`); outputs never go where the build reads
//! or over a folder of another kind (`paths`); a build's outputs are committed together or
//! not at all, and a staging folder that is removed or replaced under the build fails it
//! (`staging`).

mod keep;
mod lock;
mod paths;
mod spare;
mod staging;
mod swap;

use std::fs;
use std::io::Read as _;
use std::path::Path;

pub use keep::Changes;
pub use lock::OutputLock;
pub use paths::{InputPaths, Targets, Wanted, check_separate, real_path, side_file_refusal, targets};
pub use staging::Staging;
pub use swap::{Swapped, commit_all};

use crate::diag::{Code, Diagnostic};

/// `name` inside the output-relative folder `prefix` (`""` for the top), with `/`.
fn relative_child(prefix: &str, name: String) -> String {
    if prefix.is_empty() {
        name
    } else {
        format!("{prefix}/{name}")
    }
}

/// Marks a folder as written by psirt-site, so a rebuild may replace it, and records its
/// kind. A folder without it is never deleted: the user may have pointed `--output` at
/// something precious.
pub const MARKER: &str = ".psirt-site-output";

/// What an output folder holds. A build replaces only a folder of its own kind, so a
/// preview (drafts, embargoed advisories) never replaces a public site or the reverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    Public,
    Preview,
    Restricted,
}

impl OutputKind {
    /// The name in the marker.
    pub fn name(self) -> &'static str {
        match self {
            OutputKind::Public => "public",
            OutputKind::Preview => "preview",
            OutputKind::Restricted => "restricted",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        [OutputKind::Public, OutputKind::Preview, OutputKind::Restricted]
            .into_iter()
            .find(|k| k.name() == name)
    }

    fn describe(self) -> &'static str {
        match self {
            OutputKind::Public => "a public site",
            OutputKind::Preview => "a preview (with drafts and embargoed advisories)",
            OutputKind::Restricted => "restricted TLP documents",
        }
    }
}

/// The marker's text: valid TOML, read by [`marker_kind`].
fn marker_text(kind: OutputKind) -> String {
    format!(
        "# Written by psirt-site. This folder is replaced on every build.\nkind = \"{}\"\n",
        kind.name()
    )
}

/// The kind a marker names. Markers of earlier versions name none: they were public.
/// `Err` holds a kind this version does not know.
fn marker_kind(text: &str) -> Result<OutputKind, String> {
    let named = text.lines().find_map(|line| {
        let value = line.trim().strip_prefix("kind")?.trim_start().strip_prefix('=')?;
        Some(value.trim().trim_matches('"').to_string())
    });
    match named {
        None => Ok(OutputKind::Public),
        Some(name) => OutputKind::from_name(&name).ok_or(name),
    }
}

/// What is at a path where an output is to go.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Found {
    Absent,
    /// A file, a symbolic link or something else that is not a folder.
    NotAFolder,
    Empty,
    /// A folder with psirt-site's marker of this kind.
    Ours(OutputKind),
    /// A folder with psirt-site's marker naming a kind this version does not know.
    OursUnknown(String),
    /// A folder psirt-site did not write.
    Foreign,
}

/// Looks at `dir` without following a symbolic link at its place or at its marker.
fn inspect(dir: &Path) -> Found {
    match fs::symlink_metadata(dir) {
        Err(_) => return Found::Absent,
        Ok(m) if !m.is_dir() => return Found::NotAFolder,
        Ok(_) => {}
    }
    let marker = dir.join(MARKER);
    let is_marker = fs::symlink_metadata(&marker).is_ok_and(|m| m.is_file());
    if !is_marker {
        let empty = fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none());
        return if empty { Found::Empty } else { Found::Foreign };
    }
    // A marker is a few lines; more is not ours to read.
    let mut text = String::new();
    let read = fs::File::open(&marker).and_then(|f| f.take(4096).read_to_string(&mut text));
    match read.map(|_| marker_kind(&text)) {
        Ok(Ok(kind)) => Found::Ours(kind),
        Ok(Err(name)) => Found::OursUnknown(name),
        Err(_) => Found::Foreign,
    }
}

/// Refuses to replace `out` (a real path) with output of `kind` unless nothing is there,
/// an empty folder, or a folder psirt-site wrote with output of the same kind.
/// Whether `dir` is an output psirt-site wrote, of this kind.
pub fn is_ours(dir: &Path, kind: OutputKind) -> bool {
    inspect(dir) == Found::Ours(kind)
}

pub(crate) fn check_replaceable(out: &Path, kind: OutputKind) -> Result<(), Diagnostic> {
    let refuse = |why: String, help: &str| {
        Err(Diagnostic::error(Code::Output, format!("{}: {why}", out.display())).help(help))
    };
    match inspect(out) {
        Found::Absent | Found::Empty => Ok(()),
        Found::Ours(found) if found == kind => Ok(()),
        Found::NotAFolder => refuse(
            "exists and is not a folder; it will not be replaced".into(),
            "remove it yourself or choose another output folder",
        ),
        Found::Foreign => refuse(
            "exists and was not written by psirt-site; it will not be replaced".into(),
            "remove it yourself or choose another --output folder",
        ),
        Found::Ours(found) => refuse(
            format!(
                "holds {}, and this build writes {}; it will not be replaced",
                found.describe(),
                kind.describe()
            ),
            "keep public, preview and restricted output in separate folders: choose another \
             folder, or remove this one yourself if it is no longer needed",
        ),
        Found::OursUnknown(name) => refuse(
            format!("holds output of kind `{name}`, written by a newer psirt-site; it will not be replaced"),
            "build it with that newer version, or remove the folder yourself",
        ),
    }
}

/// Removes a folder psirt-site wrote, its marker last. `remove_dir_all` goes in directory
/// order, which on some file systems lists the marker first: a build killed while removing
/// a staging folder or a replaced output would then leave a folder without a marker, which
/// no later build may remove. With the marker last, what a kill leaves is still known to
/// be ours (or empty), and the next build removes it.
fn remove_ours(dir: &Path) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name() == MARKER {
            continue;
        }
        if entry.file_type()?.is_dir() {
            fs::remove_dir_all(entry.path())?;
        } else {
            fs::remove_file(entry.path())?;
        }
    }
    fs::remove_dir_all(dir)
}

fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::Output, format!("cannot write {}: {e}", path.display()))
        .help("check free disk space and permissions of the output folder")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp() -> tempfile::TempDir {
        tempfile::tempdir().expect("temp dir")
    }

    /// The staging folder a build of `<dir>/public` made.
    fn staging_folder(dir: &Path) -> std::path::PathBuf {
        fs::read_dir(dir)
            .expect("list")
            .flatten()
            .find(|e| e.file_name().to_string_lossy().starts_with(".public.tmp-"))
            .expect("staging folder")
            .path()
    }

    #[test]
    fn a_marker_without_a_kind_is_public() {
        let old = "Written by psirt-site. This folder is replaced on every build.\n";
        assert_eq!(marker_kind(old), Ok(OutputKind::Public));
        for kind in [OutputKind::Public, OutputKind::Preview, OutputKind::Restricted] {
            assert_eq!(marker_kind(&marker_text(kind)), Ok(kind));
        }
        assert_eq!(marker_kind("kind = \"draft\"\n"), Err("draft".to_string()));
    }

    #[cfg(unix)]
    #[test]
    fn real_path_follows_links_in_the_existing_part() {
        let t = temp();
        let root = real_path(t.path());
        fs::create_dir_all(root.join("content/a")).expect("mkdir");
        std::os::unix::fs::symlink(root.join("content"), root.join("lnk")).expect("link");
        std::os::unix::fs::symlink("content/a", root.join("rel")).expect("link");
        std::os::unix::fs::symlink("content/missing", root.join("dangling")).expect("link");
        std::os::unix::fs::symlink("loop", root.join("loop")).expect("link");
        assert_eq!(real_path(&root.join("lnk/new/x")), root.join("content/new/x"));
        assert_eq!(real_path(&root.join("rel/../b")), root.join("content/b"));
        assert_eq!(real_path(&root.join("dangling")), root.join("content/missing"));
        assert_eq!(real_path(&root.join("./lnk/./a")), root.join("content/a"));
        // A loop ends after the link budget instead of recursing for ever.
        assert!(real_path(&root.join("loop/x")).starts_with(&root));
    }

    #[test]
    fn a_folder_is_replaced_only_by_output_of_its_kind() {
        let t = temp();
        let dir = t.path().join("out");
        assert!(check_replaceable(&dir, OutputKind::Preview).is_ok(), "absent");
        fs::create_dir(&dir).expect("mkdir");
        assert!(check_replaceable(&dir, OutputKind::Preview).is_ok(), "empty");
        fs::write(dir.join(MARKER), marker_text(OutputKind::Preview)).expect("marker");
        assert!(check_replaceable(&dir, OutputKind::Preview).is_ok());
        for other in [OutputKind::Public, OutputKind::Restricted] {
            let d = check_replaceable(&dir, other).expect_err("another kind");
            assert_eq!(d.code, Code::Output);
            assert!(d.help.is_some());
        }
        fs::write(dir.join(MARKER), "kind = \"future\"\n").expect("marker");
        assert!(check_replaceable(&dir, OutputKind::Preview).is_err());
        fs::remove_file(dir.join(MARKER)).expect("rm");
        fs::write(dir.join("notes.txt"), "mine").expect("write");
        assert!(check_replaceable(&dir, OutputKind::Preview).is_err(), "foreign");
        assert!(check_replaceable(&dir.join("notes.txt"), OutputKind::Public).is_err());
    }

    #[test]
    fn the_keys_folders_inside_the_root_are_inputs() {
        let t = temp();
        let base = real_path(t.path());
        let root = base.join("site");
        let outside = base.join("elsewhere/secret.asc");
        let inputs = InputPaths::new(
            &root,
            &[Path::new("keys/sign.asc"), Path::new("pub.asc"), &outside],
        );
        for bad in [
            "site/keys",
            "site/keys/out",
            "site/pub.asc",
            "site/site.toml",
            "elsewhere",
            "site/static/x",
        ] {
            assert!(inputs.check(&base.join(bad)).is_err(), "{bad}");
        }
        for bad in ["site/themes", "site/content", "site/templates/x", "site", ""] {
            assert!(inputs.check(&base.join(bad)).is_err(), "{bad}");
        }
        // A key's folder outside the site is not read whole: only the key file counts.
        for good in [
            "site/public",
            "site/preview",
            "site/keys2",
            "elsewhere/out",
            "public",
        ] {
            assert!(inputs.check(&base.join(good)).is_ok(), "{good}");
        }
    }

    #[test]
    fn a_second_lock_on_one_output_fails_at_once_and_a_released_one_is_free() {
        let t = temp();
        let held = OutputLock::acquire(t.path(), "public").expect("first");
        let d = OutputLock::acquire(t.path(), "public").expect_err("held");
        assert_eq!(d.code, Code::Output);
        assert!(d.message.contains(".public.lock"), "{}", d.message);
        assert!(OutputLock::acquire(t.path(), "preview").is_ok(), "another output");
        drop(held);
        assert!(!t.path().join(".public.lock").exists());
        assert!(OutputLock::acquire(t.path(), "public").is_ok());
    }

    #[test]
    fn remove_ours_removes_the_whole_folder() {
        let t = temp();
        let dir = t.path().join(".public.tmp-1");
        fs::create_dir_all(dir.join("a/b")).expect("mkdir");
        fs::write(dir.join(MARKER), marker_text(OutputKind::Public)).expect("marker");
        fs::write(dir.join("a/b/c.html"), "x").expect("write");
        fs::write(dir.join("index.html"), "x").expect("write");
        remove_ours(&dir).expect("remove");
        assert!(!dir.exists());
    }

    #[test]
    fn a_staging_folder_that_vanished_is_not_made_again() {
        let t = temp();
        let out = t.path().join("public");
        let staging = Staging::create(&out, OutputKind::Public).expect("staging");
        staging.write("a/b.txt", b"x").expect("write");
        let tmp = staging_folder(t.path());
        fs::remove_dir_all(&tmp).expect("remove");
        assert!(staging.write("c/d.txt", b"x").is_err());
        assert!(staging.write("e.txt", b"x").is_err());
        assert!(!tmp.exists(), "staging folder made again");
        assert!(staging.commit().is_err());
        assert!(!out.exists());
    }

    /// File systems hand a freed inode number out again at once (ext4 does): a folder
    /// made under the staging folder's name right after it was removed must still be
    /// told apart from it.
    #[test]
    fn a_staging_folder_made_again_under_its_name_is_not_swapped_in() {
        let t = temp();
        let out = t.path().join("public");
        let staging = Staging::create(&out, OutputKind::Public).expect("staging");
        staging.write("index.html", b"complete").expect("write");
        let tmp = staging_folder(t.path());
        fs::remove_dir_all(&tmp).expect("remove");
        fs::create_dir(&tmp).expect("mkdir");
        fs::write(tmp.join(MARKER), marker_text(OutputKind::Public)).expect("marker");
        fs::write(tmp.join("index.html"), "half").expect("write");
        assert!(commit_all(vec![staging]).is_err());
        assert!(!out.exists());
        assert!(
            tmp.join("index.html").is_file(),
            "someone else's folder was removed"
        );
    }

    #[test]
    fn a_failed_commit_puts_the_earlier_outputs_back() {
        let t = temp();
        let (a, b) = (t.path().join("a"), t.path().join("b"));
        let first = |dir: &Path, text: &[u8]| {
            let s = Staging::create(dir, OutputKind::Public).expect("staging");
            s.write("index.html", text).expect("write");
            s
        };
        commit_all(vec![first(&a, b"old")]).expect("first build");
        let (sa, sb) = (first(&a, b"new"), first(&b, b"new"));
        // Someone else's folder appears where `b` is to go.
        fs::create_dir(&b).expect("mkdir");
        fs::write(b.join("notes.txt"), "mine").expect("write");
        assert!(commit_all(vec![sa, sb]).is_err());
        assert_eq!(fs::read(a.join("index.html")).expect("a"), b"old");
        assert_eq!(fs::read(b.join("notes.txt")).expect("b"), b"mine");
        let names: Vec<_> = fs::read_dir(t.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().all(|n| !n.starts_with('.')),
            "left behind: {names:?}"
        );
    }
}
