//! Reuse between rebuilds in `serve`: an advisory's page and its CSAF hashes and signature
//! are reused when what they are made from has not changed.
//!
//! Keys are SHA-256 digests of the exact inputs of the expensive step, not of the source
//! files, so a dependency cannot be forgotten: a page is keyed by its theme, path and the
//! complete template context (which holds everything the page shows: the advisory, the
//! site's navigation, the build date, the live-reload flag), and a CSAF document by its own
//! bytes, folder and signing key. What is skipped on a hit is rendering and minifying the
//! page, and validating, hashing and signing the document; the inputs themselves are still
//! computed, which is cheap. The memo holds only the entries the last build used, so it
//! never grows beyond one site. `build` and `check` never use it: their output must not
//! depend on an earlier run.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::OutputFile;

/// A SHA-256 digest of a step's inputs.
pub type Key = [u8; 32];

/// What the previous build made; read-only while a build runs (no locks), and replaced by
/// the entries of the new build when it ends.
#[derive(Debug, Default)]
pub struct Memo {
    /// Page key → the page as written (minified when the site asks for it).
    pub(crate) pages: HashMap<Key, Vec<u8>>,
    /// Document key → the hash and signature files of that document.
    pub(crate) documents: HashMap<Key, Vec<OutputFile>>,
}

/// One entry made or reused by a build, for the next build's memo.
#[derive(Debug)]
pub enum Entry {
    Page(Key, Vec<u8>),
    Document(Key, Vec<OutputFile>),
}

impl Memo {
    pub(crate) fn from_entries(entries: impl IntoIterator<Item = Entry>) -> Self {
        let mut memo = Memo::default();
        for e in entries {
            match e {
                Entry::Page(k, bytes) => {
                    memo.pages.insert(k, bytes);
                }
                Entry::Document(k, files) => {
                    memo.documents.insert(k, files);
                }
            }
        }
        memo
    }

    pub fn len(&self) -> usize {
        self.pages.len() + self.documents.len()
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
