//! CSAF 2.0 documents and the trusted-provider layout (stub until the CSAF emitter lands).

use super::OutputFile;
use crate::diag::Diagnostic;
use crate::model::Advisory;
use crate::signing::Signer;
use crate::site::Site;
use crate::view::DownloadView;

pub fn emit(_site: &Site, _signer: Option<&Signer>) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    Ok(Vec::new())
}

pub fn downloads(_site: &Site, _a: &Advisory) -> Vec<DownloadView> {
    Vec::new()
}

/// `check --provider DIR` (stub).
pub fn check_provider_cli(_dir: &std::path::Path) -> std::process::ExitCode {
    std::process::ExitCode::from(2)
}
