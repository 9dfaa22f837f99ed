//! Files kept from the previous build by a key: the list pages, the feeds of advisories,
//! the ROLIE feed and the hall of fame (an advisory's own files are in
//! `Emitter::per_advisory`). Each job has a key, or none when it is made on every build; the
//! emitter asks the cache for what the previous build made under each key and makes only
//! the rest.

use rayon::prelude::*;

use super::page::{KeyedJob, PageJob};
use std::sync::Arc;

use super::csaf::rolie;
use super::{
    Delivered, Emitter, Fragments, OutputFile, Reused, csaf, derived, gather, hall, lists, malformed, reuse,
};
use crate::diag::Diagnostic;
use crate::digest::Key;

/// Files delivered, and the key and files of each keyed job for the next build's cache.
pub(super) type Keyed = (Delivered, Vec<(Key, Vec<String>)>);

/// The key of a job and the file it writes, if it has a key.
fn key_and_file<'j>(job: &'j KeyedJob<'_>) -> Option<&'j (Key, String)> {
    job.0.as_ref()
}

impl Emitter<'_> {
    /// Each job's page, taken from the previous build where its key has it, else made.
    pub(super) fn deliver_jobs(&self, jobs: &[KeyedJob<'_>]) -> Keyed {
        let reused = self.reusable(jobs, key_and_file);
        self.deliver_keyed(jobs, reused, key_and_file, |(_, job)| job())
    }

    /// The ROLIE feed, taken from the previous build when its key is unchanged; else made
    /// of its entries, each taken from the previous build where it has it (`serve`) or
    /// written. Returns the entries for the next build too (`in_process`).
    pub(super) fn deliver_rolie_feed(&self, documents: &[csaf::Emitted<'_>]) -> (Keyed, Fragments) {
        let site = self.site;
        let sorted = rolie::order(documents);
        let entry_keys: Vec<Key> = sorted.iter().map(|d| d.entry_key).collect();
        let keyed = [(rolie::key(site, &entry_keys), rolie::path())];
        let reused = self.reusable(&keyed, |k| Some(k)).pop().flatten();
        let (delivered, entries) = match reused {
            Some(files) => {
                let delivered = files.into_iter().map(|f| self.put_reused(f)).collect();
                (delivered, self.kept_rolie_entries(&entry_keys))
            }
            None => match self.rolie_entries(&sorted, &entry_keys) {
                Ok(entries) => {
                    let delivered = rolie::feed(site, sorted.first().copied(), &entries)
                        .map_err(|why| vec![malformed(&rolie::path(), &why)])
                        .and_then(|file| self.put(file));
                    let entries = entry_keys.into_iter().zip(entries).collect();
                    (delivered.map(|path| vec![path]), entries)
                }
                Err(d) => (Err(d), Vec::new()),
            },
        };
        let made = match delivered {
            Ok(ref paths) => vec![(keyed[0].0, paths.clone())],
            Err(_) => Vec::new(),
        };
        let fragments = if self.opts.in_process { entries } else { Vec::new() };
        ((delivered, made), fragments)
    }

    /// Every document's ROLIE entry in feed order (`keys`: each one's key): taken from the
    /// previous build where it has it, else written and checked.
    fn rolie_entries(
        &self,
        sorted: &[&csaf::Emitted<'_>],
        keys: &[Key],
    ) -> Result<Vec<Arc<[u8]>>, Vec<Diagnostic>> {
        let results: Vec<Result<_, Vec<Diagnostic>>> = sorted
            .par_iter()
            .zip(keys)
            .map(|(d, key)| match self.reuse.fragment(key) {
                Some(entry) => Ok(entry),
                None => rolie::entry(self.site, d).map_err(|why| vec![malformed(&rolie::path(), &why)]),
            })
            .collect();
        gather(results)
    }

    /// With the feed kept whole: its entries as the previous build had them (`keys`), for
    /// the next build (an entry it lacks is written when the feed is made again).
    fn kept_rolie_entries(&self, keys: &[Key]) -> Fragments {
        if !self.opts.in_process {
            return Vec::new();
        }
        keys.par_iter()
            .filter_map(|key| Some((*key, self.reuse.fragment(key)?)))
            .collect()
    }

    /// The hall of fame, taken from the previous build when its key is unchanged.
    pub(super) fn deliver_hall(&self, context: &Key, memo: &'_ derived::Memo) -> Keyed {
        let (site, theme, opts) = (self.site, self.theme, self.opts);
        let make: PageJob<'_> = Box::new(move || match memo.complete() {
            true => {
                let extra = hall::extra_credits(site);
                hall::emit(
                    site,
                    theme,
                    opts,
                    memo.halls().flat_map(|h| &h.credits).chain(&extra),
                )
            }
            false => hall::emit(site, theme, opts, &hall::collect(site)),
        });
        let path = crate::routes::page_file(crate::routes::ACKNOWLEDGMENTS);
        let key = hall::key(site, context, memo.halls().map(|h| &h.digest));
        self.deliver_jobs(&[(Some((key, path)), make)])
    }

    /// The directory listings of the provider tree among `paths` (every other file's), each
    /// taken from the previous build when what its folder holds is unchanged.
    pub(super) fn deliver_listings(&self, paths: &[String], context: &Key) -> Keyed {
        use csaf::provider::{Folder, folders, listing, listing_key, listing_path};
        let site = self.site;
        let noindex = site.mode == crate::site::Mode::Preview;
        let folders: Vec<Folder<'_>> = folders(paths);
        let jobs: Vec<KeyedJob<'_>> = folders
            .iter()
            .map(|folder| {
                let keyed = Some((listing_key(context, folder), listing_path(folder)));
                let make: PageJob<'_> = Box::new(move || Ok(listing(folder, &site.config.title, noindex)));
                (keyed, make)
            })
            .collect();
        self.deliver_jobs(&jobs)
    }

    /// The list pages: a page whose key the previous build made it under is taken from
    /// it; the others are made, with the cards of the advisories they show (only those).
    pub(super) fn deliver_lists(&self, keys: &reuse::Keys<'_>) -> Keyed {
        let lists = lists::Lists::new(self.site, self.theme, self.opts);
        let jobs = lists.jobs(keys);
        let reused = self.reusable(&jobs, lists::ListJob::key_and_file);
        let to_make: Vec<&lists::ListJob<'_>> = jobs
            .iter()
            .zip(&reused)
            .filter(|(_, r)| r.is_none())
            .map(|(job, _)| job)
            .collect();
        let summaries = match lists.summaries(&to_make) {
            Ok(summaries) => summaries,
            Err(d) => return (Err(vec![d]), Vec::new()),
        };
        self.deliver_keyed(&jobs, reused, lists::ListJob::key_and_file, |job| {
            job.make(&summaries)
        })
    }

    /// What the previous build made under each job's key (`keyed`: the key and the file the
    /// job makes): `None` when the job has no key, the cache has nothing intact for it, or
    /// its entry is not exactly that one file — a forged cache could otherwise drop the page
    /// or keep another file in its place.
    fn reusable<J: Sync>(
        &self,
        jobs: &[J],
        keyed: impl Fn(&J) -> Option<&(Key, String)> + Sync,
    ) -> Vec<Option<Vec<Reused>>> {
        jobs.par_iter()
            .map(|job| {
                let (key, file) = keyed(job)?;
                let files = self.reuse.files(key)?;
                matches!(files.as_slice(), [one] if one.path == *file).then_some(files)
            })
            .collect()
    }

    /// Delivers each job's page, taken from `reused` where that has it, else made; and
    /// each keyed job's key with its file, for the next build's cache.
    fn deliver_keyed<J: Sync>(
        &self,
        jobs: &[J],
        reused: Vec<Option<Vec<Reused>>>,
        keyed: impl Fn(&J) -> Option<&(Key, String)> + Sync,
        make: impl Fn(&J) -> Result<OutputFile, Diagnostic> + Sync,
    ) -> Keyed {
        let results: Vec<Result<Vec<String>, Vec<Diagnostic>>> = jobs
            .par_iter()
            .zip(reused)
            .map(|(job, reused)| match reused {
                Some(files) => files.into_iter().map(|f| self.put_reused(f)).collect(),
                None => make(job)
                    .map_err(|d| vec![d])
                    .and_then(|f| self.deliver(f))
                    .map(|path| vec![path]),
            })
            .collect();
        let results = match gather(results) {
            Ok(results) => results,
            Err(d) => return (Err(d), Vec::new()),
        };
        let made = jobs
            .iter()
            .zip(&results)
            .filter_map(|(job, paths)| Some((keyed(job)?.0, paths.clone())))
            .collect();
        (Ok(results.into_iter().flatten().collect()), made)
    }
}
