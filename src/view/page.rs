//! The context of every page: the part all templates share, and the advisory and
//! Markdown pages' own.

use serde::Serialize;

use super::{AdvisoryView, PageMeta, SiteView};

/// The part of every page context that is the same for all templates.
#[derive(Serialize)]
pub struct Common {
    pub site: SiteView,
    pub page: PageMeta,
}

#[derive(Serialize)]
pub struct AdvisoryContext {
    #[serde(flatten)]
    pub common: Common,
    pub advisory: AdvisoryView,
}

#[derive(Serialize)]
pub struct PageContent {
    pub title: String,
    pub description: Option<String>,
    pub body_html: String,
}

#[derive(Serialize)]
pub struct PageContext {
    #[serde(flatten)]
    pub common: Common,
    pub content: PageContent,
}
