//! RSS 2.0 feeds: every advisory, one feed per product and per severity, an updates feed
//! with one item per revision (so readers hear about updates, not only new advisories),
//! and the `feeds/` page that lists them.
//!
//! Output must be byte-identical across rebuilds of the same content, so nothing here
//! reads the clock: `lastBuildDate` is the newest content date, GUIDs derive from ids.

use rayon::prelude::*;
use rss::extension::atom::{AtomExtension, Link};
use rss::{Category, Channel, Guid, Item};

use super::page::{KeyedJob, PageJob, page};
use super::reuse::Keys;
use super::{EmitOptions, OutputFile};
use crate::diag::{Code, Diagnostic};
use crate::digest::Key;
use crate::model::Severity;
use crate::model::advisory::{Advisory, Revision};
use crate::model::time::{date_only, rfc2822};
use crate::routes::{self, advisory_path};
use crate::site::Site;
use crate::theme::Theme;
use crate::view::{
    Common, FeedEntry, FeedLink, FeedsContext, main_feed_link, product_feed_link, severity_feed_link,
    severity_key, updates_feed_link,
};

/// What a feed lists: advisories (newest first), or every revision of every advisory.
enum Items<'a> {
    Advisories(Vec<&'a Advisory>),
    Updates,
}

/// One feed to write: where, what it is called, and what it lists. Items are made when
/// the feed is written, one feed at a time, not all at once.
pub struct Feed<'a> {
    path: String,
    /// Short name for the feeds page; the channel title is `link.title`.
    label: String,
    link: FeedLink,
    description: String,
    items: Items<'a>,
}

impl Feed<'_> {
    /// The newest `[feeds] limit` items (all with `0`), made only for those.
    fn items(&self, site: &Site) -> Vec<Item> {
        let limit = item_limit(site);
        match &self.items {
            Items::Advisories(list) => list[..list.len().min(limit)]
                .par_iter()
                .map(|a| advisory_item(site, a))
                .collect(),
            Items::Updates => update_items(site, limit),
        }
    }
}

fn item_limit(site: &Site) -> usize {
    match site.config.feeds.limit {
        0 => usize::MAX,
        n => n,
    }
}

/// A feed's description, which says so when the feed holds only the newest items.
fn describe(site: &Site, what: &str) -> String {
    match site.config.feeds.limit {
        0 => format!("{what}, newest first."),
        n => format!("{what}, newest first (at most the latest {n})."),
    }
}

/// Every feed of the site, in the order the feeds page lists them.
pub fn all_feeds(site: &Site) -> Vec<Feed<'_>> {
    let mut feeds = vec![
        Feed {
            path: routes::MAIN_FEED.into(),
            label: "All advisories".into(),
            link: main_feed_link(site),
            description: describe(site, "Every published security advisory"),
            items: Items::Advisories(site.advisories.iter().map(std::sync::Arc::as_ref).collect()),
        },
        Feed {
            path: routes::UPDATES_FEED.into(),
            label: "Advisory updates".into(),
            link: updates_feed_link(site),
            description: describe(site, "New advisories and every later revision of an advisory"),
            items: Items::Updates,
        },
    ];
    for s in Severity::ALL {
        feeds.push(Feed {
            path: routes::severity_feed(s),
            label: format!("{} severity", s.label()),
            link: severity_feed_link(site, s),
            description: describe(
                site,
                &format!("Advisories whose highest CVSS base score is rated {}", s.label()),
            ),
            items: Items::Advisories(site.with_severity(s)),
        });
    }
    let mut by_product = site.advisories_by_product();
    for p in site.catalog.products.values() {
        feeds.push(Feed {
            path: routes::product_feed(&p.id),
            label: p.name.clone(),
            link: product_feed_link(site, &p.id),
            description: describe(site, &format!("Advisories that concern {}", p.name)),
            items: Items::Advisories(by_product.remove(&p.id).unwrap_or_default()),
        });
    }
    feeds
}

