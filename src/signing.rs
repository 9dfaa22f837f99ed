//! OpenPGP signing of CSAF documents and security.txt (stub).

/// A loaded, unlocked signing key.
#[derive(Debug)]
pub struct Signer {
    pub fingerprint: String,
}

impl Signer {
    pub fn fingerprint(&self) -> String {
        self.fingerprint.clone()
    }

    pub fn public_key_armored(&self) -> String {
        String::new()
    }

    pub fn detached(&self, _data: &[u8]) -> Result<String, Diagnostic> {
        Ok(String::new())
    }

    pub fn clearsign(&self, text: &str) -> Result<String, Diagnostic> {
        Ok(text.to_string())
    }
}

use std::path::Path;

use crate::config::SiteConfig;
use crate::diag::Diagnostic;

/// Loads and unlocks the signing key when `[signing]` is configured.
pub fn load(_root: &Path, _config: &SiteConfig) -> Result<Option<Signer>, Vec<Diagnostic>> {
    Ok(None)
}
