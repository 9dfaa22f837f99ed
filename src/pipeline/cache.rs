//! The build cache, the pipeline's one seam for reusing a previous build's work. Stages
//! below the pipeline never see it: the parse stage is handed only the files whose result
//! is not here, and the emit stage asks through [`crate::emit::Reuse`] for an advisory's files by
//! the key of what they are made from (`emit::reuse`).
//!
//! What is kept, by key (SHA-256 of the exact inputs, `digest`):
//! - an advisory's files (page, CSAF document, hashes, signature) by the advisory's source
//!   and the site-wide context it is rendered in: `build` keeps them in the previous
//!   output folder and remembers each file's identity (size, modification time, inode) in
//!   a cache file outside the output (`store`); `serve` keeps the previous output in memory;
//! - a parsed advisory by its file's path and text, the catalog and `raw_html` (`serve`
//!   only, in memory: the model is not written to disk);
//! - each entry of the ROLIE feed by what it shows (`serve` only, in memory).
//!
//! A hit is used only when every file it names is still exactly as that build left it;
//! anything else is made again. The cache only ever holds the entries of the last build,
//! so it never grows beyond one site.

mod output;
mod store;

use std::collections::BTreeSet;

use crate::hash::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

pub use store::{Held, Last, Made, Stamp, Summary, cache_file, load, save};

use crate::diag::Diagnostic;
use crate::digest::{self, Key};
use crate::emit::{Reuse, Reused};
use crate::model::{Advisory, Catalog};
use crate::source::SourceFile;

pub use output::{Files, Output};

/// The result of parsing one advisory file, shared by the cache of each rebuild that finds
/// the file unchanged, and the advisory with the site of each.
pub type Parsed = Arc<(Option<Arc<Advisory>>, Vec<Diagnostic>)>;

/// What the last build made, read-only while a build runs (no locks).
#[derive(Debug, Default)]
pub struct Cache {
    /// Advisory key → the paths of the files made under it (`serve`).
    made: HashMap<Key, Vec<String>>,
    /// File key → the advisory parsed from it and what parsing said.
    parsed: HashMap<Key, Parsed>,
    /// Pieces of files by key (`serve`): the ROLIE feed's entries.
    fragments: HashMap<Key, Arc<[u8]>>,
    /// Every advisory's derived values (`serve`).
    derived: Option<crate::emit::derived::Memo>,
    /// Every source file as the last rebuild read it, sorted by path, with its stamp
    /// (`serve`).
    sources: Vec<SourceFile>,
    /// The paths the watcher reported changed since the last rebuild (relative to the
    /// site root); `None`: anything may have changed.
    changed: Option<BTreeSet<PathBuf>>,
    previous: Previous,
}

/// Where the files named in [`Cache::made`] are.
#[derive(Debug, Default)]
enum Previous {
    #[default]
    Nothing,
    /// `serve`: the previous output in memory.
    Memory(Output),
    /// `build`: the previous output folder, each of its files with its identity when it
    /// was made, and advisory key → those files (indexes; one copy of the paths, which at
    /// 10,000 advisories are 47,000).
    Disk {
        dir: PathBuf,
        files: Vec<(String, store::Stamp)>,
        made: HashMap<Key, Vec<u32>>,
    },
}

/// What a build made, for the next build's cache.
#[derive(Debug, Default)]
pub struct Records {
    pub made: Vec<(Key, Vec<String>)>,
    pub parsed: Vec<(Key, Parsed)>,
    /// Pieces of files by key (`serve`).
    pub fragments: crate::emit::Fragments,
    /// Every advisory's derived values, with the keys and files of those not in `made`
    /// (`serve`).
    pub derived: Option<crate::emit::derived::Memo>,
    /// The source files read (`serve`).
    pub sources: Vec<SourceFile>,
}

