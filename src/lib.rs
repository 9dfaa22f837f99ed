//! psirt-site: a static site generator for product security teams.
//!
//! The pipeline, one stage per module, plain types between them:
//! `config` → `source::discover` → `document` (split + parse) → `site::Site::assemble`
//! (publication gate) → `validate` → `theme` → `emit` (HTML, CSAF, feeds, security.txt,
//! keys; each file minified and handed to a sink as it is made) → `output` (staging folder,
//! atomic swap).

pub mod config;
pub mod diag;
pub mod document;
pub mod emit;
pub mod escape;
pub mod frontmatter;
pub mod import;
pub mod markdown;
pub mod minify;
pub mod model;
pub mod output;
pub mod pgpkey;
pub mod publication;
pub mod scaffold;
pub mod serve;
pub mod signing;
pub mod site;
pub mod source;
pub mod text;
pub mod theme;
pub mod toml_input;
pub mod url;
pub mod validate;
pub mod view;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::Timestamp;

use crate::config::SiteConfig;
use crate::diag::{Code, Diagnostic, SourceMap};
use crate::emit::{EmitOptions, OutputFile, Sink};
use crate::site::{HeldBack, Mode, Parts, Site};
use crate::source::SourceKind;

/// Receives the name of each pipeline stage as it finishes (for a progress display).
#[derive(Clone, Default)]
pub struct Progress(Option<std::sync::Arc<dyn Fn(&'static str) + Send + Sync>>);

impl Progress {
    pub fn new(f: impl Fn(&'static str) + Send + Sync + 'static) -> Self {
        Progress(Some(std::sync::Arc::new(f)))
    }

    fn report(&self, stage: &'static str) {
        if let Some(f) = &self.0 {
            f(stage);
        }
    }
}

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(on)"
        } else {
            "Progress(off)"
        })
    }
}

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
}

impl BuildOptions {
    /// Whether this run is for publication (`build`, `check`): not a preview, and not
    /// `serve` (which alone asks for live reload). Placeholders and example domains are
    /// errors only then.
    pub fn publishes(&self) -> bool {
        self.mode == Mode::Public && !self.live_reload
    }
}

/// A successful build or check.
#[derive(Debug, Default)]
pub struct Report {
    pub warnings: Vec<Diagnostic>,
    pub held_back: Vec<HeldBack>,
    pub published: usize,
    pub files: usize,
    pub output: Option<PathBuf>,
    pub timings: Vec<StageTiming>,
    /// The steps of the `emit` stage (site-wide files, advisories, provider files).
    pub emit_steps: Vec<StageTiming>,
    pub sources: SourceMap,
}

impl Report {
    /// `11 advisories published, 1 held back, 40 files`: the one count `build`, `check`
    /// and `serve` all print, so that they agree.
    pub fn summary(&self) -> String {
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{} published, {} held back, {}",
            plural(self.published, "advisory", "advisories"),
            self.held_back.len(),
            plural(self.files, "file", "files")
        )
    }
}

/// How long a pipeline stage took, and the process's memory when it ended.
#[derive(Debug, Clone, Copy)]
pub struct StageTiming {
    pub stage: &'static str,
    pub elapsed: Duration,
    /// CPU time of all threads (user and system) during the stage, where the OS tells
    /// (Unix). Near twice `elapsed` on two cores means the stage kept both busy.
    pub cpu: Option<Duration>,
    /// Resident and peak resident memory in KiB, where the OS tells (Linux).
    pub rss_kib: Option<(u64, u64)>,
}

impl StageTiming {
    fn now(stage: &'static str, elapsed: Duration, cpu: Option<Duration>) -> Self {
        StageTiming {
            stage,
            elapsed,
            cpu,
            rss_kib: memory_kib(),
        }
    }
}

