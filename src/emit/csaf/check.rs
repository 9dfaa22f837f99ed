//! `check --provider DIR`: checks a built output folder the way a CSAF checker checks a
//! live provider, for everything that needs no web server.

use std::path::Path;
use std::process::ExitCode;

pub fn run_cli(_dir: &Path) -> ExitCode {
    ExitCode::from(2)
}
