//! Each advisory's own files: its page and, when published, its CSAF document with hashes
//! and signature, made or taken from the previous build.

use rayon::prelude::*;

use super::{Delivered, Emitter, Reused, csaf, derived, gather, html};
use crate::diag::Diagnostic;
use crate::digest::Key;
use crate::site::Site;

/// One advisory's share of the output.
enum PerAdvisory<'d> {
    /// Its files as the previous build published them (see [`derived::Memo`]).
    Kept(&'d [String]),
    /// Its files, and the key of what they are made from, for the next build's cache.
    Done { paths: Vec<String>, key: Key },
}

/// Every advisory's share of the output.
pub(super) struct AllAdvisories {
    pub(super) paths: Vec<String>,
    pub(super) made: Vec<(Key, Vec<String>)>,
}

impl Emitter<'_> {
    /// Each advisory's page and CSAF files (made, or taken from a previous build with the
    /// same inputs), and the key and files of each not taken from the previous build's
    /// memo (that one has the others).
    pub(super) fn per_advisory(&self, memo: &derived::Memo) -> Result<AllAdvisories, Vec<Diagnostic>> {
        let results = memo
            .entries()
            .map(|(d, kept)| self.one_advisory(d, kept))
            .collect();
        let mut all = AllAdvisories {
            paths: Vec::new(),
            made: Vec::new(),
        };
        for one in gather(results)? {
            match one {
                PerAdvisory::Kept(paths) => all.paths.extend_from_slice(paths),
                PerAdvisory::Done { paths, key } => {
                    all.made.push((key, paths.clone()));
                    all.paths.extend(paths);
                }
            }
        }
        Ok(all)
    }

    fn one_advisory<'d>(
        &self,
        d: &'d derived::Derived,
        kept: bool,
    ) -> Result<PerAdvisory<'d>, Vec<Diagnostic>> {
        if kept {
            // The same advisory under the same context as in the previous build, which
            // published these files (checked then): they are in its output.
            let files = d.paths.iter().map(|path| Reused {
                path: path.clone(),
                file: None,
            });
            self.sink.keep_all(files.collect()).map_err(|e| vec![e])?;
            return Ok(PerAdvisory::Kept(&d.paths));
        }
        // Taken only when the entry names exactly this advisory's files: a forged cache
        // could otherwise drop them from the output, or keep another path in their place.
        let paths = match self
            .reuse
            .files(&d.key)
            .filter(|files| names_exactly(files, &d.paths))
        {
            Some(files) => {
                self.keep_all(files)?;
                d.paths.clone()
            }
            None => self.make_advisory_files(d.advisory())?,
        };
        Ok(PerAdvisory::Done { paths, key: d.key })
    }

    /// An advisory's page, and its CSAF document with hashes and signature when published.
    fn make_advisory_files(&self, a: &crate::model::Advisory) -> Delivered {
        let (site, theme, opts) = (self.site, self.theme, self.opts);
        // The body is rendered once: the HTML for the page, the sections for the document.
        let body = crate::markdown::render(a.body.markdown(), site.config.raw_html);
        let summary_heading = body
            .sections
            .iter()
            .find(|s| csaf::document::section_category(s) == "summary")
            .map(|s| s.heading.clone());
        // The page's own "Summary" entry links to a summary section of the body.
        let toc = body
            .toc
            .into_iter()
            .filter(|t| summary_heading.as_deref() != Some(t.label.as_str()))
            .collect();
        let page_body = html::PageBody {
            html: body.html,
            summary_in_body: summary_heading.is_some(),
            toc,
        };
        let page = html::advisory(site, theme, opts, a, page_body).map_err(|d| vec![d])?;
        let mut paths = vec![self.deliver(page)?];
        if let Some(files) = csaf::advisory_files(site, a, &body.sections, self.signer)? {
            paths.extend(self.deliver_all(files)?);
        }
        Ok(paths)
    }
}

/// The paths of an advisory's files, sorted: its page and, when published, its CSAF
/// document with hashes and (when signing) signature.
pub(crate) fn advisory_paths(site: &Site, a: &crate::model::Advisory) -> Vec<String> {
    let page = crate::routes::advisory_path(a.id.as_str());
    let mut paths = vec![crate::routes::page_file(page.trim_start_matches('/'))];
    if site.is_published(a) {
        let doc = csaf::document_path(a);
        paths.extend([format!("{doc}.sha256"), format!("{doc}.sha512")]);
        if site.signing {
            paths.push(format!("{doc}.asc"));
        }
        paths.push(doc);
    }
    paths.sort_unstable();
    paths
}

/// Whether `files` are exactly the files at `expected` (sorted), each once.
fn names_exactly(files: &[Reused], expected: &[String]) -> bool {
    let mut named: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    named.sort_unstable();
    named.len() == expected.len() && named.iter().zip(expected).all(|(n, e)| *n == e.as_str())
}
