//! Stages 1–4: configuration, discovery, parsing, keys.

use std::sync::Arc;

use jiff::Timestamp;

use super::cache::{Cache, Parsed as ParsedFile};
use super::{BuildOptions, Failure, build_time, fail};
use crate::config::{LoadedConfig, SiteConfig};
use crate::diag::{Diagnostic, SourceMap};
use crate::digest::Key;
use crate::source::{self, SourceKind};
use crate::timing::Timer;
use crate::{document, model, pgpkey, publication, signing};

/// Inputs read and parsed, before the site is assembled.
pub(super) struct Loaded {
    pub(super) now: Timestamp,
    pub(super) config: SiteConfig,
    pub(super) parsed: Parsed,
    pub(super) key: Option<(pgpkey::KeyInfo, Vec<Diagnostic>)>,
    pub(super) signer: Option<signing::Signer>,
    pub(super) diags: Vec<Diagnostic>,
}

/// What stages 1–2 read: the configuration and every source file, not parsed yet.
pub(super) struct Read {
    pub(super) now: Timestamp,
    pub(super) loaded: LoadedConfig,
    pub(super) files: Vec<source::SourceFile>,
    /// The configuration has errors: the content is checked against a stand-in.
    pub(super) config_failed: bool,
    pub(super) diags: Vec<Diagnostic>,
}

impl Read {
    /// Nothing was said about the configuration or the files found.
    pub(super) fn is_clean(&self) -> bool {
        self.diags.is_empty()
    }
}

/// Stages 1–2: the build time, the configuration and discovery.
pub(super) fn read(
    opts: &BuildOptions,
    timer: &mut Timer,
    sources: &mut SourceMap,
    previous: Option<source::Previous<'_>>,
) -> Result<Read, Failure> {
    let now = build_time(opts).map_err(|d| fail(vec![d], sources))?;
    // With mistakes in site.toml, the content is still checked (against a stand-in
    // configuration), so that one run shows every problem; the errors stop the build below.
    let (mut loaded, mut diags) =
        SiteConfig::load_best_effort(&opts.root, sources).map_err(|d| fail(d, sources))?;
    if let Some(base) = &opts.base_url {
        loaded
            .config
            .override_base_url(base)
            .map_err(|d| fail(vec![d], sources))?;
    }
    timer.lap(crate::timing::Stage::Config);
    let (discovered, ()) = rayon::join(
        || source::discover_with(&opts.root, previous),
        crate::model::cwe::prepare,
    );
    // Only these texts go into the source map now: the others only when a diagnostic
    // points into them (`mention`).
    for f in discovered.lossy.iter().chain(&discovered.misplaced) {
        sources.add(&f.rel_path, f.text.clone());
    }
    let config_failed = diags.iter().any(Diagnostic::is_error);
    diags.extend(discovered.diags);
    timer.lap(crate::timing::Stage::Discover);
    Ok(Read {
        now,
        loaded,
        files: discovered.files,
        config_failed,
        diags,
    })
}

/// Stages 3–4: parsing and keys, on what [`read`] found. Fails on any error so far.
pub(super) fn load(
    opts: &BuildOptions,
    read: Read,
    timer: &mut Timer,
    sources: &mut SourceMap,
    cache: &Cache,
    keep_parsed: bool,
) -> Result<Loaded, Failure> {
    let Read {
        now,
        loaded,
        files,
        config_failed,
        mut diags,
    } = read;
    let config = &loaded.config;
    let (parsed, more) = parse_all(&files, config, cache, keep_parsed);
    diags.extend(more);
    timer.lap(crate::timing::Stage::Parse);
    if config_failed {
        // Keys, signing and the publication checks depend on the configuration: only the
        // content was checked.
        mention(sources, &files, &diags);
        return Err(fail(diags, sources));
    }
    diags.extend(publication::check(&publication::Inputs {
        publishes: opts.publishes(),
        config,
        config_path: &loaded.path,
        config_text: &loaded.text,
        base_url_option: opts.base_url.as_deref(),
        files: &files,
        advisories: &parsed.advisories,
    }));
    let key = pgpkey::load(&opts.root, config, now);
    let signer = signing::load(&opts.root, config).map(|s| s.map(|s| s.at_time(now)));
    let (key, signer) = match (key, signer) {
        (Ok(k), Ok(s)) => (k, s),
        (k, s) => {
            diags.extend(k.err().into_iter().flatten());
            diags.extend(s.err().into_iter().flatten());
            mention(sources, &files, &diags);
            return Err(fail(diags, sources));
        }
    };
    mention(sources, &files, &diags);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(fail(diags, sources));
    }
    // The texts are parsed: let them go (tens of megabytes at 10,000 advisories, the
    // largest part of the peak otherwise); a later diagnostic reads its file again.
    let mut parsed = parsed;
    if keep_parsed {
        // `serve` takes the files whose stamps are unchanged from here next time; its cache
        // keeps the parsed advisories with the texts they share.
        parsed.source_files = files;
    } else {
        // The files go first, so that each body then holds only itself.
        use rayon::prelude::*;
        drop(files);
        // Nothing else holds them in a build without a cache of parsed advisories.
        parsed
            .advisories
            .par_iter_mut()
            .filter_map(Arc::get_mut)
            .for_each(|a| a.body.compact());
    }
    Ok(Loaded {
        now,
        config: loaded.config,
        parsed,
        key,
        signer,
        diags,
    })
}