/// The newest `limit` revisions of all advisories as items, newest first; ties broken by
/// id and number so the order never depends on input order.
fn update_items(site: &Site, limit: usize) -> Vec<Item> {
    let mut revisions: Vec<(&Advisory, &Revision)> = site
        .advisories
        .iter()
        .flat_map(|a| a.revisions.iter().map(move |r| (&**a, r)))
        .collect();
    revisions.sort_by(|(a, r), (b, s)| {
        s.date
            .cmp(&r.date)
            .then_with(|| b.id.cmp(&a.id))
            .then_with(|| s.number.cmp(&r.number))
    });
    revisions.truncate(limit);
    revisions
        .into_par_iter()
        .map(|(a, r)| update_item(site, a, r))
        .collect()
}

fn item_title(a: &Advisory) -> String {
    let (_, label) = severity_key(a.severity());
    format!("{} [{label}]: {}", a.id, a.title)
}

fn page_url(site: &Site, a: &Advisory) -> String {
    site.url(&advisory_path(a.id.as_str()))
}

fn advisory_item(site: &Site, a: &Advisory) -> Item {
    let url = page_url(site, a);
    Item {
        title: Some(item_title(a)),
        link: Some(url.clone()),
        description: Some(description(a, None)),
        categories: categories(site, a),
        guid: Some(Guid {
            value: url,
            permalink: true,
        }),
        pub_date: Some(rfc2822(a.published)),
        ..Item::default()
    }
}

/// An item per revision. The GUID is `<page>#revision-<n>`: stable across rebuilds, and
/// new for each revision so readers show it as new. It is not marked a permalink because
/// the advisory page has no `revision-<n>` anchor.
fn update_item(site: &Site, a: &Advisory, r: &Revision) -> Item {
    let url = page_url(site, a);
    Item {
        title: Some(format!("{} (revision {})", item_title(a), r.number)),
        link: Some(url.clone()),
        description: Some(description(a, Some(r))),
        categories: categories(site, a),
        guid: Some(Guid {
            value: format!("{url}#revision-{}", r.number),
            permalink: false,
        }),
        pub_date: Some(rfc2822(r.date)),
        ..Item::default()
    }
}

/// Categories per kind in an item. The item is in the feed of each of the advisory's
/// products: all names in every copy made the feeds quadratic in the advisory's rows.
const LISTED_CATEGORIES: usize = 100;

/// Product names, then CVE ids, as plain categories (readers filter on them); at most
/// [`LISTED_CATEGORIES`] of each.
fn categories(site: &Site, a: &Advisory) -> Vec<Category> {
    let products = a
        .products()
        .take(LISTED_CATEGORIES)
        .map(|p| site.product_name(p).to_string());
    let cves = a.cves().take(LISTED_CATEGORIES).map(|c| c.as_str().to_string());
    products
        .chain(cves)
        .map(|name| Category { name, domain: None })
        .collect()
}

/// The highest-scoring vector of the advisory, with the same tie rule as
/// `Advisory::rating` (the last of equal scores) so score and severity agree.
fn highest_vector(a: &Advisory) -> Option<(f64, Severity, &str)> {
    a.vulnerabilities
        .iter()
        .filter_map(|v| match (&v.cvss_v4, &v.cvss_v3) {
            (Some(x), _) => Some((x.score, x.severity, x.vector.as_str())),
            (None, Some(x)) => Some((x.score, x.severity, x.vector.as_str())),
            (None, None) => None,
        })
        .max_by(|x, y| x.0.total_cmp(&y.0))
}

/// Small HTML: readers render `description` as HTML, so plain text such as `< 4.2` must be
/// escaped for HTML here. XML escaping is the rss crate's job (it writes CDATA).
fn description(a: &Advisory, revision: Option<&Revision>) -> String {
    let mut out = String::new();
    if let Some(r) = revision {
        out.push_str(&format!(
            "<p>Revision {} ({}): {}</p>",
            r.number,
            date_only(r.date),
            crate::escape::markup(&r.summary)
        ));
    }
    out.push_str(&format!("<p>{}</p>", crate::escape::markup(&a.summary)));
    match highest_vector(a) {
        Some((score, severity, vector)) => out.push_str(&format!(
            "<p>Highest CVSS base score: {score:.1} ({}), <code>{}</code></p>",
            severity.label(),
            crate::escape::markup(vector)
        )),
        None => out.push_str("<p>Not rated with CVSS.</p>"),
    }
    out
}

