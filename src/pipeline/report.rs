//! What a run tells its caller: the report of a successful build or check, or every
//! problem of a failed one.

use std::path::PathBuf;

use crate::diag::{Diagnostic, SourceMap};
use crate::output;
use crate::site::{self, HeldBack};
use crate::timing::StageTiming;

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
    /// What `build` changed in the public output compared with the output it replaced.
    pub changes: Option<output::Changes>,
}

/// Held-back advisories listed one per line up to this many; more get one line with counts
/// (a 10k site holds back hundreds, which buried the rest of a CI log).
const HELD_LISTED: usize = 10;

impl Report {
    /// What to print about the held-back advisories: one line each when there are few or
    /// `all` is asked for, else one line with the count by reason.
    pub fn held_lines(&self, all: bool) -> Vec<String> {
        let held = &self.held_back;
        if all || held.len() <= HELD_LISTED {
            return held
                .iter()
                .map(|h| format!("held back: {} ({}): {}", h.id, h.source.display(), h.reason))
                .collect();
        }
        let count = |f: fn(&site::HoldReason) -> bool| held.iter().filter(|h| f(&h.reason)).count();
        let drafts = count(|r| matches!(r, site::HoldReason::Draft));
        let embargoed = count(|r| matches!(r, site::HoldReason::Embargoed { .. }));
        let restricted = count(|r| matches!(r, site::HoldReason::Restricted { .. }));
        vec![format!(
            "held back: {} advisories ({drafts} drafts, {embargoed} embargoed, {restricted} not TLP:CLEAR); --verbose lists them",
            held.len()
        )]
    }

    /// `11 advisories published, 1 held back, 40 files` (and for `build`, `, 3 changed,
    /// 1 added, 0 removed`): the one count `build`, `check`
    /// and `serve` all print, so that they agree.
    pub fn summary(&self) -> String {
        let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let changes = self
            .changes
            .as_ref()
            .map(|c| {
                format!(
                    ", {} changed, {} added, {} removed",
                    c.changed.len(),
                    c.added.len(),
                    c.removed.len()
                )
            })
            .unwrap_or_default();
        format!(
            "{} published, {} held back, {}{changes}",
            plural(self.published, "advisory", "advisories"),
            self.held_back.len(),
            plural(self.files, "file", "files")
        )
    }
}

/// A failed build or check: every problem found, and the texts to show them in.
#[derive(Debug)]
pub struct Failure {
    pub diagnostics: Vec<Diagnostic>,
    pub sources: SourceMap,
}
