//! The pipeline's one cache seam. Reuse between rebuilds in `serve`: a parsed advisory, an advisory's page and its CSAF
//! hashes and signature are reused when what they are made from has not changed.
//!
//! Keys are SHA-256 digests of the exact inputs of the expensive step, so a dependency
//! cannot be forgotten: a parsed advisory is keyed by its file's path and text, the product
//! catalog and the `raw_html` flag (`document::parse_advisory` reads nothing else); a page
//! by its theme, whether pages are minified, its path and its complete template context
//! (which holds everything the page shows: the advisory, the site's navigation, the build
//! date, the live-reload flag); a CSAF document by everything `to_csaf` reads (the
//! advisory, `site.toml`, the catalog, the version; see `csaf::memo_context`), its folder
//! and the signing key. What is skipped on a hit is parsing; rendering and minifying the
//! page; making, validating, hashing and signing the document. A page's context is still
//! built to compute its key, which is cheaper than rendering it. The memo holds only the
//! entries the last build used, so it never grows beyond one site. `build` and `check`
//! never use it: their output must not depend on an earlier run.

use std::collections::HashMap;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::diag::Diagnostic;
use crate::model::Advisory;

/// A SHA-256 digest of a step's inputs.
pub type Key = [u8; 32];

/// The previous build's output, path → bytes, as `serve` holds it to answer requests.
pub type Output = Arc<HashMap<String, Vec<u8>>>;

/// What the previous build made; read-only while a build runs (no locks), and replaced by
/// the entries of the new build when it ends. Pages and signatures are not copied into
/// the memo: it names their paths in the previous build's output, which `serve` keeps
/// anyway, so reuse costs no memory beyond the keys.
#[derive(Debug, Default)]
pub struct Memo {
    /// Page key → the page's path in `output` (as written: minified when asked for).
    pages: HashMap<Key, String>,
    /// Document key → the paths of that document's hash and signature files in `output`.
    documents: HashMap<Key, Vec<String>>,
    /// Source key → the advisory parsed from it, and what parsing said.
    advisories: HashMap<Key, Parsed>,
    output: Output,
}

/// The result of parsing one advisory file.
pub type Parsed = (Option<Advisory>, Vec<Diagnostic>);

/// One entry made or reused by a build, for the next build's memo.
#[derive(Debug)]
pub enum Entry {
    Page(Key, String),
    Document(Key, Vec<String>),
    Advisory(Key, Box<Parsed>),
}

impl Memo {
    pub(crate) fn from_entries(entries: impl IntoIterator<Item = Entry>) -> Self {
        let mut memo = Memo::default();
        memo.extend(entries);
        memo
    }

    /// Adds entries made in another stage of the same build.
    pub(crate) fn extend(&mut self, entries: impl IntoIterator<Item = Entry>) {
        for e in entries {
            match e {
                Entry::Page(k, path) => {
                    self.pages.insert(k, path);
                }
                Entry::Document(k, paths) => {
                    self.documents.insert(k, paths);
                }
                Entry::Advisory(k, parsed) => {
                    self.advisories.insert(k, *parsed);
                }
            }
        }
    }

    /// The memo for the next build: these entries over the output they point into (the
    /// output this memo's build produced).
    pub fn with_output(mut self, output: Output) -> Self {
        self.output = output;
        self
    }

    /// The page made under `key` by the previous build: its path and bytes.
    pub(crate) fn page(&self, key: &Key) -> Option<(&str, &[u8])> {
        let path = self.pages.get(key)?;
        let bytes = self.output.get(path)?;
        Some((path, bytes))
    }

    /// The hash and signature files made under `key` by the previous build.
    pub(crate) fn document_files(&self, key: &Key) -> Option<Vec<(&str, &[u8])>> {
        let paths = self.documents.get(key)?;
        paths
            .iter()
            .map(|p| Some((p.as_str(), self.output.get(p)?.as_slice())))
            .collect()
    }

    pub(crate) fn advisory(&self, key: &Key) -> Option<&Parsed> {
        self.advisories.get(key)
    }

    /// How many pages, documents and parsed advisories it holds.
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.pages.len(), self.documents.len(), self.advisories.len())
    }

    pub fn len(&self) -> usize {
        self.pages.len() + self.documents.len() + self.advisories.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// SHA-256 over length-prefixed parts, so that no two different part lists collide by
/// concatenation.
pub(crate) fn key(parts: &[&[u8]]) -> Key {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_length_prefixed() {
        assert_ne!(key(&[b"ab", b"c"]), key(&[b"a", b"bc"]));
        assert_eq!(key(&[b"ab", b"c"]), key(&[b"ab", b"c"]));
    }
}
