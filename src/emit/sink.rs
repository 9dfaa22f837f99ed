//! Where the emit stage hands its files: the [`Sink`] of `build` is a staging folder
//! (`output::Staging`); `serve` and tests keep them in memory, `check` drops them.

use super::{FileId, OutputFile, Reused};
use crate::diag::{Code, Diagnostic};

/// Where finished files go: a staging folder (`build`), memory (`serve`, tests) or nowhere
/// (`check`). Emitters never write themselves; [`super::Emitter::run`] hands every file to the sink
/// as soon as it is made, so a build never holds the whole output in memory.
pub trait Sink: Sync {
    fn put(&self, file: OutputFile) -> Result<(), Diagnostic>;

    /// The previous output's file at `path` is this build's too ([`Reused`]); only
    /// a sink over an output folder is offered such files.
    fn keep(&self, path: &str, _file: Option<FileId>) -> Result<(), Diagnostic> {
        Err(Diagnostic::error(
            Code::Output,
            format!("internal error: no previous output to keep `{path}` from"),
        ))
    }

    /// As [`Sink::keep`] for each of `files` (one advisory's), which a sink may take in
    /// one step.
    fn keep_all(&self, files: Vec<Reused>) -> Result<(), Diagnostic> {
        files.into_iter().try_for_each(|f| self.keep(&f.path, f.file))
    }
}

/// Keeps every file, for `serve` and tests; of a file kept from the previous output (held
/// by the cache, `serve`), only the path.
#[derive(Default)]
pub struct MemorySink {
    files: std::sync::Mutex<Vec<OutputFile>>,
    kept: std::sync::Mutex<Vec<String>>,
}

impl MemorySink {
    /// The files made, sorted by path, and the paths kept, in no order (at 10k advisories
    /// they are ~47,000; `serve` needs only how many there are, or each once).
    pub fn into_parts(self) -> (Vec<OutputFile>, Vec<String>) {
        let mut files = self
            .files
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        files.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        let kept = self
            .kept
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        (files, kept)
    }
}

impl Sink for MemorySink {
    fn put(&self, file: OutputFile) -> Result<(), Diagnostic> {
        self.files
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(file);
        Ok(())
    }

    fn keep(&self, path: &str, _file: Option<FileId>) -> Result<(), Diagnostic> {
        self.kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(path.to_string());
        Ok(())
    }

    fn keep_all(&self, files: Vec<Reused>) -> Result<(), Diagnostic> {
        self.kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .extend(files.into_iter().map(|f| f.path));
        Ok(())
    }
}

/// Drops every file: `check` renders everything (so it finds what `build` would) but
/// writes nothing.
pub struct DiscardSink;

impl Sink for DiscardSink {
    fn put(&self, _file: OutputFile) -> Result<(), Diagnostic> {
        Ok(())
    }

    fn keep(&self, _path: &str, _file: Option<FileId>) -> Result<(), Diagnostic> {
        Ok(())
    }
}
