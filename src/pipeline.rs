//! The build, stage by stage, with plain data between the stages:
//!
//! 1. `load`: configuration → `source::discover` → `document` (split and parse every file)
//!    → keys and signing;
//! 2. `prepare`: `site::Site::assemble` (the publication gate) → `validate`;
//! 3. `render`: theme → `emit` (HTML, CSAF, feeds, security.txt, keys; each file checked,
//!    minified and handed to a sink as it is made) → the link check over the output's paths;
//! 4. `build` writes through `output` (staging folder, atomic swap); `check` throws the
//!    files away; `generate` keeps them in memory (tests, `serve`).
//!
//! `build` asks the build cache (`cache`) twice: after discovery, whether there is anything
//! to do at all (`unchanged`); while emitting, for each advisory's files made by the last
//! build from the same inputs. `serve` keeps its cache in memory between rebuilds.

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::config::SiteConfig;
use crate::diag::{self, Code, Diagnostic, SourceMap};
use crate::emit::{self, OutputFile};
use crate::site::{Mode, Site};
use crate::timing::{Progress, Timer};
use crate::{output, source};

pub mod cache;
mod load;
mod prepare;
mod render;
mod report;
mod unchanged;

use cache::Cache;
use prepare::prepare;
use render::Rendered;
pub use report::{Failure, Report};
use unchanged::Probe;

/// What to build and how.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site root (holds `site.toml`).
    pub root: PathBuf,
    /// Output folder; defaults to `output_dir` from site.toml, relative to the root.
    pub output: Option<PathBuf>,
    /// Overrides `base_url` (e.g. for previews and `serve`).
    pub base_url: Option<String>,
    pub mode: Mode,
    pub live_reload: bool,
    /// The build time; defaults to `SOURCE_DATE_EPOCH`, else the current time.
    pub now: Option<Timestamp>,
    pub progress: Progress,
    /// Also write CSAF of released non-CLEAR TLP advisories into this separate folder.
    pub restricted: Option<PathBuf>,
    /// Called once the site-wide lists are written, to have the program's allocator return
    /// the memory they used to the system (the binary passes mimalloc's collect); without it
    /// the feeds of a large site come on top of that memory in the peak.
    pub release_memory: Option<fn()>,
    /// `build`: ignore the cache and make every file again (`--full`).
    pub full: bool,
    /// `build`: where the cache is kept; defaults to `.psirt-cache` in the site root.
    pub cache_dir: Option<PathBuf>,
    /// `build`: the process ends with the build, so the model is left for the system to take
    /// back at exit instead of being freed piece by piece (at 10k advisories that is ~60 ms
    /// of one core, before the swap). Only the binary sets it; a library caller that builds
    /// again would keep the memory.
    pub exit_after: bool,
    /// `build --changed FILE`: where the binary writes the list of changed URL paths after
    /// the build. Checked with the output folders before anything is built: never an input
    /// (it would replace `site.toml`, say), never in an output or the cache (it would be
    /// published, or swapped away by the next build).
    pub changed_list: Option<PathBuf>,
}

/// The cache folder's name in the site root, unless `--cache-dir` names another.
pub const CACHE_DIR: &str = ".psirt-cache";

impl BuildOptions {
    /// Where `build` keeps its cache.
    pub fn cache_dir(&self) -> PathBuf {
        self.cache_dir
            .clone()
            .unwrap_or_else(|| self.root.join(CACHE_DIR))
    }

    /// Whether this run is for publication (`build`, `check`): not a preview, and not
    /// `serve` (which alone asks for live reload). Placeholders and example domains are
    /// errors only then.
    pub fn publishes(&self) -> bool {
        self.mode == Mode::Public && !self.live_reload
    }
}

/// The build time: `SOURCE_DATE_EPOCH` when set (reproducible builds), else now.
pub fn build_time(opts: &BuildOptions) -> Result<Timestamp, Diagnostic> {
    if let Some(t) = opts.now {
        return Ok(t);
    }
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|s| Timestamp::from_second(s).ok())
            .ok_or_else(|| {
                Diagnostic::error(
                    Code::Config,
                    format!("SOURCE_DATE_EPOCH=`{v}` is not a Unix timestamp"),
                )
                .help("set it to whole seconds since 1970, e.g. $(git log -1 --format=%ct)")
            }),
        Err(_) => Ok(Timestamp::now()),
    }
}

