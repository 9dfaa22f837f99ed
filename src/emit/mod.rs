//! Emit: every output kind is its own module, each a pure function of `&Site` returning
//! files. Nothing here touches the disk: files go to a [`Sink`], and `output` writes.

mod advisory_files;
pub mod csaf;
pub mod derived;
pub mod feeds;
pub mod hall;
pub mod hosting;
pub mod html;
mod keyed;
pub mod keys;
pub mod lists;
pub mod page;
pub mod paginate;
pub mod reuse;
pub mod security_txt;
pub mod sink;
pub mod sitemap;
pub mod wellformed;

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic};
use crate::digest::{self, Key};
use crate::signing::Signer;
use crate::site::Site;
use crate::theme::Theme;
pub use reuse::{FileId, Fragments, NoReuse, Reuse, Reused};
pub use sink::{DiscardSink, MemorySink, Sink};

/// One file of the output, with a `/`-separated path relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }

    pub fn is_html(&self) -> bool {
        self.path.ends_with(".html")
    }
}

/// Options that change what is emitted but not what is published.
#[derive(Debug, Clone, Copy, Default)]
pub struct EmitOptions {
    /// Inject the live-reload script into HTML pages (serve mode).
    pub live_reload: bool,
    /// See [`crate::BuildOptions::release_memory`].
    pub release_memory: Option<fn()>,
    /// The next build runs in this process, over this one's output (`serve`). The build
    /// hands back pieces of files for it ([`Reuse::fragment`]), and makes the hall of fame
    /// beside the list pages: `build` makes the lists alone, as their memory is the peak of
    /// a cold build, but `serve` is waited for, and a rebuild makes few list pages.
    pub in_process: bool,
}

type EmitResult = Result<Vec<OutputFile>, Vec<Diagnostic>>;
type Delivered = Result<Vec<String>, Vec<Diagnostic>>;

/// Keys and the files made under each, for the next build's cache.
type Made = Vec<(Key, Vec<String>)>;

/// What the emit steps have handed on so far: the paths delivered (or the problems found)
/// and what the next build's cache keeps.
#[derive(Default)]
struct Gathered {
    delivered: Vec<Delivered>,
    made: Made,
    fragments: Fragments,
}

impl Gathered {
    fn keyed(&mut self, (delivered, made): keyed::Keyed) {
        self.delivered.push(delivered);
        self.made.extend(made);
    }
}

/// The emit stage: every file any emitter makes is checked, minified when it is HTML and
/// the site asks for it, and handed to `sink`.
pub struct Emitter<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub signer: Option<&'a Signer>,
    pub opts: EmitOptions,
    pub sink: &'a dyn Sink,
    /// What a previous build made that may be taken instead of made again.
    pub reuse: &'a dyn Reuse,
}

/// What [`Emitter::run`] did.
pub struct Outcome {
    /// The paths of all files, sorted, or every problem found.
    pub delivered: Result<Vec<String>, Vec<Diagnostic>>,
    /// How long each step took (for `--timings`).
    pub steps: Vec<crate::timing::StageTiming>,
    /// Each advisory's key and files, for the next build's cache.
    pub made: Vec<(Key, Vec<String>)>,
    /// Pieces of files by key, for the next build's cache (with
    /// [`EmitOptions::in_process`]).
    pub fragments: Fragments,
    /// Every advisory's derived values, for the next build (with
    /// [`EmitOptions::in_process`]). Their keys and files are not in `made`: the next
    /// build's cache takes them from here.
    pub derived: Option<derived::Memo>,
}

