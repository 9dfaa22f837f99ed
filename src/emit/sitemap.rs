//! sitemap.xml and robots.txt.

use std::fmt::Write as _;

use super::OutputFile;
use crate::diag::Diagnostic;
use crate::model::time::date_only;
use crate::routes::{self, advisory_path};
use crate::site::{Mode, Site};

pub fn emit(site: &Site) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    Ok(vec![sitemap(site), robots(site)])
}

fn sitemap(site: &Site) -> OutputFile {
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
    for a in &site.advisories {
        entries.push((
            site.url(advisory_path(a.id.as_str()).trim_start_matches('/')),
            Some(date_only(a.updated())),
        ));
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, lastmod) in entries {
        let _ = write!(xml, "  <url><loc>{}</loc>", crate::escape::markup(&loc));
        if let Some(d) = lastmod {
            let _ = write!(xml, "<lastmod>{d}</lastmod>");
        }
        xml.push_str("</url>\n");
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
