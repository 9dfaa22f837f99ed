//! Split and parse: turns each content file into an advisory or a page, collecting every
//! problem in every file.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diag::{Code, Diagnostic};
use crate::frontmatter::{self, SplitError};
use crate::markdown;
use crate::model::advisory::{Body, Builder, Section};
use crate::model::notes::NoteCategory;
use crate::model::raw::RawAdvisory;
use crate::model::{Advisory, Catalog};
use crate::source::{SourceFile, SourceKind};
use crate::toml_input;

/// A non-advisory page such as the disclosure policy.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// URL segment: the file name without `.md` (`policy`).
    pub slug: String,
    pub title: String,
    pub description: Option<String>,
    pub body_html: String,
    /// `##` headings, for the policy completeness check.
    pub headings: Vec<String>,
    /// Links to the site itself, checked once the output is known.
    #[serde(skip)]
    pub links: Vec<crate::model::advisory::BodyLink>,
    pub source: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPage {
    title: String,
    #[serde(default)]
    description: Option<String>,
}

/// Parses every advisory in parallel. Returns the good ones and all diagnostics.
pub fn parse_advisories(
    files: &[SourceFile],
    catalog: &Catalog,
    raw_html: bool,
) -> (Vec<Advisory>, Vec<Diagnostic>) {
    let results: Vec<_> = files
        .par_iter()
        .filter(|f| f.kind == SourceKind::Advisory)
        .map(|f| parse_advisory(f, catalog, raw_html))
        .collect();
    let mut advisories = Vec::with_capacity(results.len());
    let mut diags = Vec::new();
    for (a, d) in results {
        advisories.extend(a);
        diags.extend(d);
    }
    (advisories, diags)
}

fn split_error(file: &Path, err: SplitError) -> Diagnostic {
    match err {
        SplitError::Missing { at } => Diagnostic::error(
            Code::NoFrontMatter,
            "expected `+++` front matter at the start of the file",
        )
        .at(file, at..at + 1)
        .help("start the file with a line `+++`, the TOML keys, and another `+++` line"),
        SplitError::Unclosed { opening } => {
            Diagnostic::error(Code::UnclosedFrontMatter, "front matter is never closed")
                .at(file, opening)
                .help("add a line containing only `+++` after the last TOML key")
        }
    }
}

/// Parses one advisory file.
pub fn parse_advisory(
    file: &SourceFile,
    catalog: &Catalog,
    raw_html: bool,
) -> (Option<Advisory>, Vec<Diagnostic>) {
    let path: &Path = &file.rel_path;
    let text = &*file.text;
    let split = match frontmatter::split(text) {
        Ok(s) => s,
        Err(e) => return (None, vec![split_error(path, e)]),
    };
    let fm = &text[split.front_matter.clone()];
    let raw: RawAdvisory = match toml_input::parse(fm, split.front_matter.start, path) {
        Ok(r) => r,
        Err(d) => return (None, d),
    };
    let body = &text[split.body.clone()];
    let mut builder = Builder {
        file: path,
        offset: split.front_matter.start,
        catalog,
        diags: Vec::new(),
        stated: Default::default(),
    };
    builder.diags.extend(body_text(path, body, split.body.start));
    // Only to report a `#` heading or a heading id the theme has; the page renders the
    // body when it is made (see `model::advisory::Body`). Most bodies have neither.
    let outline = (markdown::may_have_h1(body)
        || markdown::may_have_heading_id(body)
        || markdown::may_have_note_attribute(body))
    .then(|| markdown::outline(body, raw_html));
    let h1 = outline.as_ref().and_then(|o| o.h1.clone());
    if let Some(o) = &outline {
        builder
            .diags
            .extend(renamed_ids(path, &o.renamed, split.body.start));
        builder
            .diags
            .extend(note_attributes(path, &o.sections, split.body.start));
    }
    if let Some(h1) = &h1 {
        let at = split.body.start + h1.start..split.body.start + h1.end;
        builder.diags.push(
            Diagnostic::warning(
                Code::H1InBody,
                "the body has a `#` heading; the title is shown already",
            )
            .at(path, at)
            .help("start sections at `##`"),
        );
    }
    check_non_empty_lists(&raw, &mut builder);
    let links = markdown::site_links(body, split.body.start);
    let body = Body::in_file(file.text.clone(), split.body.clone()).with_links(links);
    let advisory = builder.build(raw, body).map(|mut a| {
        a.fingerprint = file.digest;
        a
    });
    (advisory, builder.diags)
}

fn informational(raw: &RawAdvisory) -> bool {
    raw.category.as_ref().map(|c| *c.get_ref())
        == Some(crate::model::status::DocumentCategory::CsafInformationalAdvisory)
}

