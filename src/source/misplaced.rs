//! Advisories in the wrong place. Only Markdown below `content/advisories/` is an
//! advisory; a file with advisory front matter anywhere else (directly in `content/`, in
//! `content/advisory/`, in `./advisories/` beside `content/`) would otherwise be skipped
//! without a word, or read as a page and refused for keys a page does not have. Each gets
//! one diagnostic naming where to move it. Pages (front matter of `title` and
//! `description` only) and Markdown without front matter (a README) are left alone.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::{ADVISORIES_DIR, CONTENT_DIR, MAX_FILE_BYTES, SourceFile, SourceKind, read_limited};
use crate::diag::{Code, Diagnostic};

/// Folders beside `content/` where advisories are put by mistake.
const ROOT_FOLDERS: &[&str] = &["advisories", "advisory"];

/// Keys only an advisory has; a page has `title` and `description`.
const ADVISORY_KEYS: &[&str] = &[
    "id",
    "published",
    "status",
    "tlp",
    "affected",
    "vulnerabilities",
    "revisions",
];

/// The front matter's table, when `text` starts with a `+++` block that parses and has
/// an advisory's keys.
fn advisory_front_matter(text: &str) -> Option<toml::Table> {
    let split = crate::frontmatter::split(text).ok()?;
    let table: toml::Table = text[split.front_matter].parse().ok()?;
    ADVISORY_KEYS
        .iter()
        .any(|k| table.contains_key(*k))
        .then_some(table)
}

/// Where the file belongs: `content/advisories/<year>/<file name>`, the year from
/// `published` (else none).
fn destination(rel: &Path, table: &toml::Table) -> PathBuf {
    let mut to = Path::new(CONTENT_DIR).join(ADVISORIES_DIR);
    let year = table
        .get("published")
        .and_then(|p| p.as_datetime())
        .and_then(|d| d.date)
        .map(|d| d.year);
    if let Some(year) = year {
        to.push(year.to_string());
    }
    to.push(rel.file_name().unwrap_or(rel.as_os_str()));
    to
}

/// The diagnostic for `file` when it holds an advisory, pointing at its `+++` line.
pub(super) fn check(file: &SourceFile) -> Option<Diagnostic> {
    let table = advisory_front_matter(&file.text)?;
    let to = destination(&file.rel_path, &table);
    let to = to.to_string_lossy().replace('\\', "/");
    Some(
        Diagnostic::error(
            Code::MisplacedAdvisory,
            "this file has advisory front matter, but only files below content/advisories/ are \
             advisories: it is not published",
        )
        .at(&*file.rel_path, 0..3)
        .help(format!(
            "move it to {to} (any folder below content/advisories/ will do); a page in \
             content/ has only `title` and `description`"
        )),
    )
}

/// Markdown files that are neither advisories nor pages: in folders of `content/` other
/// than `advisories/`, and in `advisories/` or `advisory/` beside `content/`. Sorted.
pub(super) fn candidates(root: &Path) -> Vec<PathBuf> {
    let content = root.join(CONTENT_DIR);
    // Files directly in content/ are pages, checked as they are read (`min_depth` would
    // keep the filter from seeing content/advisories/, so depth is filtered here).
    let in_content = WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !hidden(e) && !is_advisories_folder(e))
        .filter(|e| e.as_ref().map_or(true, |e| e.depth() >= 2));
    let beside = ROOT_FOLDERS.iter().flat_map(|dir| {
        WalkDir::new(root.join(dir))
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| !hidden(e))
    });
    in_content
        .chain(beside)
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.path().strip_prefix(root).unwrap_or(e.path()).to_path_buf())
        .collect()
}

/// `content/advisories/` itself, where advisories belong.
fn is_advisories_folder(e: &walkdir::DirEntry) -> bool {
    e.depth() == 1 && e.file_name() == ADVISORIES_DIR
}

fn hidden(e: &walkdir::DirEntry) -> bool {
    e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.')
}

/// Reads each candidate (unreadable or non-UTF-8 ones are skipped: they are not content
/// psirt-site reads) and returns the advisories among them with their diagnostics.
pub(super) fn find(root: &Path) -> Vec<(SourceFile, Diagnostic)> {
    candidates(root)
        .into_iter()
        .filter_map(|rel| {
            let bytes = read_limited(&root.join(&rel), MAX_FILE_BYTES).ok()?;
            let text = String::from_utf8(bytes).ok()?;
            let file = SourceFile::new(SourceKind::Page, rel, text.into());
            check(&file).map(|d| (file, d))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rel: &str, text: &str) -> SourceFile {
        SourceFile::new(SourceKind::Page, rel.into(), text.into())
    }

    #[test]
    fn advisories_are_told_apart_from_pages() {
        let advisory = "+++\nid = \"A-2026-0001\"\npublished = 2026-03-10T09:00:00Z\n+++\nBody\n";
        let d = check(&file("content/advisory/A-2026-0001.md", advisory)).expect("misplaced");
        assert_eq!(d.code, Code::MisplacedAdvisory);
        assert!(
            d.help
                .as_deref()
                .is_some_and(|h| h.contains("content/advisories/2026/A-2026-0001.md")),
            "{d:?}"
        );
        assert!(check(&file("content/policy.md", "+++\ntitle = \"Policy\"\n+++\nText\n")).is_none());
        assert!(check(&file("advisories/README.md", "# Advisories\n")).is_none());
    }
}
