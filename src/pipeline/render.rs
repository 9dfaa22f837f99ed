//! Stages 7–8: the theme and every emitter, then the link check over the output's paths.

use super::cache::Records;
use super::prepare::Prepared;
use super::{BuildOptions, Failure, Report, fail};
use crate::diag;
use crate::emit::{self, EmitOptions, OutputFile, Sink};
use crate::site::{self, Site};
use crate::{theme, validate};

impl Prepared {
    /// Stages 7–8: theme and every emitter, each file handed to `sink` as it is made;
    /// returns the report and, when asked for, the restricted CSAF files.
    pub(super) fn render(
        mut self,
        opts: &BuildOptions,
        sink: &dyn Sink,
        reuse: &dyn emit::Reuse,
    ) -> Result<Rendered, Failure> {
        let theme = match self.theme.take() {
            Some(theme) => theme,
            None => theme::Theme::load(&opts.root, self.site.config.theme.as_deref())
                .map_err(|d| fail(d, &self.sources))?,
        };
        self.timer.lap(crate::timing::Stage::Theme);
        let emitter = emit::Emitter {
            site: &self.site,
            theme: &theme,
            signer: self.signer.as_ref(),
            opts: EmitOptions {
                live_reload: opts.live_reload,
                release_memory: opts.release_memory,
                in_process: self.in_process,
            },
            sink,
            reuse,
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
                let files = emit::csaf::restricted(&self.site, self.signer.as_ref())
                    .map_err(|d| fail(d, &self.sources))?;
                emit::check_wellformed(&files).map_err(|d| fail(d, &self.sources))?;
                files
            }
            None => Vec::new(),
        };
        self.timer.lap(crate::timing::Stage::Emit);
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
            changes: None,
            timings: self.timer.timings,
            emit_steps,
            sources: self.sources,
        };
        Ok(Rendered {
            site: self.site,
            paths,
            report,
            restricted,
            records: Records {
                // A held-back document's check is recorded as a key without files.
                made: outcome
                    .made
                    .into_iter()
                    .chain(self.held_checked.into_iter().map(|key| (key, Vec::new())))
                    .collect(),
                parsed: self.parsed_files,
                fragments: outcome.fragments,
                derived: outcome.derived,
                sources: self.source_files,
            },
        })
    }
}

/// What [`Prepared::render`] made besides the files it handed to the sink.
pub(super) struct Rendered {
    pub(super) site: Site,
    /// Every output file's path, sorted.
    pub(super) paths: Vec<String>,
    pub(super) report: Report,
    pub(super) restricted: Vec<OutputFile>,
    /// What the next build's cache keeps.
    pub(super) records: Records,
}