/// Adds to `sources` the text of each of `files` (sorted by path) that `diags` point into.
fn mention(sources: &mut SourceMap, files: &[source::SourceFile], diags: &[Diagnostic]) {
    for path in sources.missing(diags) {
        if let Ok(i) = source::position(files, path) {
            sources.add(path, files[i].text.clone());
        }
    }
}

/// Everything parsed from `content/`.
pub(super) struct Parsed {
    pub(super) catalog: model::Catalog,
    pub(super) extra_credits: Vec<model::acknowledgments::ExtraCredit>,
    pub(super) pages: Vec<document::Page>,
    pub(super) advisories: Vec<Arc<model::Advisory>>,
    /// Parsed advisories for the next build's cache (`serve` only).
    pub(super) parsed_files: Vec<(Key, ParsedFile)>,
    /// The source files read, for the next build's cache (`serve` only).
    pub(super) source_files: Vec<source::SourceFile>,
}

fn parse_all(
    files: &[source::SourceFile],
    config: &SiteConfig,
    cache: &Cache,
    record: bool,
) -> (Parsed, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut catalog = model::Catalog::default();
    let mut extra = Vec::new();
    let mut pages = Vec::new();
    for f in files {
        match f.kind {
            SourceKind::Products => {
                let (c, d) = model::Catalog::parse(&f.text, &f.rel_path);
                catalog = c;
                diags.extend(d);
            }
            SourceKind::Acknowledgments => {
                let (c, d) = model::acknowledgments::parse(&f.text, &f.rel_path);
                extra = c;
                diags.extend(d);
            }
            SourceKind::Page => {
                let (page, d) = document::parse_page(f, config.raw_html);
                pages.extend(page);
                diags.extend(d);
            }
            SourceKind::Advisory => {}
        }
    }
    let (advisories, d, parsed_files) = parse_advisories(files, &catalog, config.raw_html, cache, record);
    diags.extend(d);
    let parsed = Parsed {
        catalog,
        extra_credits: extra,
        pages,
        advisories,
        parsed_files,
        source_files: Vec::new(),
    };
    (parsed, diags)
}

/// The advisories parsed, what parsing said, and (`serve`) each file's parse by its key.
type ParsedAdvisories = (Vec<Arc<model::Advisory>>, Vec<Diagnostic>, Vec<(Key, ParsedFile)>);

/// Every advisory file parsed, or taken from `cache` when the file and what parsing reads
/// are unchanged (`serve`); with `record`, also what the next build's cache keeps.
fn parse_advisories(
    files: &[source::SourceFile],
    catalog: &model::Catalog,
    raw_html: bool,
    cache: &Cache,
    record: bool,
) -> ParsedAdvisories {
    use rayon::prelude::*;
    if !record && !cache.has_parsed() {
        let (advisories, diags) = document::parse_advisories(files, catalog, raw_html);
        return (advisories.into_iter().map(Arc::new).collect(), diags, Vec::new());
    }
    let context = Cache::parse_context(catalog, raw_html);
    // Each advisory and its diagnostics are taken out here, on the threads that have just
    // looked its parse up: a second pass over 10,000 parses on one thread, reading each from
    // memory again, took 7–35 ms of a `serve` rebuild.
    type Looked = (Key, ParsedFile, Option<Arc<model::Advisory>>, Vec<Diagnostic>);
    let results: Vec<Looked> = files
        .par_iter()
        .filter(|f| f.kind == SourceKind::Advisory)
        .map(|f| {
            let key = Cache::parse_key(&context, f);
            let parsed = match cache.parsed(&key) {
                Some(parsed) => parsed.clone(),
                None => {
                    let (advisory, diags) = document::parse_advisory(f, catalog, raw_html);
                    Arc::new((advisory.map(Arc::new), diags))
                }
            };
            let (advisory, diags) = (parsed.0.clone(), parsed.1.clone());
            (key, parsed, advisory, diags)
        })
        .collect();
    let mut advisories = Vec::with_capacity(results.len());
    let mut diags = Vec::new();
    let mut kept = Vec::with_capacity(if record { results.len() } else { 0 });
    // Moves only: nothing behind the pointers is read again.
    for (key, parsed, advisory, more) in results {
        advisories.extend(advisory);
        diags.extend(more);
        if record {
            kept.push((key, parsed));
        }
    }
    (advisories, diags, kept)
}