/// Everything up to (and including) emitting files; shared by `build`, `check` and `serve`.
pub struct Built {
    pub site: Site,
    /// The files made, sorted by path.
    pub files: Vec<OutputFile>,
    /// The paths of the files taken unchanged from the previous output of the cache
    /// ([`generate_with_cache`], `serve`), in no order: not in `files`; their bytes are in
    /// [`Cache::previous_output`].
    pub kept: Vec<String>,
    /// CSAF of non-public TLP advisories, when `restricted` was asked for.
    pub restricted: Vec<OutputFile>,
    pub report: Report,
    /// What the next build's cache keeps (only from [`generate_with_cache`]).
    pub records: cache::Records,
}

fn fail(diagnostics: Vec<Diagnostic>, sources: &SourceMap) -> Failure {
    Failure {
        diagnostics: diag::sorted(diagnostics),
        sources: sources.clone(),
    }
}

/// Runs the pipeline and keeps every output file in memory (tests).
pub fn generate(opts: &BuildOptions) -> Result<Built, Failure> {
    finish_built(opts, generate_inner(opts, None))
}

/// As [`generate`], taking from `cache` what the previous build made from the same inputs
/// (`serve`); what the next build's cache keeps is in [`Built::records`].
pub fn generate_with_cache(opts: &BuildOptions, cache: &Cache) -> Result<Built, Failure> {
    finish_built(opts, generate_inner(opts, Some(cache)))
}

fn generate_inner(opts: &BuildOptions, cache: Option<&Cache>) -> Result<Built, Failure> {
    let sink = emit::MemorySink::default();
    let empty = Cache::default();
    let (reuse, keep_parsed): (&Cache, bool) = match cache {
        Some(cache) => (cache, true),
        None => (&empty, false),
    };
    let rendered = prepare(opts, reuse, keep_parsed)?.render(opts, &sink, reuse)?;
    let (files, kept) = sink.into_parts();
    Ok(Built {
        site: rendered.site,
        files,
        kept,
        restricted: rendered.restricted,
        report: rendered.report,
        records: rendered.records,
    })
}

/// Where these options ask a build to write.
fn wanted<'a>(opts: &'a BuildOptions, config: &SiteConfig) -> output::Wanted<'a> {
    output::Wanted {
        root: &opts.root,
        out: output_dir(opts, config),
        mode: opts.mode,
        restricted: opts.restricted.as_deref(),
        cache: opts.cache_dir(),
        changed_list: opts.changed_list.as_deref(),
    }
}

/// The output folder for these options.
pub fn output_dir(opts: &BuildOptions, config: &SiteConfig) -> PathBuf {
    opts.output
        .clone()
        .unwrap_or_else(|| opts.root.join(&config.output_dir))
}

/// Builds the site: every file goes into a staging folder as it is made, and the folder
/// replaces the output only when everything succeeded.
pub fn build(opts: &BuildOptions) -> Result<Report, Failure> {
    finish(opts, build_inner(opts))
}

