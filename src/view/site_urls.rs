//! Where the site's fixed pages are, for templates (`site.urls`), taken from `routes`.

use serde::Serialize;

use crate::routes;

/// Where the site's fixed pages and files are (see [`super::SiteView::urls`]).
#[derive(Debug, Clone, Serialize)]
pub struct SiteUrls {
    pub home: String,
    pub advisories: String,
    pub products: String,
    pub acknowledgments: String,
    pub feeds: String,
    /// The PGP key page (present when `has_key`).
    pub pgp: String,
    /// The disclosure policy (present when `has_policy`).
    pub policy: String,
    pub security_txt: String,
    pub main_feed: String,
}

impl SiteUrls {
    pub(super) fn new(root: &str) -> Self {
        let url = |path: &str| format!("{root}/{path}");
        SiteUrls {
            home: url(routes::HOME),
            advisories: url(routes::ADVISORIES),
            products: url(routes::PRODUCTS),
            acknowledgments: url(routes::ACKNOWLEDGMENTS),
            feeds: url(routes::FEEDS_PAGE),
            pgp: url(routes::KEY_PAGE),
            policy: url(&routes::page_dir(routes::POLICY_SLUG)),
            security_txt: url(routes::SECURITY_TXT),
            main_feed: url(routes::MAIN_FEED),
        }
    }
}