fn check_non_empty_lists(raw: &RawAdvisory, builder: &mut Builder<'_>) {
    let span = raw.id.span();
    let span = span.start + builder.offset..span.end + builder.offset;
    for (empty, what) in [
        (raw.affected.is_empty(), "[[affected]]"),
        // An informational advisory is about no vulnerability (CSAF test 6.1.27.3).
        (
            raw.vulnerabilities.is_empty() && !informational(raw),
            "[[vulnerabilities]]",
        ),
    ] {
        if empty {
            builder.diags.push(
                Diagnostic::error(Code::MissingField, format!("the advisory has no {what} entry"))
                    .at(builder.file, span.clone())
                    .help(format!(
                        "add at least one {what} table; see docs/content-model.md"
                    )),
            );
        }
    }
}

/// The body's first character that HTML and XML cannot carry, as an error at it (with the
/// count of all of them). Refused, not dropped: such a character is almost always pasted
/// by accident (a terminal's escape sequence, text decoded in the wrong encoding), and
/// dropping it silently could change what the text says without anyone seeing it.
fn body_text(file: &Path, body: &str, offset: usize) -> Option<Diagnostic> {
    let (at, c) = crate::text::first_forbidden(body)?;
    let count = body[at..]
        .chars()
        .filter(|c| crate::text::is_forbidden(*c))
        .count();
    let more = match count {
        1 => String::new(),
        2 => ", and 1 more such character after it".to_string(),
        n => format!(", and {} more such characters after it", n - 1),
    };
    let message = format!("the body holds {}{more}", crate::text::describe(c));
    let width = c.len_utf8();
    Some(
        Diagnostic::error(Code::InvalidText, message)
            .at(file, offset + at..offset + at + width)
            .help(crate::text::HELP),
    )
}

/// An error for every `##` heading whose `note=` attribute names no CSAF note category.
fn note_attributes(file: &Path, sections: &[Section], offset: usize) -> Vec<Diagnostic> {
    sections
        .iter()
        .filter_map(|s| {
            let note = s.note.as_deref()?;
            if NoteCategory::parse(note).is_some() {
                return None;
            }
            let span = offset + s.heading_at.start..offset + s.heading_at.end;
            let msg = format!("`note={}` is not a CSAF note category", note.escape_debug());
            Some(
                Diagnostic::error(Code::UnknownCategory, msg)
                    .at(file, span)
                    .help(format!("write one of: {}", NoteCategory::names())),
            )
        })
        .collect()
}

/// A warning for every heading whose given id (`{#id}`) was taken and changed.
fn renamed_ids(file: &Path, renamed: &[markdown::RenamedId], offset: usize) -> Vec<Diagnostic> {
    renamed
        .iter()
        .map(|r| {
            let whose = if r.theme {
                "the theme's page layout"
            } else {
                "an earlier heading"
            };
            let span = offset + r.heading.start..offset + r.heading.end;
            Diagnostic::warning(
                Code::HeadingId,
                format!(
                    "heading id `{}` is used by {whose}; the heading's anchor is `{}`",
                    r.given, r.id
                ),
            )
            .at(file, span)
            .help(format!(
                "choose another id in {{#…}}: links to #{} go to {whose}, not to this heading",
                r.given
            ))
        })
        .collect()
}

/// Parses one page file: the page, unless an error was found, and every diagnostic.
pub fn parse_page(file: &SourceFile, raw_html: bool) -> (Option<Page>, Vec<Diagnostic>) {
    match page(file, raw_html) {
        Ok((page, warnings)) => (Some(page), warnings),
        Err(errors) => (None, errors),
    }
}

fn page(file: &SourceFile, raw_html: bool) -> Result<(Page, Vec<Diagnostic>), Vec<Diagnostic>> {
    let path: &Path = &file.rel_path;
    let text = &*file.text;
    let split = frontmatter::split(text).map_err(|e| vec![split_error(path, e)])?;
    let raw: RawPage = toml_input::parse(&text[split.front_matter.clone()], split.front_matter.start, path)?;
    let body = &text[split.body.clone()];
    if let Some(d) = body_text(path, body, split.body.start) {
        return Err(vec![d]);
    }
    let rendered = markdown::render(body, raw_html);
    let slug = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    crate::model::ids::ProductId::parse(&slug).map_err(|msg| {
        vec![
            Diagnostic::error(Code::InvalidId, format!("page file name: {msg}"))
                .in_file(path)
                .help("name pages in lowercase letters, digits and `-`, e.g. policy.md"),
        ]
    })?;
    let warnings = renamed_ids(path, &rendered.renamed, split.body.start);
    let page = Page {
        slug,
        title: raw.title,
        description: raw.description,
        headings: rendered.sections.iter().map(|s| s.heading.clone()).collect(),
        body_html: rendered.html,
        links: markdown::site_links(body, split.body.start),
        source: path.to_path_buf(),
    };
    Ok((page, warnings))
}
