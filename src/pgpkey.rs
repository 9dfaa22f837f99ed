//! Reading the published OpenPGP public key for the key page (stub).

use serde::Serialize;

/// What the key page shows about the published key.
#[derive(Debug, Clone, Serialize)]
pub struct KeyInfo {
    pub fingerprint: String,
    pub armored: String,
}

use std::path::Path;

use jiff::Timestamp;

use crate::config::SiteConfig;
use crate::diag::Diagnostic;

/// Loads the configured public key: `Ok(None)` when none is configured; warnings ride
/// along with the key.
pub fn load(
    _root: &Path,
    _config: &SiteConfig,
    _now: Timestamp,
) -> Result<Option<(KeyInfo, Vec<Diagnostic>)>, Vec<Diagnostic>> {
    Ok(None)
}