/// CPU time used so far by all threads of this process, user and system.
#[cfg(unix)]
fn process_cpu() -> Option<Duration> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::uninit();
    // SAFETY: getrusage writes one `rusage` into the pointer, which is valid for that.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: getrusage returned 0, so it filled the struct.
    let usage = unsafe { usage.assume_init() };
    let time = |t: libc::timeval| {
        let secs = u64::try_from(t.tv_sec).unwrap_or(0);
        let micros = u64::try_from(t.tv_usec).unwrap_or(0);
        Duration::from_secs(secs) + Duration::from_micros(micros)
    };
    Some(time(usage.ru_utime) + time(usage.ru_stime))
}

#[cfg(not(unix))]
fn process_cpu() -> Option<Duration> {
    None
}

/// `VmRSS` and `VmHWM` of this process, from `/proc/self/status`.
fn memory_kib() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// A failed build or check: every problem found, and the texts to show them in.
#[derive(Debug)]
pub struct Failure {
    pub diagnostics: Vec<Diagnostic>,
    pub sources: SourceMap,
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
    pub files: Vec<OutputFile>,
    /// CSAF of non-public TLP advisories, when `restricted` was asked for.
    pub restricted: Vec<OutputFile>,
    pub report: Report,
    /// What the next build may reuse (only from [`generate_with_memo`]).
    pub memo: emit::memo::Memo,
}

/// Times stages (and the steps of `emit`): each lap records how long since the last one,
/// with the memory at its end, and reports the stage to the progress display.
pub(crate) struct Timer {
    start: Instant,
    cpu_start: Option<Duration>,
    pub(crate) timings: Vec<StageTiming>,
    progress: Progress,
}

impl Timer {
    pub(crate) fn new(progress: Progress) -> Self {
        Timer {
            start: Instant::now(),
            cpu_start: process_cpu(),
            timings: Vec::new(),
            progress,
        }
    }

    pub(crate) fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        let cpu = process_cpu();
        let used = cpu.zip(self.cpu_start).map(|(c, s)| c.saturating_sub(s));
        self.timings.push(StageTiming::now(stage, now - self.start, used));
        self.start = now;
        self.cpu_start = cpu;
        self.progress.report(stage);
    }
}

fn fail(diagnostics: Vec<Diagnostic>, sources: &SourceMap) -> Failure {
    Failure {
        diagnostics: diag::sorted(diagnostics),
        sources: sources.clone(),
    }
}

/// Inputs read and parsed, before the site is assembled.
struct Loaded {
    now: Timestamp,
    config: SiteConfig,
    parsed: Parsed,
    key: Option<(pgpkey::KeyInfo, Vec<Diagnostic>)>,
    signer: Option<signing::Signer>,
    diags: Vec<Diagnostic>,
}

