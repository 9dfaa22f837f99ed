//! OpenPGP signing of CSAF documents and security.txt (stub).

/// A loaded, unlocked signing key.
#[derive(Debug)]
pub struct Signer {
    pub fingerprint: String,
}

use std::path::Path;

use crate::config::SiteConfig;
use crate::diag::Diagnostic;

/// Loads and unlocks the signing key when `[signing]` is configured.
pub fn load(_root: &Path, _config: &SiteConfig) -> Result<Option<Signer>, Vec<Diagnostic>> {
    Ok(None)
}
