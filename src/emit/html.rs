//! HTML pages: the advisory pages, the site's own pages and the 404 page. The list pages
//! are in [`super::lists`], what every page shares in [`super::page`].

use super::page::page;
use super::{EmitOptions, OutputFile};
use crate::diag::Diagnostic;
use crate::emit::csaf;
use crate::model::Advisory;
use crate::routes::{self, advisory_path, page_file};
use crate::site::Site;
use crate::theme::Theme;
use crate::view::{
    AdvisoryContext, AdvisoryView, Common, PageContent, PageContext, main_feed_link, product_feed_link,
};

/// An advisory's rendered body, for its page.
pub struct PageBody {
    pub html: String,
    /// The body has a summary section (`## Summary`): the page then shows the front-matter
    /// summary as its lead without a second "Summary" heading.
    pub summary_in_body: bool,
    /// The body's `##` headings (without a summary section the page shows as its lead).
    pub toc: Vec<crate::markdown::TocEntry>,
}

/// One advisory's page; `emit::Emitter` calls it advisory by advisory, with the body
/// already rendered (its sections go into the CSAF document).
pub fn advisory(
    site: &Site,
    theme: &Theme,
    opts: EmitOptions,
    a: &Advisory,
    body: PageBody,
) -> Result<OutputFile, Diagnostic> {
    let (ctx, path) = advisory_context(site, opts, a, body);
    render_advisory(theme, &ctx, &path, a)
}

fn advisory_context(
    site: &Site,
    opts: EmitOptions,
    a: &Advisory,
    body: PageBody,
) -> (AdvisoryContext, String) {
    let path = advisory_path(a.id.as_str());
    let path = path.trim_start_matches('/').to_string();
    let title = format!("{}: {}", a.id, a.title);
    let mut feeds = vec![main_feed_link(site)];
    feeds.extend(a.product_ids().into_iter().map(|p| product_feed_link(site, p)));
    let ctx = AdvisoryContext {
        common: Common::new(site, opts, "advisories", &title, &path)
            .describe(&a.summary)
            .with_feeds(feeds),
        advisory: AdvisoryView::new(site, a, csaf::downloads(site, a), body.html)
            .with_summary_in_body(body.summary_in_body)
            .with_body_toc(body.toc),
    };
    (ctx, path)
}

fn render_advisory(
    theme: &Theme,
    ctx: &AdvisoryContext,
    path: &str,
    a: &Advisory,
) -> Result<OutputFile, Diagnostic> {
    let what = format!("rendering advisory {} ({})", a.id, a.source.display());
    // The theme's markup around the body is ~12 KB; sized once instead of grown by doubling.
    let capacity = 16 * 1024 + ctx.advisory.body_html.len() * 5 / 4;
    let html = theme.render_sized("advisory.html", ctx, &what, capacity)?;
    Ok(OutputFile::new(page_file(path), html))
}

pub(super) fn content_page(
    site: &Site,
    theme: &Theme,
    opts: EmitOptions,
    p: &crate::document::Page,
) -> Result<OutputFile, Diagnostic> {
    let path = routes::page_dir(&p.slug);
    let mut common = Common::new(site, opts, &p.slug, &p.title, &path);
    if let Some(d) = &p.description {
        common = common.describe(d);
    }
    let ctx = PageContext {
        common,
        content: PageContent {
            title: p.title.clone(),
            description: p.description.clone(),
            body_html: p.body_html.clone(),
        },
    };
    let what = format!("rendering page {}", p.source.display());
    page(theme, "page.html", &ctx, &path, &what)
}

pub(super) fn not_found(site: &Site, theme: &Theme, opts: EmitOptions) -> Result<OutputFile, Diagnostic> {
    let ctx = Common::new(site, opts, "404", "Page not found", routes::NOT_FOUND);
    page(
        theme,
        "404.html",
        &ctx,
        routes::NOT_FOUND,
        "rendering the 404 page",
    )
}