impl Cache {
    /// The cache `serve` keeps between rebuilds: these records over the output they made.
    /// An entry whose files are not all in `output` is left out here, once, so that a
    /// rebuild need not look each file up (~15 ms of CPU at 10k: the output's paths are
    /// spread over memory); `serve` runs this after it has published the build.
    pub fn in_memory(records: Records, output: Output) -> Self {
        let memo_made = records
            .derived
            .iter()
            .flat_map(|memo| memo.all())
            .map(|d| (d.key, d.paths.clone()));
        let made = records
            .made
            .into_iter()
            .chain(memo_made)
            .filter(|(_, paths)| paths.iter().all(|p| output.contains_key(p.as_str())))
            .collect();
        Cache {
            made,
            parsed: records.parsed.into_iter().collect(),
            fragments: records.fragments.into_iter().collect(),
            derived: records.derived,
            sources: records.sources,
            changed: None,
            previous: Previous::Memory(output),
        }
    }

    /// Whether it holds parsed advisories (only `serve`'s does).
    pub(crate) fn has_parsed(&self) -> bool {
        !self.parsed.is_empty()
    }

    /// The key of one advisory file's parse: its path and text, and everything parsing
    /// reads besides (`document::parse_advisory` reads the catalog and `raw_html`).
    pub(crate) fn parse_key(context: &Key, file: &SourceFile) -> Key {
        digest::key(&[context, &file.digest])
    }

    /// The part of [`Cache::parse_key`] that every file shares.
    pub(crate) fn parse_context(catalog: &Catalog, raw_html: bool) -> Key {
        digest::key(&[format!("{catalog:?}").as_bytes(), &[u8::from(raw_html)]])
    }

    /// The previous output `serve` keeps in memory, which the files a build kept
    /// ([`Built::kept`](crate::pipeline::Built::kept)) are taken from.
    pub fn previous_output(&self) -> Option<&Output> {
        match &self.previous {
            Previous::Memory(output) => Some(output),
            _ => None,
        }
    }

    /// Says that a file watcher reports every change from now on ([`Cache::note_changes`]):
    /// the next rebuild reads only the files it names. Without this, every file's stamp
    /// is checked.
    pub fn watched_from_now(&mut self) {
        self.changed = Some(BTreeSet::new());
    }

    /// Notes what the file watcher reported changed since this cache's build: `paths`
    /// relative to the site root, or `None` for "anything may have" (the watcher lost
    /// events, or a rebuild was asked for without one). Notes add up until a rebuild
    /// succeeds and a new cache replaces this one.
    pub fn note_changes(&mut self, paths: Option<Vec<PathBuf>>) {
        match (&mut self.changed, paths) {
            (Some(changed), Some(paths)) => changed.extend(paths),
            (changed, _) => *changed = None,
        }
    }

    /// The output of a build with this cache (`serve`): the files it made, and those it
    /// kept (`kept`, paths), whose bytes are shared with the previous output.
    pub fn next_output(&self, made: Vec<crate::emit::OutputFile>, kept: Vec<String>) -> Output {
        let previous = self.previous_output();
        if let Some(previous) = previous {
            // Every path made was there before, and as many paths as before: kept paths are
            // the previous output's and no path is delivered twice (the emit stage checks),
            // so the paths are the previous output's. The common case in `serve` (an
            // advisory edited): the previous map with the made files replaced, instead of
            // a new map of every path (~10 ms at 10k).
            let same_paths = made.len() + kept.len() == previous.len()
                && made.iter().all(|f| previous.contains_key(f.path.as_str()));
            if same_paths {
                return previous.replaced(made);
            }
        }
        let mut next = output::Files::with_capacity_and_hasher(made.len() + kept.len(), Default::default());
        next.extend(made.into_iter().map(|f| (Arc::from(f.path), Arc::new(f.bytes))));
        next.extend(kept.into_iter().filter_map(|p| {
            let (path, bytes) = previous?.get_key_value(p.as_str())?;
            Some((path.clone(), bytes.clone()))
        }));
        Output::from(next)
    }

