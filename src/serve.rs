//! `serve`: build into a temporary folder, serve it on 127.0.0.1, rebuild on change.

use std::path::Path;

use crate::diag::Diagnostic;
use crate::site::Mode;

pub fn run(_root: &Path, _port: u16, _open: bool, _mode: Mode) -> Result<(), Diagnostic> {
    Err(Diagnostic::error(crate::diag::Code::Io, "serve is not yet implemented"))
}