fn build_inner(opts: &BuildOptions) -> Result<Report, Failure> {
    let mut timer = Timer::new(opts.progress.clone());
    let mut sources = SourceMap::default();
    let read = load::read(opts, &mut timer, &mut sources, None)?;
    let mut probe = Probe::new(opts, &read);
    if let Some(mut report) = probe.unchanged(opts) {
        timer.lap(crate::timing::Stage::Write);
        report.timings = timer.timings;
        return Ok(report);
    }
    // The last build's cache offers no parsed advisories (they are not kept on disk), only
    // the held-back documents that passed their check.
    let mut prepared = prepare::prepare_read(opts, read, timer, sources, &probe.last.cache, false)?;
    prepared.theme = probe.theme.take();
    let sources = prepared.sources.clone();
    let one = |d: Diagnostic| fail(vec![d], &sources);
    let config = &prepared.site.config;
    let shown = output_dir(opts, config);
    let targets = output::targets(&wanted(opts, config), config).map_err(one)?;
    // Every staging folder (and the lock of its output) before rendering: a folder that
    // cannot be made fails the build before any output is touched.
    let mut public = output::Staging::create(&targets.out, targets.kind).map_err(one)?;
    let restricted = targets
        .restricted
        .as_deref()
        .map(|dir| output::Staging::create(dir, output::OutputKind::Restricted))
        .transpose()
        .map_err(one)?;
    // The cache describes the output being replaced only when that is ours (of this kind).
    let last = match public.previous() {
        Some(_) => probe.last,
        None => cache::Last::default(),
    };
    let Rendered {
        site,
        mut report,
        restricted: restricted_files,
        records,
        paths,
    } = prepared.render(opts, &public, &last.cache)?;
    if opts.exit_after {
        std::mem::forget(site);
    }
    let mut timer = Timer::new(opts.progress.clone());
    // What the emitters freed goes back to the system before the swap's own lists are made.
    if let Some(release) = opts.release_memory {
        release();
    }
    let changes = public.take_changes();
    let kept = last.kept_stamps(&paths, &changes);
    drop(last);
    let mut stagings = vec![public];
    if let Some(staging) = restricted {
        staging.write_all(&restricted_files).map_err(one)?;
        stagings.push(staging);
    }
    output::commit_all(stagings).map_err(|d| fail(d, &sources))?;
    // After the swap: the cache describes the output now in place. Killed before this,
    // the previous cache stays: its entries whose files this build replaced no longer
    // match their stamps and are not used; the others still name unchanged files.
    let made = cache::Made {
        records: &records,
        paths: &paths,
        kept,
        // A build with warnings is never skipped (they are printed every time).
        inputs: probe.inputs.filter(|_| report.warnings.is_empty()),
        summary: cache::Summary::of(&report),
    };
    let cache_file = cache::cache_file(&targets.cache, &targets.out);
    if let Err(d) = cache::save(&cache_file, &targets.out, made) {
        report.warnings.push(d);
    }
    report.changes = Some(changes);
    timer.lap(crate::timing::Stage::Write);
    report.timings.extend(timer.timings);
    report.output = Some(shown);
    Ok(report)
}

/// Validates everything `build` would (rendering every file and throwing it away), without
/// writing, and adds the CSAF recommended tests (6.2.x) as warnings.
pub fn check(opts: &BuildOptions) -> Result<Report, Failure> {
    finish(opts, check_inner(opts))
}

fn check_inner(opts: &BuildOptions) -> Result<Report, Failure> {
    let Rendered { site, mut report, .. } =
        prepare(opts, &Cache::default(), false)?.render(opts, &emit::DiscardSink, &emit::NoReuse)?;
    let recommended: Vec<Diagnostic> = {
        use rayon::prelude::*;
        site.advisories
            .par_iter()
            .flat_map_iter(|a| {
                let mut json = emit::csaf::csaf_json(&site, a);
                emit::csaf::sort_keys(&mut json);
                emit::csaf::validate::recommended(json, &a.source)
            })
            .collect()
    };
    report.warnings.extend(recommended);
    report.warnings = diag::sorted(std::mem::take(&mut report.warnings));
    Ok(report)
}

/// The outcome of a run with the text of every file its diagnostics point into: texts are
/// let go once parsed (a large site's are tens of megabytes), and read again here for the
/// few that a diagnostic needs.
fn finish(opts: &BuildOptions, result: Result<Report, Failure>) -> Result<Report, Failure> {
    match result {
        Ok(mut report) => {
            reread(&opts.root, &mut report.sources, &report.warnings);
            Ok(report)
        }
        Err(failure) => Err(finish_failure(opts, failure)),
    }
}

fn finish_built(opts: &BuildOptions, result: Result<Built, Failure>) -> Result<Built, Failure> {
    match result {
        Ok(mut built) => {
            reread(&opts.root, &mut built.report.sources, &built.report.warnings);
            Ok(built)
        }
        Err(failure) => Err(finish_failure(opts, failure)),
    }
}

fn finish_failure(opts: &BuildOptions, mut failure: Failure) -> Failure {
    reread(&opts.root, &mut failure.sources, &failure.diagnostics);
    failure
}

fn reread(root: &Path, sources: &mut SourceMap, diags: &[Diagnostic]) {
    let missing: Vec<PathBuf> = sources
        .missing(diags)
        .into_iter()
        .map(Path::to_path_buf)
        .collect();
    for file in missing {
        let bytes = source::read_limited(&root.join(&file), source::MAX_FILE_BYTES);
        if let Some(text) = bytes.ok().and_then(|b| String::from_utf8(b).ok()) {
            sources.add(&file, std::sync::Arc::from(text));
        }
    }
}