    /// What the last rebuild's discovery found, for the next one (`serve`).
    pub(crate) fn previous_sources(&self) -> crate::source::Previous<'_> {
        crate::source::Previous {
            files: &self.sources,
            changed: self.changed.as_ref(),
        }
    }

    pub(crate) fn parsed(&self, key: &Key) -> Option<&Parsed> {
        self.parsed.get(key)
    }
}

impl Reuse for Cache {
    fn derived(&self) -> Option<&crate::emit::derived::Memo> {
        self.derived.as_ref()
    }

    fn fragment(&self, key: &Key) -> Option<Arc<[u8]>> {
        self.fragments.get(key).cloned()
    }

    fn files(&self, key: &Key) -> Option<Vec<Reused>> {
        match &self.previous {
            Previous::Nothing => None,
            // The sink takes the path; `serve` shares the bytes from the previous output, which
            // holds every file of every entry (`Cache::in_memory`).
            Previous::Memory(_) => Some(
                self.made
                    .get(key)?
                    .iter()
                    .map(|p| Reused {
                        path: p.clone(),
                        file: None,
                    })
                    .collect(),
            ),
            Previous::Disk { dir, files, made } => made
                .get(key)?
                .iter()
                .map(|&i| {
                    let (path, recorded) = files.get(i as usize)?;
                    let now = store::Stamp::of(&dir.join(path))?;
                    (now == *recorded).then(|| Reused {
                        path: path.clone(),
                        file: Some(now.file_id()),
                    })
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::OutputFile;

    fn output(files: &[(&str, &str)]) -> Output {
        files
            .iter()
            .map(|(p, b)| (Arc::from(*p), Arc::new(b.as_bytes().to_vec())))
            .collect::<Files>()
            .into()
    }

    fn sorted(o: &Output) -> Vec<(String, String)> {
        let mut v: Vec<_> = o
            .iter()
            .map(|(p, b)| (p.to_string(), String::from_utf8_lossy(b).into_owned()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn an_entry_whose_files_are_not_all_in_the_output_is_not_offered() {
        let records = Records {
            made: vec![
                ([1; 32], vec!["a".into(), "b".into()]),
                ([2; 32], vec!["a".into(), "gone".into()]),
            ],
            ..Records::default()
        };
        let cache = Cache::in_memory(records, output(&[("a", "1"), ("b", "2")]));
        let paths = |key: &Key| {
            cache
                .files(key)
                .map(|f| f.into_iter().map(|r| r.path).collect::<Vec<_>>())
        };
        assert_eq!(paths(&[1; 32]), Some(vec!["a".to_string(), "b".to_string()]));
        assert_eq!(paths(&[2; 32]), None);
    }

    #[test]
    fn the_next_output_has_the_files_made_and_kept_and_no_other() {
        let cache = Cache::in_memory(Records::default(), output(&[("a", "1"), ("b", "2"), ("c", "3")]));
        let kept = |paths: &[&str]| paths.iter().map(|p| p.to_string()).collect::<Vec<_>>();
        let cases = [
            // The same paths: `b` made again.
            (
                vec![OutputFile::new("b", "2'")],
                kept(&["a", "c"]),
                vec![("a", "1"), ("b", "2'"), ("c", "3")],
            ),
            // As many paths as before, but `c` gone and `d` new.
            (
                vec![OutputFile::new("d", "4")],
                kept(&["a", "b"]),
                vec![("a", "1"), ("b", "2"), ("d", "4")],
            ),
            // Fewer.
            (Vec::new(), kept(&["a"]), vec![("a", "1")]),
        ];
        for (made, kept, expected) in cases {
            let expected: Vec<(String, String)> = expected
                .iter()
                .map(|(p, b)| (p.to_string(), b.to_string()))
                .collect();
            assert_eq!(sorted(&cache.next_output(made, kept)), expected);
        }
    }
}
