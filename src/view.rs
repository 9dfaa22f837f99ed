//! The template contract, version 2 ([`crate::theme::API_VERSION`]): the only data
//! templates see. Everything is pre-formatted (dates, scores, URLs) so templates stay
//! simple and output stays deterministic. Documented field by field in
//! `docs/templates.md`; a change to any type here or in the submodules (a field renamed,
//! removed or changing meaning) bumps the theme `api_version`.
//!
//! This file holds the views of the site and its content (`SiteView`, `AdvisoryView`, …);
//! each template's context, which emitters fill, is in a submodule: `page` (what every
//! page shares, the advisory and Markdown pages), `lists` (home, advisory index,
//! products, pagination), `hall` (acknowledgments), `keys` (the PGP key page) and
//! `feeds` (the feeds page).

use serde::Serialize;

use crate::model::advisory::{Acknowledgment, Advisory};
use crate::model::cvss::Severity;
use crate::model::ids::ProductId;
use crate::model::time::{date_only, rfc3339};
use crate::model::{Product, Status};
use crate::routes::{self, advisory_path, product_path};
use crate::site::{Mode, Site, Visibility};

mod feed_links;
mod feeds;
mod hall;
mod keys;
mod lists;
mod page;
mod parts;
mod site_urls;
mod vuln;
pub use feed_links::{main_feed_link, product_feed_link, severity_feed_link, updates_feed_link};
pub use feeds::{FeedEntry, FeedsContext};
pub use hall::{CreditView, HallContext, ResearcherView, YearView};
pub use keys::{KeyContext, KeyView};
pub use lists::{
    CardContext, Family, HomeContext, IndexContext, PageLink, Pagination, ProductContext, ProductItem,
    ProductsContext, SeverityCount, YearGroup,
};
pub use page::{AdvisoryContext, Common, PageContent, PageContext};
use parts::{affected_view, vulnerability_view};
pub use site_urls::SiteUrls;
pub use vuln::{ExploitedView, IdView, NoteView, ReferenceView, RestartView, ThreatView, VulnDetails};

/// A link in navigation or lists.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub label: String,
    /// Site-relative path, always starting with `/` (already prefixed with `site.root`).
    pub url: String,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    pub title: String,
    pub url: String,
}

/// Site-wide values, the same on every page.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub language: String,
    /// Absolute base URL without trailing slash.
    pub base_url: String,
    /// Path prefix of `base_url` (empty for a site at the domain root); prepend to every
    /// site-relative link.
    pub root: String,
    pub publisher: String,
    pub contact_email: String,
    pub nav: Vec<Link>,
    /// True in `--preview` builds and `serve` with drafts: show the banner, add noindex.
    pub preview: bool,
    /// Inject the live-reload script (serve mode only).
    pub live_reload: bool,
    /// Build date, `YYYY-MM-DD`.
    pub build_date: String,
    pub version: &'static str,
    pub has_key: bool,
    pub has_policy: bool,
    /// The site's own pages and files, site-relative with `root` in front (from `routes`):
    /// templates link to them by these names, never by literal paths.
    pub urls: SiteUrls,
}

