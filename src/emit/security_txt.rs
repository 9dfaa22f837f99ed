//! RFC 9116 security.txt (stub).

use super::OutputFile;
use crate::diag::Diagnostic;
use crate::signing::Signer;
use crate::site::Site;

pub fn emit(_site: &Site, _signer: Option<&Signer>) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    Ok(Vec::new())
}
