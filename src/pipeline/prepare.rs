//! Stages 5–6: the site assembled behind the publication gate, then validated.

use super::load::{Loaded, load};
use super::{BuildOptions, Failure, fail};
use crate::diag::{Diagnostic, SourceMap};
use crate::site::{Parts, Site};
use crate::timing::Timer;
use crate::{emit, memo, signing, validate};

/// The site assembled and validated (stages 1–6), ready to render.
pub(super) struct Prepared {
    pub(super) site: Site,
    /// Parsed advisories for the next build's memo (`serve` only).
    pub(super) memo_entries: Vec<memo::Entry>,
    pub(super) signer: Option<signing::Signer>,
    pub(super) diags: Vec<Diagnostic>,
    pub(super) timer: Timer,
    pub(super) sources: SourceMap,
}

pub(super) fn prepare(opts: &BuildOptions, memo: Option<&memo::Memo>) -> Result<Prepared, Failure> {
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
    let memo_entries = parsed.memo_entries;
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
    diags.extend(emit::csaf::check_held_back(&site));
    diags.extend(emit::security_txt::check(&site));
    if diags.iter().any(Diagnostic::is_error) {
        return Err(fail(diags, &sources));
    }
    timer.lap(crate::timing::Stage::Validate);
    Ok(Prepared {
        site,
        memo_entries,
        signer,
        diags,
        timer,
        sources,
    })
}
