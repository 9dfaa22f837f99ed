//! The context of the PGP key page (`pgp.html`).

use serde::Serialize;

use super::Common;
use crate::pgpkey::SubkeyInfo;

/// What `pgp.html` sees as `key`.
#[derive(Serialize)]
pub struct KeyView<'a> {
    pub fingerprint: &'a str,
    pub fingerprint_grouped: &'a str,
    pub algorithm: &'a str,
    pub created: &'a str,
    pub expires: Option<&'a str>,
    pub user_ids: &'a [String],
    pub subkeys: &'a [SubkeyInfo],
    pub download_url: String,
    pub wkd_email: Option<&'a str>,
    /// This build signs CSAF documents and security.txt: the page explains `gpg --verify`.
    pub signs: bool,
}

#[derive(Serialize)]
pub struct KeyContext<'a> {
    #[serde(flatten)]
    pub common: Common,
    pub key: KeyView<'a>,
}
