//! What every HTML page shares: the common part of its template context, rendering a
//! context into a page file, and the page job the emitters hand to the worker pool.

use serde::Serialize;

use super::{EmitOptions, OutputFile};
use crate::diag::Diagnostic;
use crate::routes::page_file;
use crate::site::Site;
use crate::theme::Theme;
use crate::view::{Common, FeedLink, PageMeta, SiteView, main_feed_link};

// The constructor lives with the emitters' options; the type is the template contract's.
impl Common {
    pub fn new(site: &Site, opts: EmitOptions, section: &str, title: &str, path: &str) -> Self {
        Common {
            site: SiteView::new(site, section, opts.live_reload),
            page: PageMeta {
                title: title.to_string(),
                description: site.config.description.clone(),
                canonical: site.url(path),
                feeds: vec![main_feed_link(site)],
                section: section.to_string(),
            },
        }
    }

    pub fn describe(mut self, description: &str) -> Self {
        self.page.description = description.to_string();
        self
    }

    pub fn with_feeds(mut self, feeds: Vec<FeedLink>) -> Self {
        self.page.feeds = feeds;
        self
    }
}

/// Renders a page context into `path` (a folder path gets `index.html`).
pub fn page<C: Serialize>(
    theme: &Theme,
    template: &str,
    ctx: &C,
    path: &str,
    what: &str,
) -> Result<OutputFile, Diagnostic> {
    let html = theme.render(template, ctx, what)?;
    Ok(OutputFile::new(page_file(path), html))
}

/// As [`page`], for a page that lists `cards` advisory cards: the buffer is sized for them
/// up front (a card is well under 2 KB), so a list of thousands is not copied as it grows.
pub fn list_page<C: Serialize>(
    theme: &Theme,
    template: &str,
    ctx: &C,
    path: &str,
    what: &str,
    cards: usize,
) -> Result<OutputFile, Diagnostic> {
    let html = theme.render_sized(template, ctx, what, 64 * 1024 + 2048 * cards)?;
    Ok(OutputFile::new(page_file(path), html))
}

/// Makes one page of the site.
pub type PageJob<'a> = Box<dyn Fn() -> Result<OutputFile, Diagnostic> + Sync + Send + 'a>;

/// A page's job with its key and file, when the previous build's file may be taken under
/// that key instead (a feed, the ROLIE feed, the hall of fame; see `emit::keyed`).
pub type KeyedJob<'a> = (Option<(crate::digest::Key, String)>, PageJob<'a>);
