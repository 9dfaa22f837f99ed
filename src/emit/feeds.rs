//! RSS 2.0 feeds (stub).

use super::{EmitOptions, OutputFile};
use crate::diag::Diagnostic;
use crate::model::Severity;
use crate::model::ids::ProductId;
use crate::site::Site;
use crate::theme::Theme;
use crate::view::FeedLink;

pub fn main_feed_link(site: &Site) -> FeedLink {
    FeedLink {
        title: format!("{}: all advisories", site.config.title),
        url: site.url("feeds/advisories.xml"),
    }
}

pub fn severity_feed_link(site: &Site, s: Severity) -> FeedLink {
    FeedLink {
        title: format!("{}: {} advisories", site.config.title, s.label()),
        url: site.url(&format!("feeds/severity/{}.xml", s.as_str())),
    }
}

pub fn product_feed_link(site: &Site, p: &ProductId) -> FeedLink {
    let name = site.catalog.get(p).map_or(p.as_str(), |x| x.name.as_str());
    FeedLink {
        title: format!("{}: {name}", site.config.title),
        url: site.url(&format!("feeds/products/{p}.xml")),
    }
}

pub fn emit(_site: &Site, _theme: &Theme, _opts: EmitOptions) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    Ok(Vec::new())
}
