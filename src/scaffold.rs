//! `init` and `new advisory`: files that give a user a working start.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

pub fn init(_dir: &Path) -> Result<(), Diagnostic> {
    Err(Diagnostic::error(crate::diag::Code::Io, "not yet implemented"))
}

pub fn new_advisory(_root: &Path, _title: Option<&str>, _now: jiff::Timestamp) -> Result<PathBuf, Diagnostic> {
    Err(Diagnostic::error(crate::diag::Code::Io, "not yet implemented"))
}