/// Per-page values.
#[derive(Debug, Clone, Serialize)]
pub struct PageMeta {
    pub title: String,
    pub description: String,
    /// Absolute canonical URL of the page.
    pub canonical: String,
    /// Feeds to advertise with `<link rel="alternate">`.
    pub feeds: Vec<FeedLink>,
    /// Which nav entry is current (`advisories`, `products`, …).
    pub section: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProductRef {
    pub id: String,
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScoreView {
    pub version: String,
    pub vector: String,
    pub score: String,
    pub severity: &'static str,
    pub severity_label: &'static str,
    /// Link to the FIRST calculator for the vector; `""` for CVSS 2.0 (FIRST has none).
    pub calculator_url: String,
    /// Scores of the temporal and environmental metrics, when the vector has them.
    pub temporal_score: Option<String>,
    pub environmental_score: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RemediationView {
    pub category: &'static str,
    pub label: &'static str,
    pub details: String,
    pub url: Option<String>,
    pub products: Vec<ProductRef>,
    /// When the remediation became available, `YYYY-MM-DD`.
    pub date: Option<String>,
    pub restart_required: Option<RestartView>,
    pub entitlements: Vec<String>,
    /// The product groups it is for, by summary (or id when the group has none).
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VulnerabilityView {
    pub cve: Option<String>,
    pub cve_url: Option<String>,
    pub title: String,
    pub cwe_id: Option<String>,
    pub cwe_name: Option<String>,
    pub cwe_url: Option<String>,
    pub description: Option<String>,
    pub cvss_v2: Option<ScoreView>,
    pub cvss_v3: Option<ScoreView>,
    pub cvss_v4: Option<ScoreView>,
    /// Further scores, each for some products.
    pub other_scores: Vec<vuln::OtherScoreView>,
    pub products: Vec<ProductRef>,
    pub remediations: Vec<RemediationView>,
    // The fields of `VulnDetails`, in its order. Not `#[serde(flatten)]`: that serializes the
    // whole view as a map, with a string key per field (11 M instructions per 1,000 pages).
    pub ids: Vec<IdView>,
    pub notes: Vec<NoteView>,
    pub references: Vec<ReferenceView>,
    pub threats: Vec<ThreatView>,
    pub exploited: Option<ExploitedView>,
    pub discovery_date: Option<String>,
    pub release_date: Option<String>,
    /// Who is credited for this vulnerability in particular.
    pub acknowledgments: Vec<AckView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AffectedView {
    pub product: ProductRef,
    pub versions: Option<String>,
    /// `range` or `single` (how `versions` was written), none without versions.
    pub versions_kind: Option<&'static str>,
    pub fixed: Option<String>,
    pub status: &'static str,
    pub status_label: &'static str,
    /// Why the product is not affected: the VEX justification's label, and the impact
    /// statement in words.
    pub justification: Option<&'static str>,
    pub justification_label: Option<&'static str>,
    pub impact: Option<String>,
    /// For a component: the platform's name and the relationship in words (`installed on`).
    pub platform: Option<String>,
    pub relationship: Option<&'static str>,
    /// Architecture, language, … branches (those below the version after them), as
    /// `category: name` texts.
    pub branches: Vec<String>,
    /// The CVEs (or titles) of the vulnerabilities the entry is limited to; empty for all.
    pub vulnerabilities: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AckView {
    /// Names joined for display; "Anonymous researcher" for anonymous credits.
    pub display: String,
    pub organization: Option<String>,
    pub url: Option<String>,
    pub summary: Option<String>,
    pub anonymous: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RevisionView {
    pub number: u32,
    pub date: String,
    pub date_iso: String,
    pub summary: String,
    pub legacy_version: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DownloadView {
    pub label: String,
    pub url: String,
}

/// One advisory, ready to show. List pages use the same view.
#[derive(Debug, Clone, Serialize)]
pub struct AdvisoryView {
    pub id: String,
    pub title: String,
    pub url: String,
    pub summary: String,
    pub status: &'static str,
    pub interim: bool,
    /// Why and when the advisory was withdrawn, when it was.
    pub withdrawn_reason: Option<String>,
    pub withdrawn_date: Option<String>,
    pub tlp: &'static str,
    pub published: String,
    pub published_iso: String,
    pub updated: String,
    pub updated_iso: String,
    pub was_updated: bool,
    pub version: u32,
    pub year: i16,
    /// `critical` … `none`, or `unrated` when no vulnerability has a CVSS vector.
    pub severity: &'static str,
    pub severity_label: &'static str,
    pub score: String,
    /// The publisher's own severity rating (e.g. "Important"), shown beside the computed one.
    pub vendor_severity: Option<String>,
    /// Some vulnerability is exploited in the wild: a banner on the page and the card.
    pub exploited: bool,
    /// Sharing rules beyond the TLP label.
    pub distribution_text: Option<String>,
    /// Front-matter notes of the advisory.
    pub notes: Vec<NoteView>,
    pub cves: Vec<String>,
    /// The first [`LISTED_PRODUCTS`] products, for the card.
    pub products: Vec<ProductRef>,
    /// How many more products the advisory concerns.
    pub more_products: usize,
    pub body_html: String,
    pub vulnerabilities: Vec<VulnerabilityView>,
    pub affected: Vec<AffectedView>,
    /// CSAF document category (`csaf_security_advisory`, `csaf_vex`, …) and its label
    /// (`Security advisory`, `VEX statement`, …).
    pub category: &'static str,
    pub category_label: &'static str,
    pub acknowledgments: Vec<AckView>,
    pub revisions: Vec<RevisionView>,
    pub references: Vec<ReferenceView>,
    pub downloads: Vec<DownloadView>,
    /// In preview builds: why the public build would hold this advisory back.
    pub held_reason: Option<String>,
    /// The body has its own summary section: show `summary` as the lead, without a
    /// "Summary" heading of its own.
    pub summary_in_body: bool,
    /// The body's `##` headings with their anchors, for the table of contents (empty on
    /// list pages).
    pub body_toc: Vec<crate::markdown::TocEntry>,
}

impl SiteView {
    pub fn new(site: &Site, section: &str, live_reload: bool) -> Self {
        let root = root_path(site.config.base());
        let mut nav = vec![
            link(&root, "Advisories", routes::ADVISORIES, section == "advisories"),
            link(&root, "Products", routes::PRODUCTS, section == "products"),
        ];
        let policy = site.page(routes::POLICY_SLUG).is_some();
        if policy {
            let path = routes::page_dir(routes::POLICY_SLUG);
            nav.push(link(&root, "Disclosure policy", &path, section == "policy"));
        }
        nav.push(link(
            &root,
            "Acknowledgments",
            routes::ACKNOWLEDGMENTS,
            section == "acknowledgments",
        ));
        if site.key.is_some() {
            nav.push(link(&root, "PGP key", routes::KEY_PAGE, section == "pgp"));
        }
        nav.push(link(&root, "Feeds", routes::FEEDS_PAGE, section == "feeds"));
        let urls = SiteUrls::new(&root);
        SiteView {
            title: site.config.title.clone(),
            description: site.config.description.clone(),
            language: site.config.language.clone(),
            base_url: site.config.base().to_string(),
            root,
            publisher: site.config.publisher.name.clone(),
            contact_email: site.config.contact.email.get_ref().clone(),
            nav,
            preview: site.mode == Mode::Preview,
            live_reload,
            build_date: date_only(site.build_time),
            version: env!("CARGO_PKG_VERSION"),
            has_key: site.key.is_some(),
            has_policy: policy,
            urls,
        }
    }
}

/// A navigation link to the site-relative `path` (a folder from [`routes`]).
fn link(root: &str, label: &str, path: &str, current: bool) -> Link {
    Link {
        label: label.to_string(),
        url: format!("{root}/{path}"),
        current,
    }
}

/// `https://x.example/security/` → `/security`; `https://x.example` → ``.
pub fn root_path(base: &str) -> String {
    let after_scheme = base.split_once("://").map_or(base, |(_, r)| r);
    match after_scheme.find('/') {
        Some(i) => after_scheme[i..].trim_end_matches('/').to_string(),
        None => String::new(),
    }
}

pub fn product_ref(site: &Site, id: &ProductId, root: &str) -> ProductRef {
    let name = site
        .catalog
        .get(id)
        .map_or_else(|| id.to_string(), |p: &Product| p.name.clone());
    ProductRef {
        id: id.to_string(),
        name,
        url: format!("{root}{}", product_path(id)),
    }
}

pub fn ack_view(a: &Acknowledgment) -> AckView {
    // An anonymous credit shows nothing that could identify the researcher.
    if a.anonymous {
        return AckView {
            display: "Anonymous researcher".to_string(),
            organization: None,
            url: None,
            summary: a.summary.clone(),
            anonymous: true,
        };
    }
    AckView {
        display: if a.names.is_empty() {
            a.organization.clone().unwrap_or_default()
        } else {
            a.names.join(", ")
        },
        organization: a.organization.clone(),
        url: a.url.clone(),
        summary: a.summary.clone(),
        anonymous: false,
    }
}

pub fn severity_key(s: Option<Severity>) -> (&'static str, &'static str) {
    s.map_or(("unrated", "Unrated"), |s| (s.as_str(), s.label()))
}

/// Products named on an advisory's card. The card is on every product's page: naming all of
/// an advisory's products there made output quadratic in its rows (2,000 rows: 290 MB).
pub const LISTED_PRODUCTS: usize = 100;

impl AdvisoryView {
    /// The advisory page's form; `body_html` is the body rendered by
    /// [`crate::markdown::render`] (the caller also needs its sections).
    pub fn new(site: &Site, a: &Advisory, downloads: Vec<DownloadView>, body_html: String) -> Self {
        Self::build(site, a, downloads, Some(body_html))
    }

    /// Marks that the body has its own summary section.
    pub fn with_summary_in_body(mut self, yes: bool) -> Self {
        self.summary_in_body = yes;
        self
    }

    pub fn with_body_toc(mut self, toc: Vec<crate::markdown::TocEntry>) -> Self {
        self.body_toc = toc;
        self
    }

    /// The list-page form (template contract 2): the advisory's own fields, without the body
    /// and without its lists (vulnerabilities, affected entries, notes, credits, revisions,
    /// references, downloads). A list card shows the advisory; its detail is on its page.
    /// The lists of a site hold every advisory's summary at once: with the lists, 10,000
    /// summaries held every product row of every advisory (~70 MiB).
    pub fn summary_of(site: &Site, a: &Advisory) -> Self {
        Self::build(site, a, Vec::new(), None)
    }

    /// The full form with a body, the summary form without.
    fn build(site: &Site, a: &Advisory, downloads: Vec<DownloadView>, body_html: Option<String>) -> Self {
        let full = body_html.is_some();
        let root = root_path(site.config.base());
        let (severity, severity_label) = severity_key(a.severity());
        let product_ids = a.product_ids();
        AdvisoryView {
            id: a.id.to_string(),
            title: a.title.clone(),
            url: format!("{root}{}", advisory_path(a.id.as_str())),
            summary: a.summary.clone(),
            status: a.status.as_str(),
            interim: a.status == Status::Interim,
            withdrawn_reason: a.withdrawn.as_ref().map(|w| w.reason.clone()),
            withdrawn_date: a.withdrawn.as_ref().map(|w| date_only(w.date)),
            tlp: a.tlp.as_str(),
            published: date_only(a.published),
            published_iso: rfc3339(a.published),
            updated: date_only(a.updated()),
            updated_iso: rfc3339(a.updated()),
            was_updated: a.revisions.len() > 1,
            version: u32::try_from(a.revisions.len()).unwrap_or(0),
            year: a.year(),
            severity,
            severity_label,
            score: a.rating().map(|(s, _)| format!("{s:.1}")).unwrap_or_default(),
            vendor_severity: a.vendor_severity.as_ref().map(|v| v.text.clone()),
            exploited: a.exploited(),
            distribution_text: a.distribution_text.clone(),
            notes: full_only(full, || a.notes.iter().map(vuln::note_view).collect()),
            cves: a.cves().map(|c| c.as_str().to_string()).collect(),
            products: product_ids
                .iter()
                .take(LISTED_PRODUCTS)
                .map(|p| product_ref(site, p, &root))
                .collect(),
            more_products: product_ids.len().saturating_sub(LISTED_PRODUCTS),
            body_html: body_html.unwrap_or_default(),
            vulnerabilities: if full {
                a.vulnerabilities
                    .iter()
                    .map(|v| vulnerability_view(site, a, v, &root))
                    .collect()
            } else {
                Vec::new()
            },
            affected: full_only(full, || {
                a.affected
                    .iter()
                    .map(|x| affected_view(site, a, x, &root))
                    .collect()
            }),
            category: a.category.as_str(),
            category_label: a.category.label(),
            acknowledgments: full_only(full, || a.acknowledgments.iter().map(ack_view).collect()),
            revisions: full_only(full, || a.revisions.iter().map(revision_view).collect()),
            references: full_only(full, || a.references.iter().map(vuln::reference_view).collect()),
            downloads,
            summary_in_body: false,
            body_toc: Vec::new(),
            held_reason: match site.mode {
                Mode::Preview => match site.visibility(a) {
                    Visibility::Held(reason) => Some(reason.to_string()),
                    Visibility::Published => None,
                },
                Mode::Public => None,
            },
        }
    }
}

/// `make()` in the full form, nothing in the summary form.
fn full_only<T>(full: bool, make: impl FnOnce() -> Vec<T>) -> Vec<T> {
    if full { make() } else { Vec::new() }
}

fn revision_view(r: &crate::model::advisory::Revision) -> RevisionView {
    RevisionView {
        number: r.number,
        date: date_only(r.date),
        date_iso: rfc3339(r.date),
        summary: r.summary.clone(),
        legacy_version: r.legacy_version.clone(),
    }
}
