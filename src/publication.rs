//! The checks that guard publication itself rather than the content's form: nothing a
//! template or `new advisory` wrote as a stand-in may reach the public site. A `[TODO …]`
//! placeholder left in a file that would be published, and a site.toml on example domains
//! (see [`crate::config::is_example_host`]), are errors of a publishing build and `check`;
//! `build --preview` and `serve` show them as warnings, since they publish nothing.

use std::ops::Range;
use std::path::Path;

use crate::config::SiteConfig;
use crate::diag::{Code, Diagnostic, Level};
use crate::hash::HashSet;
use crate::model::{Advisory, Status};
use crate::source::{SourceFile, SourceKind};

/// What starts a placeholder: `[TODO]`, `[TODO: the CVE id]`. Bracketed and upper case,
/// so that it never matches the word "todo" in an advisory's prose.
pub const MARKER: &str = "[TODO";

/// The byte ranges of the placeholders in `text`: from the marker to its closing `]` on
/// the same line (or the line's end, when it is never closed).
pub fn placeholders(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find(MARKER).map(|i| from + i) {
        let after = &text[at + MARKER.len()..];
        // `[TODOS]` or `[TODO-list]` is not the marker: a letter, digit or `-` goes on.
        let word_goes_on = after
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
        let line_end = after.find('\n').unwrap_or(after.len());
        let end = after[..line_end].find(']').map_or(line_end, |i| i + 1);
        if !word_goes_on {
            out.push(at..at + MARKER.len() + end);
        }
        from = at + MARKER.len();
    }
    out
}

/// How a placeholder in a file of this kind is fixed.
fn fix_hint(kind: Option<SourceKind>) -> &'static str {
    match kind {
        Some(SourceKind::Advisory) => {
            "write the real text in its place (or delete the line) and remove the marker; an \
             advisory with `status = \"draft\"` may keep placeholders, and `build --preview DIR` \
             and `serve` show it"
        }
        _ => {
            "write the real text in its place (or delete the line) and remove the marker; \
             `build --preview DIR` and `serve` show the site meanwhile"
        }
    }
}

/// One diagnostic per placeholder of `text`.
pub fn placeholder_diagnostics(
    file: &Path,
    text: &str,
    kind: Option<SourceKind>,
    level: Level,
) -> Vec<Diagnostic> {
    placeholders(text)
        .into_iter()
        .map(|span| {
            let placeholder = &text[span.clone()];
            let mut shown: String = placeholder.chars().take(80).collect();
            if shown.len() < placeholder.len() {
                shown.push('…');
            }
            let message = format!("placeholder left in: `{shown}`");
            let d = match level {
                Level::Error => Diagnostic::error(Code::Placeholder, message),
                Level::Warning => Diagnostic::warning(Code::Placeholder, message),
            };
            d.at(file, span).help(fix_hint(kind))
        })
        .collect()
}

/// What the publication checks look at.
pub(crate) struct Inputs<'a> {
    /// Whether this run publishes (`build` and `check`), or only previews.
    pub publishes: bool,
    pub config: &'a SiteConfig,
    pub config_path: &'a Path,
    pub config_text: &'a str,
    /// `--base-url`, which replaces site.toml's `base_url`.
    pub base_url_option: Option<&'a str>,
    pub files: &'a [SourceFile],
    pub advisories: &'a [std::sync::Arc<Advisory>],
}

/// Placeholders in every file that would be published, and example domains.
pub(crate) fn check(inputs: &Inputs<'_>) -> Vec<Diagnostic> {
    let level = if inputs.publishes {
        Level::Error
    } else {
        Level::Warning
    };
    let mut out = placeholder_diagnostics(inputs.config_path, inputs.config_text, None, level);
    // Nearly every file has no marker: look for one before anything else (every source
    // file's text, ~80 MB at 10,000 advisories: side by side, with a vectorised search;
    // `serve` keeps the answer with each unchanged file).
    let marked: Vec<&SourceFile> = {
        use rayon::prelude::*;
        inputs.files.par_iter().filter(|f| f.holds_marker()).collect()
    };
    let drafts = drafts(inputs.advisories);
    for f in marked {
        if f.kind == SourceKind::Advisory && !published_someday(&drafts, inputs.advisories, &f.rel_path) {
            continue;
        }
        out.extend(placeholder_diagnostics(&f.rel_path, &f.text, Some(f.kind), level));
    }
    if inputs.publishes && !inputs.config.allow_example_domains {
        let overridden = inputs.base_url_option.is_some();
        out.extend(crate::config::example_domains_in(
            inputs.config,
            inputs.config_path,
            overridden,
        ));
        out.extend(
            inputs
                .base_url_option
                .and_then(crate::config::example_base_url_option),
        );
    }
    out
}

/// The files of the draft advisories.
fn drafts(advisories: &[std::sync::Arc<Advisory>]) -> HashSet<&Path> {
    advisories
        .iter()
        .filter(|a| a.status == Status::Draft)
        .map(|a| a.source.as_path())
        .collect()
}

/// Whether the advisory parsed from `path` is meant for publication: not a draft (an
/// embargoed one is published by the first build after its date, with no one looking).
/// An advisory that did not parse has its errors already. Called only for files with a
/// placeholder, so the search of all advisories is rare.
fn published_someday(drafts: &HashSet<&Path>, advisories: &[std::sync::Arc<Advisory>], path: &Path) -> bool {
    !drafts.contains(path) && advisories.iter().any(|a| a.source == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_markers_and_their_extent() {
        let text = "a = \"[TODO: the title]\"\n# [TODO pick one\n[TODOS] [TODO]";
        let found: Vec<&str> = placeholders(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(found, ["[TODO: the title]", "[TODO pick one", "[TODO]"]);
        assert!(placeholders("todo: TODO later, [todo]").is_empty());
    }
}
