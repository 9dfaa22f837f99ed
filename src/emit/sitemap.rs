//! sitemap.xml and robots.txt.

use std::fmt::Write as _;

use super::OutputFile;
use crate::diag::Diagnostic;
use crate::model::time::date_only;
use crate::routes::{self, advisory_path};
use crate::site::{Mode, Site};

/// robots.txt.
pub fn emit(site: &Site) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    Ok(vec![robots(site)])
}

/// One advisory's `<url>` element, with its line break. `serve` keeps it with the advisory
/// (`emit::derived`).
pub fn advisory_entry(site: &Site, a: &crate::model::Advisory) -> String {
    let loc = site.url(advisory_path(a.id.as_str()).trim_start_matches('/'));
    let mut line = String::with_capacity(loc.len() + 64);
    push_entry(&mut line, &loc, Some(&date_only(a.updated())));
    line
}

fn push_entry(xml: &mut String, loc: &str, lastmod: Option<&str>) {
    let _ = write!(xml, "  <url><loc>{}</loc>", crate::escape::markup(loc));
    if let Some(d) = lastmod {
        let _ = write!(xml, "<lastmod>{d}</lastmod>");
    }
    xml.push_str("</url>\n");
}

/// The sitemap; `advisories`: each advisory's entry ([`advisory_entry`]), in site order.
pub fn sitemap<'e>(
    site: &Site,
    advisories: impl IntoIterator<Item = std::borrow::Cow<'e, str>>,
) -> OutputFile {
    let mut entries: Vec<(String, Option<String>)> = vec![
        (site.url(routes::HOME), Some(date_only(site.last_change()))),
        (site.url(routes::ADVISORIES), Some(date_only(site.last_change()))),
        (site.url(routes::PRODUCTS), None),
        (site.url(routes::ACKNOWLEDGMENTS), None),
        (site.url(routes::FEEDS_PAGE), None),
    ];
    if site.key.is_some() {
        entries.push((site.url(routes::KEY_PAGE), None));
    }
    for p in &site.pages {
        entries.push((site.url(&routes::page_dir(&p.slug)), None));
    }
    for p in site.catalog.products.keys() {
        entries.push((site.url(&routes::product_dir(p)), None));
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, lastmod) in entries {
        push_entry(&mut xml, &loc, lastmod.as_deref());
    }
    for line in advisories {
        xml.push_str(&line);
    }
    xml.push_str("</urlset>\n");
    OutputFile::new(routes::SITEMAP, xml)
}

fn robots(site: &Site) -> OutputFile {
    let body = match site.mode {
        Mode::Preview => "User-agent: *\nDisallow: /\n".to_string(),
        Mode::Public => format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}\n",
            site.url(routes::SITEMAP)
        ),
    };
    OutputFile::new(routes::ROBOTS, body)
}