impl Emitter<'_> {
    /// Runs every emitter.
    pub fn run(&self) -> Outcome {
        // No progress reports for the steps: the progress display shows stages.
        let mut laps = crate::timing::Timer::new(crate::timing::Progress::default());
        let mut out = Gathered::default();
        // The parser's garbage and the source texts are free by now; what the allocator keeps
        // of them is not all of the sizes the lists need, so give it back first.
        self.release_memory();
        let context = reuse::advisory_context(self.site, self.theme, self.signer, self.opts);
        let memo = derived::Memo::new(self.site, &context, self.reuse.derived(), self.opts.in_process);
        let delivered = self.run_steps(&mut laps, &mut out, &memo, &context);
        Outcome {
            delivered,
            steps: laps.timings,
            made: out.made,
            fragments: out.fragments,
            derived: self.opts.in_process.then_some(memo),
        }
    }

    fn run_steps(
        &self,
        laps: &mut crate::timing::Timer,
        out: &mut Gathered,
        memo: &derived::Memo,
        context: &Key,
    ) -> Delivered {
        let keys = reuse::Keys::new(memo, context);
        // `serve` makes the hall of fame beside all the rest (see `EmitOptions::in_process`):
        // it is one template of ~2.6 MB at 10k, serial work that is the longest single job
        // of a rebuild after an edit of a credited advisory's title.
        let apart = self.opts.in_process;
        let (hall, ()) = rayon::join(
            || apart.then(|| self.deliver_hall(context, memo)),
            || self.pages_and_documents(laps, &keys, memo, context, !apart, out),
        );
        if let Some(hall) = hall {
            out.keyed(hall);
        }
        let mut paths: Vec<String> = gather(std::mem::take(&mut out.delivered))?
            .into_iter()
            .flatten()
            .collect();
        let (listings, listings_made) = self.deliver_listings(&paths, context);
        out.made.extend(listings_made);
        let listings = listings?;
        // Path patterns, the same for every site: nothing to wait for.
        paths.extend(self.deliver_all(hosting::emit())?);
        paths.extend(listings);
        paths.par_sort_unstable();
        check_unique(&paths)?;
        laps.lap(crate::timing::Stage::Listings);
        Ok(paths)
    }

    /// Has the allocator give back the memory it keeps, where the binary allows it.
    fn release_memory(&self) {
        if let Some(release) = self.opts.release_memory {
            release();
        }
    }

    /// The list pages, then every advisory's files beside the feeds and the site-wide files
    /// (with the hall of fame when `with_hall`), then the provider files.
    fn pages_and_documents(
        &self,
        laps: &mut crate::timing::Timer,
        keys: &reuse::Keys<'_>,
        memo: &derived::Memo,
        context: &Key,
        with_hall: bool,
        out: &mut Gathered,
    ) {
        let site = self.site;
        // The list pages first, each written as soon as it is made.
        out.keyed(self.deliver_lists(keys));
        laps.lap(crate::timing::Stage::Lists);
        // The lists' advisory summaries (~70 MiB at 10k) are freed now; let the allocator
        // give them back, or what comes next comes on top of them.
        self.release_memory();
        // Then the bulk of the output (one page and one CSAF document with hashes and
        // signature per advisory), advisory by advisory, and beside it the feeds and the
        // small site-wide files: those are partly serial work that would leave a core idle on
        // their own, and the per-advisory work needs little memory, unlike the lists (which
        // run alone: lists and feeds side by side cost 110 MiB more at 10k). The provider
        // files come after, on their own (the ROLIE feed beside the others): beside the
        // feeds they raised the peak by ~10 MiB at 10k. In `--timings` all of this is the
        // `advisories` step.
        let ((site_files, site_made), per_advisory) = rayon::join(
            || self.site_files(keys, memo, context, with_hall),
            || self.per_advisory(memo),
        );
        out.delivered.extend(site_files);
        out.made.extend(site_made);
        self.release_memory();
        let documents: Vec<csaf::Emitted<'_>> = memo.all().iter().filter_map(|d| d.emitted()).collect();
        let ((rolie, entries), provider) = rayon::join(
            || self.deliver_rolie_feed(&documents),
            || csaf::provider::files(site, &documents, self.signer).and_then(|files| self.deliver_all(files)),
        );
        out.keyed(rolie);
        out.fragments.extend(entries);
        out.delivered.push(provider);
        laps.lap(crate::timing::Stage::Advisories);
        match per_advisory {
            Ok(all) => {
                out.made.extend(all.made);
                out.delivered.push(Ok(all.paths));
            }
            Err(d) => out.delivered.push(Err(d)),
        }
    }

    /// The feeds, the small site-wide files (keys, security.txt, sitemap, theme files) and,
    /// when `with_hall`, the hall of fame.
    fn site_files(
        &self,
        keys: &reuse::Keys<'_>,
        memo: &derived::Memo,
        context: &Key,
        with_hall: bool,
    ) -> (Vec<Delivered>, Made) {
        let (site, theme, opts) = (self.site, self.theme, self.opts);
        type Step<'s> = Box<dyn Fn() -> EmitResult + Send + Sync + 's>;
        let small_files: Vec<Step<'_>> = vec![
            Box::new(|| keys::emit(site, theme, opts)),
            Box::new(|| security_txt::emit(site, self.signer)),
            Box::new(|| sitemap::emit(site)),
        ];
        let deliver = |emit: &Step<'_>| emit().and_then(|files| self.deliver_all(files));
        let all_feeds = feeds::all_feeds(site);
        let mut jobs = feeds::jobs(site, theme, opts, &all_feeds, keys);
        let sitemap = self.sitemap(memo);
        // Kept by the key of its bytes: made again it would only be checked again (~3 ms
        // for the 1 MB of XML at 10k).
        let key = digest::key(&[b"sitemap", &sitemap.bytes]);
        jobs.push((
            Some((key, sitemap.path.clone())),
            Box::new(move || Ok(sitemap.clone())),
        ));
        let (feeds, mut made) = self.deliver_jobs(&jobs);
        let (hall, small) = rayon::join(
            || with_hall.then(|| self.deliver_hall(context, memo)),
            || small_files.par_iter().map(deliver).collect::<Vec<_>>(),
        );
        let mut files = vec![feeds];
        if let Some((hall, hall_made)) = hall {
            files.push(hall);
            made.extend(hall_made);
        }
        files.extend(small);
        // The theme's and site's own files are delivered as they are: a JSON file of the
        // user's is theirs to get right, not a psirt-site bug.
        files.push(statics(theme).into_iter().map(|f| self.put(f)).collect());
        (files, made)
    }

    /// The sitemap, of the memo's entries where it has them.
    fn sitemap(&self, memo: &derived::Memo) -> OutputFile {
        let site = self.site;
        match memo.complete() {
            true => sitemap::sitemap(site, memo.all().iter().map(|d| d.sitemap.as_str().into())),
            false => sitemap::sitemap(
                site,
                site.advisories
                    .iter()
                    .map(|a| sitemap::advisory_entry(site, a).into()),
            ),
        }
    }

    /// Hands on a file a previous build made: the sink keeps it as it was written (already
    /// minified and checked).
    fn put_reused(&self, Reused { path, file }: Reused) -> Result<String, Vec<Diagnostic>> {
        check_safe(&path)?;
        self.sink.keep(&path, file).map_err(|d| vec![d])?;
        Ok(path)
    }

    /// As [`Emitter::put_reused`] for the files of one advisory, at once.
    fn keep_all(&self, files: Vec<Reused>) -> Result<(), Vec<Diagnostic>> {
        for f in &files {
            check_safe(&f.path)?;
        }
        self.sink.keep_all(files).map_err(|d| vec![d])
    }

    fn deliver_all(&self, files: Vec<OutputFile>) -> Delivered {
        files.into_iter().map(|f| self.deliver(f)).collect()
    }

    /// Checks the path, minifies HTML (when the site asks for it) and hands the file on.
    fn deliver(&self, file: OutputFile) -> Result<String, Vec<Diagnostic>> {
        let file = self.finish(file)?;
        self.put(file)
    }

    /// Minifies HTML when the site asks for it; a generated XML or JSON file must parse.
    fn finish(&self, mut file: OutputFile) -> Result<OutputFile, Vec<Diagnostic>> {
        if self.site.config.minify && file.is_html() {
            file.bytes = crate::minify::minify(std::mem::take(&mut file.bytes));
        }
        check_wellformed(std::slice::from_ref(&file))?;
        Ok(file)
    }

    /// Checks the path and hands the file to the sink.
    fn put(&self, file: OutputFile) -> Result<String, Vec<Diagnostic>> {
        check_safe(&file.path)?;
        let path = file.path.clone();
        self.sink.put(file).map_err(|d| vec![d])?;
        Ok(path)
    }
}

