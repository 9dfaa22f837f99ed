//! The PGP key page, the published key and Web Key Directory (stub).

use super::{EmitOptions, OutputFile};
use crate::diag::Diagnostic;
use crate::site::Site;
use crate::theme::Theme;

pub fn emit(_site: &Site, _theme: &Theme, _opts: EmitOptions) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    Ok(Vec::new())
}
