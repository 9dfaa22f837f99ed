//! What the emit stage works out from each advisory and the advisory context alone: its
//! files' key and paths, its CSAF document's facts and ROLIE entry key, its parts of the
//! hall of fame's and the lists' keys, and (in a memo kept for the next build) its credits
//! and sitemap entry.
//!
//! A build works these out once, at the start of emit, and every step reads them here: at
//! 10,000 advisories each pass over the advisories is a pass over memory spread wide. `serve` keeps them with the parsed advisory they came
//! from ([`Memo`]); the next rebuild shares the unchanged advisories' parses (`Arc`s), so
//! an advisory that is the very same allocation, under the same advisory context, still
//! published, has the very same derived values, and a pointer comparison finds them.

use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use super::csaf;
use super::reuse;
use crate::digest::Key;
use crate::hash::HashMap;
use crate::model::Advisory;
use crate::site::Site;

/// One advisory's derived values.
pub struct Derived {
    /// The advisory they were worked out from. Held, so that while they are kept no other
    /// advisory can be given its address: identity is by pointer.
    advisory: Arc<Advisory>,
    /// Whether the gate published it (only a published advisory's values are kept).
    published: bool,
    /// The key of its files (`reuse::advisory_key`).
    pub key: Key,
    /// The paths of its files, sorted (page; CSAF document, hashes and signature).
    pub paths: Vec<String>,
    /// Its CSAF document's facts, when published.
    pub document: Option<Document>,
    /// What the hall of fame takes of it, when it credits someone.
    pub hall: Option<Box<Hall>>,
    /// Its entry in the sitemap (`sitemap::advisory_entry`), in a memo kept for the next
    /// build ([`Memo::complete`]).
    pub sitemap: String,
    /// What the lists' context takes of it (`reuse::lists_part`).
    pub lists: Key,
}

/// What the hall of fame takes of one advisory.
pub struct Hall {
    /// Its part of the hall's key (`hall::advisory_digest`).
    pub digest: Key,
    /// Its credits, in a memo kept for the next build ([`Memo::complete`]).
    pub credits: Vec<super::hall::Credit>,
}

/// What the provider files say of one published CSAF document.
pub struct Document {
    /// The path under the TLP folder (`2025/acme-sa-2025-0001.json`).
    pub relative: String,
    /// `initial_release_date` and `current_release_date` (RFC 3339).
    pub initial: String,
    pub current: String,
    /// The key of its ROLIE entry (`rolie::entry_key`).
    pub rolie_key: Key,
}

impl Derived {
    /// The values of `a`; with `complete`, also those only worth keeping for a next build.
    fn new(site: &Site, context: &Key, a: &Arc<Advisory>, complete: bool) -> Derived {
        let published = site.is_published(a);
        let document = published.then(|| {
            let mut d = Document::of(a);
            // The entry key reads the facts above (and the advisory), not itself.
            d.rolie_key = csaf::rolie::entry_key(site, &d.emitted(a));
            d
        });
        let hall = super::hall::advisory_digest(a).map(|digest| {
            let credits = match complete {
                true => super::hall::advisory_credits(&crate::view::root_path(site.config.base()), a),
                false => Vec::new(),
            };
            Box::new(Hall { digest, credits })
        });
        let sitemap = match complete {
            true => super::sitemap::advisory_entry(site, a),
            false => String::new(),
        };
        Derived {
            advisory: Arc::clone(a),
            published,
            key: reuse::advisory_key(site, context, a),
            paths: super::advisory_files::advisory_paths(site, a),
            document,
            hall,
            sitemap,
            lists: reuse::lists_part(a),
        }
    }

    pub fn advisory(&self) -> &Advisory {
        &self.advisory
    }

    /// The summary of its CSAF document for the provider files, when published.
    pub fn emitted(&self) -> Option<csaf::Emitted<'_>> {
        self.document.as_ref().map(|d| d.emitted(&self.advisory))
    }
}

impl Document {
    /// The facts of `a`'s document, with no ROLIE entry key (only the public feed has one:
    /// [`Derived`] sets it).
    pub fn of(a: &Advisory) -> Document {
        Document {
            relative: csaf::relative_path(a),
            initial: crate::model::time::rfc3339(a.published),
            current: crate::model::time::rfc3339(a.updated()),
            rolie_key: Key::default(),
        }
    }

