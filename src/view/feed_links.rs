//! The feed links pages advertise (`<link rel="alternate">`), at the paths the feeds are
//! written to ([`crate::routes`]).

use super::FeedLink;
use crate::model::Severity;
use crate::model::ids::ProductId;
use crate::routes::{self, MAIN_FEED, UPDATES_FEED};
use crate::site::Site;

pub fn main_feed_link(site: &Site) -> FeedLink {
    FeedLink {
        title: format!("{}: all advisories", site.config.title),
        url: site.url(MAIN_FEED),
    }
}

pub fn updates_feed_link(site: &Site) -> FeedLink {
    FeedLink {
        title: format!("{}: advisory updates", site.config.title),
        url: site.url(UPDATES_FEED),
    }
}

pub fn severity_feed_link(site: &Site, s: Severity) -> FeedLink {
    FeedLink {
        title: format!("{}: {} advisories", site.config.title, s.label()),
        url: site.url(&routes::severity_feed(s)),
    }
}

pub fn product_feed_link(site: &Site, p: &ProductId) -> FeedLink {
    FeedLink {
        title: format!("{}: {}", site.config.title, site.product_name(p)),
        url: site.url(&routes::product_feed(p)),
    }
}
