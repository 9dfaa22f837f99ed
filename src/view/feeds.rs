//! The context of the feeds page (`feeds.html`).

use serde::Serialize;

use super::Common;

#[derive(Serialize)]
pub struct FeedEntry {
    pub title: String,
    pub url: String,
    pub description: String,
}

#[derive(Serialize)]
pub struct FeedsContext {
    #[serde(flatten)]
    pub common: Common,
    pub feeds: Vec<FeedEntry>,
}