    /// What the provider files say of the document (`a`: the advisory of these facts).
    pub fn emitted<'a>(&'a self, a: &'a Advisory) -> csaf::Emitted<'a> {
        csaf::Emitted {
            relative: &self.relative,
            id: a.id.as_str(),
            title: &a.title,
            initial: &self.initial,
            current: &self.current,
            summary: &a.summary,
            entry_key: self.rolie_key,
        }
    }
}

/// Every advisory's derived values in site order, under one advisory context.
pub struct Memo {
    context: Key,
    /// Whether each advisory's values include the hall of fame's credits and the sitemap
    /// entry. Only a memo kept for the next build has them: `build` makes those files once,
    /// from the site, and at 10,000 advisories they are ~13 MiB held through the lists.
    complete: bool,
    all: Vec<Arc<Derived>>,
    /// Position in `all` by the advisory's address, made when first needed: a rebuild
    /// whose advisories kept their order finds each at its old position.
    by_address: OnceLock<HashMap<usize, usize>>,
    /// Whether each was taken from the previous build's memo (same order as `all`).
    kept: Vec<bool>,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Memo {{ {} advisories, {} taken }}",
            self.all.len(),
            self.taken()
        )
    }
}

/// An advisory's address: its identity while the memo holds it.
fn address(a: &Advisory) -> usize {
    std::ptr::from_ref(a) as usize
}

impl Memo {
    /// Every advisory's values: taken from `previous` where it has them for the same
    /// advisory under the same context, else worked out; [`Memo::complete`] with `complete`.
    pub fn new(site: &Site, context: &Key, previous: Option<&Memo>, complete: bool) -> Memo {
        let previous = previous.filter(|p| p.context == *context && p.complete == complete);
        let all: Vec<(Arc<Derived>, bool)> = site
            .advisories
            .par_iter()
            .enumerate()
            .map(|(i, a)| match previous.and_then(|p| p.find(i, a)) {
                Some(kept) if site.is_published(a) => (Arc::clone(kept), true),
                _ => (Arc::new(Derived::new(site, context, a, complete)), false),
            })
            .collect();
        let (all, kept) = all.into_iter().unzip();
        Memo {
            context: *context,
            complete,
            all,
            by_address: OnceLock::new(),
            kept,
        }
    }

    /// The values kept for `a`, which is at position `at` of the new site.
    fn find(&self, at: usize, a: &Advisory) -> Option<&Arc<Derived>> {
        let same = |d: &&Arc<Derived>| std::ptr::eq(d.advisory(), a) && d.published;
        if let Some(d) = self.all.get(at).filter(same) {
            return Some(d);
        }
        self.get(a).filter(same)
    }

    /// The values of `a`, if it is one of this memo's advisories (the very allocation).
    pub fn get(&self, a: &Advisory) -> Option<&Arc<Derived>> {
        let index = self.by_address.get_or_init(|| {
            self.all
                .iter()
                .enumerate()
                .map(|(i, d)| (address(d.advisory()), i))
                .collect()
        });
        let d = self.all.get(*index.get(&address(a))?)?;
        std::ptr::eq(d.advisory(), a).then_some(d)
    }

    /// How many advisories' values were taken from the previous build's memo.
    pub fn taken(&self) -> usize {
        self.kept.iter().filter(|k| **k).count()
    }

    /// Every advisory's values, in site order.
    pub fn all(&self) -> &[Arc<Derived>] {
        &self.all
    }

    /// Whether each advisory's values include the hall of fame's credits and the sitemap
    /// entry.
    pub fn complete(&self) -> bool {
        self.complete
    }

    /// What the hall of fame takes of each advisory that credits someone, in site order.
    pub fn halls(&self) -> impl Iterator<Item = &Hall> {
        self.all.iter().filter_map(|d| d.hall.as_deref())
    }

    /// Every advisory's values, each with whether it was taken from the previous build's
    /// memo (so its files are the previous build's, unchanged), in site order.
    pub fn entries(&self) -> impl IndexedParallelIterator<Item = (&Arc<Derived>, bool)> {
        self.all.par_iter().zip(self.kept.par_iter().copied())
    }
}