fn check_safe(path: &str) -> Result<(), Vec<Diagnostic>> {
    if is_safe_relative(path) {
        return Ok(());
    }
    Err(vec![Diagnostic::error(
        Code::UnsafePath,
        format!(
            "output path `{}` would leave the output folder",
            path.escape_debug()
        ),
    )])
}

/// Every generated XML and JSON file must parse (see [`wellformed`]).
pub fn check_wellformed(files: &[OutputFile]) -> Result<(), Vec<Diagnostic>> {
    let diags: Vec<Diagnostic> = files
        .iter()
        .filter_map(|f| {
            wellformed::check(&f.path, &f.bytes)
                .err()
                .map(|why| malformed(&f.path, &why))
        })
        .collect();
    if diags.is_empty() { Ok(()) } else { Err(diags) }
}

/// The error for a generated file at `path` that is not well-formed, and why.
fn malformed(path: &str, why: &str) -> Diagnostic {
    Diagnostic::error(
        Code::OutputCheck,
        format!("generated file `{}` is malformed: {why}", path.escape_debug()),
    )
    .help(
        "nothing was published; this is a psirt-site bug, please report it with the input \
         that caused it",
    )
}

fn statics(theme: &Theme) -> Vec<OutputFile> {
    theme
        .statics
        .iter()
        .map(|(path, bytes)| OutputFile::new(path.clone(), bytes.clone()))
        .collect()
}