/// Stages 1–4: configuration, discovery, parsing, keys. Fails on any error so far.
fn load(
    opts: &BuildOptions,
    timer: &mut Timer,
    sources: &mut SourceMap,
    memo: Option<&emit::memo::Memo>,
) -> Result<Loaded, Failure> {
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
    let config = &loaded.config;
    timer.lap("config");
    let discovered = source::discover(&opts.root);
    let all = discovered.files.iter().chain(&discovered.lossy);
    for f in all.chain(&discovered.misplaced) {
        sources.add(&f.rel_path, f.text.clone());
    }
    let config_failed = diags.iter().any(Diagnostic::is_error);
    diags.extend(discovered.diags);
    timer.lap("discover");
    let (parsed, more) = parse_all(&discovered.files, config, memo);
    diags.extend(more);
    timer.lap("parse");
    if config_failed {
        // Keys, signing and the publication checks depend on the configuration: only the
        // content was checked.
        return Err(fail(diags, sources));
    }
    diags.extend(publication::check(&publication::Inputs {
        publishes: opts.publishes(),
        config,
        config_path: &loaded.path,
        config_text: &loaded.text,
        base_url_option: opts.base_url.as_deref(),
        files: &discovered.files,
        advisories: &parsed.advisories,
    }));
    let key = pgpkey::load(&opts.root, config, now);
    let signer = signing::load(&opts.root, config).map(|s| s.map(|s| s.at_time(now)));
    let (key, signer) = match (key, signer) {
        (Ok(k), Ok(s)) => (k, s),
        (k, s) => {
            diags.extend(k.err().into_iter().flatten());
            diags.extend(s.err().into_iter().flatten());
            return Err(fail(diags, sources));
        }
    };
    if diags.iter().any(Diagnostic::is_error) {
        return Err(fail(diags, sources));
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

/// The site assembled and validated (stages 1–6), ready to render.
struct Prepared {
    site: Site,
    held: Vec<model::Advisory>,
    full_catalog: model::Catalog,
    /// Parsed advisories for the next build's memo (`serve` only).
    memo_entries: Vec<emit::memo::Entry>,
    signer: Option<signing::Signer>,
    diags: Vec<Diagnostic>,
    timer: Timer,
    sources: SourceMap,
}

fn prepare(opts: &BuildOptions, memo: Option<&emit::memo::Memo>) -> Result<Prepared, Failure> {
    let mut timer = Timer::new(opts.progress.clone());
    let mut sources = SourceMap::default();
    let Loaded {
        now,
        config,
        parsed,
        key,
        signer,
        mut diags,
    } = load(opts, &mut timer, &mut sources, memo)?;
    let full_catalog = parsed.catalog.clone();
    let memo_entries = parsed.memo_entries;
    let (site, held) = Site::assemble(Parts {
        config,
        build_time: now,
        mode: opts.mode,
        catalog: parsed.catalog,
        advisories: parsed.advisories,
        pages: parsed.pages,
        extra_credits: parsed.extra_credits,
        key: key.as_ref().map(|k| k.0.clone()),
        signing: signer.is_some(),
    })
    .map_err(|d| fail(d, &sources))?;
    diags.extend(key.into_iter().flat_map(|k| k.1));
    timer.lap("assemble");

    diags.extend(validate::run(&site, &held, &full_catalog));
    diags.extend(emit::security_txt::check(&site));
    if diags.iter().any(Diagnostic::is_error) {
        return Err(fail(diags, &sources));
    }
    // The link check runs once the output is known, and points into the files with links.
    sources.retain_mentioned(&diags, validate::links::files_with_links(&site));
    timer.lap("validate");
    Ok(Prepared {
        site,
        held,
        full_catalog,
        memo_entries,
        signer,
        diags,
        timer,
        sources,
    })
}

impl Prepared {
    /// Stages 7–8: theme and every emitter, each file handed to `sink` as it is made;
    /// returns the report and, when asked for, the restricted CSAF files.
    fn render(
        mut self,
        opts: &BuildOptions,
        sink: &dyn Sink,
        memo: Option<&emit::memo::Memo>,
    ) -> Result<Rendered, Failure> {
        let theme = theme::Theme::load(&opts.root, self.site.config.theme.as_deref())
            .map_err(|d| fail(d, &self.sources))?;
        self.timer.lap("theme");
        let emitter = emit::Emitter {
            site: &self.site,
            theme: &theme,
            signer: self.signer.as_ref(),
            opts: EmitOptions {
                live_reload: opts.live_reload,
                release_memory: opts.release_memory,
            },
            sink,
            memo,
        };
        let outcome = emitter.run();
        let emit_steps = outcome.steps;
        let paths = outcome.delivered.map_err(|d| fail(d, &self.sources))?;
        let broken = validate::links::check(&self.site, &paths);
        if !broken.is_empty() {
            return Err(fail(broken, &self.sources));
        }
        let restricted = match opts.restricted {
            Some(_) => {
                let files =
                    emit::csaf::restricted(&self.site, &self.held, &self.full_catalog, self.signer.as_ref())
                        .map_err(|d| fail(d, &self.sources))?;
                emit::check_wellformed(&files).map_err(|d| fail(d, &self.sources))?;
                files
            }
            None => Vec::new(),
        };
        self.timer.lap("emit");
        let report = Report {
            warnings: diag::sorted(self.diags),
            held_back: self.site.held_back.clone(),
            // A preview shows the held-back advisories too; they are not published.
            published: match self.site.mode {
                site::Mode::Public => self.site.advisories.len(),
                site::Mode::Preview => self
                    .site
                    .advisories
                    .len()
                    .saturating_sub(self.site.held_back.len()),
            },
            files: paths.len(),
            output: None,
            timings: self.timer.timings,
            emit_steps,
            sources: self.sources,
        };
        Ok(Rendered {
            site: self.site,
            report,
            restricted,
            memo: {
                let mut memo = outcome.memo;
                memo.extend(self.memo_entries);
                memo
            },
        })
    }
}

/// What [`Prepared::render`] made besides the files it handed to the sink.
struct Rendered {
    site: Site,
    report: Report,
    restricted: Vec<OutputFile>,
    memo: emit::memo::Memo,
}

/// Runs the pipeline and keeps every output file in memory (tests).
pub fn generate(opts: &BuildOptions) -> Result<Built, Failure> {
    generate_inner(opts, None)
}

/// As [`generate`], reusing what `memo` holds from the previous build where the inputs of
/// a page or document are unchanged (`serve`); the new memo is in [`Built::memo`].
pub fn generate_with_memo(opts: &BuildOptions, memo: &emit::memo::Memo) -> Result<Built, Failure> {
    generate_inner(opts, Some(memo))
}

fn generate_inner(opts: &BuildOptions, memo: Option<&emit::memo::Memo>) -> Result<Built, Failure> {
    let sink = emit::MemorySink::default();
    let rendered = prepare(opts, memo)?.render(opts, &sink, memo)?;
    Ok(Built {
        site: rendered.site,
        files: sink.into_files(),
        restricted: rendered.restricted,
        report: rendered.report,
        memo: rendered.memo,
    })
}

/// Everything parsed from `content/`.
struct Parsed {
    catalog: model::Catalog,
    extra_credits: Vec<model::acknowledgments::ExtraCredit>,
    pages: Vec<document::Page>,
    advisories: Vec<model::Advisory>,
    /// Parsed advisories for the next build's memo (`serve` only).
    memo_entries: Vec<emit::memo::Entry>,
}

fn parse_all(
    files: &[source::SourceFile],
    config: &SiteConfig,
    memo: Option<&emit::memo::Memo>,
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
    let (advisories, d, memo_entries) =
        document::parse_advisories_memo(files, &catalog, config.raw_html, memo);
    diags.extend(d);
    let parsed = Parsed {
        catalog,
        extra_credits: extra,
        pages,
        advisories,
        memo_entries,
    };
    (parsed, diags)
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
    let prepared = prepare(opts, None)?;
    let sources = prepared.sources.clone();
    let one = |d: Diagnostic| fail(vec![d], &sources);
    let config = &prepared.site.config;
    let shown = output_dir(opts, config);
    let targets = output::targets(opts, config).map_err(one)?;
    // Every staging folder (and the lock of its output) before rendering: a folder that
    // cannot be made fails the build before any output is touched.
    let public = output::Staging::create(&targets.out, targets.kind).map_err(one)?;
    let restricted = targets
        .restricted
        .as_deref()
        .map(|dir| output::Staging::create(dir, output::OutputKind::Restricted))
        .transpose()
        .map_err(one)?;
    let Rendered {
        mut report,
        restricted: restricted_files,
        ..
    } = prepared.render(opts, &public, None)?;
    let mut timer = Timer::new(opts.progress.clone());
    let mut stagings = vec![public];
    if let Some(staging) = restricted {
        staging.write_all(&restricted_files).map_err(one)?;
        stagings.push(staging);
    }
    output::commit_all(stagings).map_err(|d| fail(d, &sources))?;
    timer.lap("write");
    report.timings.extend(timer.timings);
    report.output = Some(shown);
    Ok(report)
}

/// Validates everything `build` would (rendering every file and throwing it away), without
/// writing, and adds the CSAF recommended tests (6.2.x) as warnings.
pub fn check(opts: &BuildOptions) -> Result<Report, Failure> {
    let Rendered { site, mut report, .. } = prepare(opts, None)?.render(opts, &emit::DiscardSink, None)?;
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

/// Resolves `path` against the site root unless it is absolute.
pub fn site_path(root: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        root.join(path)
    }
}