fn channel(site: &Site, feed: &Feed<'_>, items: Vec<Item>) -> Channel {
    let self_link = Link {
        href: site.url(&feed.path),
        rel: "self".into(),
        mime_type: Some("application/rss+xml".into()),
        ..Link::default()
    };
    Channel {
        title: feed.link.title.clone(),
        link: site.url(""),
        // Readers render a channel's description as HTML, like an item's: a product
        // named `<img onerror=…>` must arrive as text, so escape it for HTML here (the
        // rss crate then escapes the result for XML).
        description: crate::escape::markup(&feed.description),
        language: Some(site.config.language.clone()),
        // Not the build time: an unchanged site must rebuild to identical bytes.
        last_build_date: Some(rfc2822(site.last_change())),
        generator: Some(format!("psirt-site {}", env!("CARGO_PKG_VERSION"))),
        items,
        atom_ext: Some(AtomExtension {
            links: vec![self_link],
        }),
        ..Channel::default()
    }
}

fn feeds_context(site: &Site, opts: EmitOptions, feeds: &[Feed<'_>]) -> FeedsContext {
    let description = "RSS feeds of new and updated security advisories, by product and by severity.";
    FeedsContext {
        common: Common::new(site, opts, "feeds", "Feeds", routes::FEEDS_PAGE)
            .describe(description)
            .with_feeds(vec![main_feed_link(site), updates_feed_link(site)]),
        feeds: feeds
            .iter()
            .map(|f| FeedEntry {
                title: f.label.clone(),
                url: f.link.url.clone(),
                description: f.description.clone(),
            })
            .collect(),
    }
}

/// One RSS file.
fn write(site: &Site, feed: &Feed<'_>) -> Result<OutputFile, Diagnostic> {
    let items = feed.items(site);
    // Room for the whole feed up front (an item is well under 2 KB of XML): growing the
    // buffer by doubling would hold up to three copies of a 12 MB feed at once. Capacity
    // that is never written costs no memory.
    let buffer = Vec::with_capacity(4096 + 2048 * items.len());
    match channel(site, feed, items).pretty_write_to(buffer, b' ', 2) {
        Ok(mut bytes) => {
            bytes.push(b'\n');
            Ok(OutputFile::new(feed.path.clone(), bytes))
        }
        Err(e) => Err(Diagnostic::error(
            Code::Output,
            format!("cannot write feed {}: {e}", feed.path),
        )),
    }
}

/// One job per feed, and one for the feeds page, so that each feed is written as soon as
/// it is made (at 10,000 advisories the feeds hold ~50,000 items). A feed of advisories has
/// a key (`key`) and the path of its file, under which the previous build's file may be
/// taken instead.
pub fn jobs<'a>(
    site: &'a Site,
    theme: &'a Theme,
    opts: EmitOptions,
    feeds: &'a [Feed<'a>],
    keys: &Keys<'_>,
) -> Vec<KeyedJob<'a>> {
    let page_job: PageJob<'a> = Box::new(move || {
        let ctx = feeds_context(site, opts, feeds);
        page(
            theme,
            "feeds.html",
            &ctx,
            routes::FEEDS_PAGE,
            "rendering the feeds page",
        )
    });
    let mut jobs = vec![(None, page_job)];
    // Once for all feeds: it is a pass over every advisory.
    let last_change = rfc2822(site.last_change());
    for feed in feeds {
        let job: PageJob<'a> = Box::new(move || write(site, feed));
        jobs.push((
            key(site, keys, feed, &last_change).map(|key| (key, feed.path.clone())),
            job,
        ));
    }
    jobs
}

/// The key of a feed of advisories: the lists' context (which also decides which
/// advisories a feed lists, and in which order), the feed's path, the date it gives as
/// its last change, and the key of each advisory it shows. The updates feed has none (its
/// items are revisions of every advisory): it is made on every build.
fn key(site: &Site, keys: &Keys<'_>, feed: &Feed<'_>, last_change: &str) -> Option<Key> {
    let Items::Advisories(list) = &feed.items else {
        return None;
    };
    let shown = &list[..list.len().min(item_limit(site))];
    let items = super::reuse::cards(keys, shown.iter().copied())?;
    Some(crate::digest::key(&[
        b"feed",
        &keys.lists,
        feed.path.as_bytes(),
        last_change.as_bytes(),
        &items,
    ]))
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_html() {
        assert_eq!(
            crate::escape::markup(r#"< 4.2 & "x" >"#),
            "&lt; 4.2 &amp; &quot;x&quot; &gt;"
        );
    }
}