/// Every result's value, or every problem of all of them (not just the first).
fn gather<T>(results: Vec<Result<T, Vec<Diagnostic>>>) -> Result<Vec<T>, Vec<Diagnostic>> {
    let mut values = Vec::with_capacity(results.len());
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(v) => values.push(v),
            Err(d) => diags.extend(d),
        }
    }
    if diags.is_empty() { Ok(values) } else { Err(diags) }
}

/// Two outputs with one path would overwrite each other. Ids are checked when read, so a
/// collision is a static file named like a generated one (or a bug); report it, never
/// publish.
fn check_unique(paths: &[String]) -> Result<(), Vec<Diagnostic>> {
    let diags: Vec<Diagnostic> = paths
        .windows(2)
        .filter(|pair| pair[0] == pair[1])
        .map(|pair| {
            Diagnostic::error(Code::Output, format!("two outputs want the path `{}`", pair[0])).help(
                "rename what collides: a static file, a page, or an advisory id that is also \
                     a list's folder (a year such as `2025`, or `severity`)",
            )
        })
        .collect();
    if diags.is_empty() { Ok(()) } else { Err(diags) }
}

pub fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
        && path
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..")
}

/// The demo site's model (for unit tests).
#[cfg(test)]
pub(crate) fn demo_site() -> Site {
    let opts = crate::BuildOptions {
        root: env!("CARGO_MANIFEST_DIR").into(),
        // The demo key's creation, plus a few days.
        now: Some("2026-12-01T00:00:00Z".parse().expect("time")),
        ..crate::BuildOptions::default()
    };
    match crate::generate(&opts) {
        Ok(built) => built.site,
        Err(failure) => panic!("the demo site builds: {:?}", failure.diagnostics),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_paths() {
        assert!(is_safe_relative("advisories/A/index.html"));
        assert!(is_safe_relative(".well-known/security.txt"));
        for bad in ["", "/etc/passwd", "../x", "a/../b", "a//b", "a\\b", "a\nb"] {
            assert!(!is_safe_relative(bad), "{bad:?}");
        }
    }
}
