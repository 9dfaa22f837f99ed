//! Stages 5–6: the site assembled behind the publication gate, then validated.

use super::cache::{Cache, Parsed as ParsedFile};
use super::load::{Loaded, Read, load, read};
use super::{BuildOptions, Failure, fail};
use crate::diag::{Diagnostic, SourceMap};
use crate::digest::Key;
use crate::site::{Parts, Site};
use crate::timing::Timer;
use crate::{emit, signing, validate};

/// The site assembled and validated (stages 1–6), ready to render.
pub(super) struct Prepared {
    pub(super) site: Site,
    /// Parsed advisories for the next build's cache (`serve` only).
    pub(super) parsed_files: Vec<(Key, ParsedFile)>,
    /// The source files read, for the next build's cache (`serve` only).
    pub(super) source_files: Vec<crate::source::SourceFile>,
    pub(super) signer: Option<signing::Signer>,
    pub(super) diags: Vec<Diagnostic>,
    pub(super) timer: Timer,
    pub(super) sources: SourceMap,
    /// The theme, when an earlier step loaded it already (`build`'s probe).
    pub(super) theme: Option<crate::theme::Theme>,
    /// The keys of the held-back advisories whose CSAF documents passed the check.
    pub(super) held_checked: Vec<Key>,
    /// Whether the next build runs in this process (`serve`, which keeps parsed advisories
    /// too): see [`crate::emit::EmitOptions::in_process`].
    pub(super) in_process: bool,
}

/// Stages 1–6; `cache` offers parsed advisories, and with `keep_parsed` the parsed
/// advisories are kept for the next build's cache (`serve`).
pub(super) fn prepare(opts: &BuildOptions, cache: &Cache, keep_parsed: bool) -> Result<Prepared, Failure> {
    let mut timer = Timer::new(opts.progress.clone());
    let mut sources = SourceMap::default();
    // `serve` (which keeps parsed advisories) also takes unchanged files from its cache.
    let previous = keep_parsed.then(|| cache.previous_sources());
    let read = read(opts, &mut timer, &mut sources, previous)?;
    prepare_read(opts, read, timer, sources, cache, keep_parsed)
}

/// As [`prepare`], on what [`read`] found already.
pub(super) fn prepare_read(
    opts: &BuildOptions,
    read: Read,
    mut timer: Timer,
    mut sources: SourceMap,
    cache: &Cache,
    keep_parsed: bool,
) -> Result<Prepared, Failure> {
    let Loaded {
        now,
        config,
        parsed,
        key,
        signer,
        mut diags,
    } = load(opts, read, &mut timer, &mut sources, cache, keep_parsed)?;
    let (parsed_files, source_files) = (parsed.parsed_files, parsed.source_files);
    let site = Site::assemble(Parts {
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
    timer.lap(crate::timing::Stage::Assemble);

    diags.extend(validate::run(&site));
    // A held-back document that passed under the same key in the last build passes again;
    // its key goes into this build's records (with no files) for the next.
    let (held, held_checked) =
        emit::csaf::check_held_back(&site, &|key| emit::Reuse::files(cache, key).is_some());
    diags.extend(held);
    diags.extend(emit::security_txt::check(&site));
    if diags.iter().any(Diagnostic::is_error) {
        return Err(fail(diags, &sources));
    }
    timer.lap(crate::timing::Stage::Validate);
    Ok(Prepared {
        site,
        parsed_files,
        source_files,
        signer,
        diags,
        timer,
        sources,
        theme: None,
        held_checked,
        in_process: keep_parsed,
    })
}
