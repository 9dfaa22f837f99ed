//! The advisory domain model. `build.rs` constructs it from front matter.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;
use serde::Serialize;

use super::cvss::{CvssV3, CvssV4, Severity};
use super::cvss_more::CvssV2;
use super::enums::{ProductStatus, RemediationCategory, Status, Tlp};
use super::extra::{ReferenceCategory, RestartRequired, VendorSeverity, VulnId};
use super::groups::ProductGroup;
use super::identification::Identification;
use super::ids::{AdvisoryId, Cve, Cwe, ProductId};
use super::notes::Note;
pub use super::scores::Score;
use super::status::{DocumentCategory, Justification, Relationship};
use super::threats::{Exploited, Threat};
use super::versions::VersionSpec;

pub use super::build::Builder;

#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    /// The position, 1, 2, …: the revision's anchor on the page and in the feeds.
    pub number: u32,
    /// The CSAF `number` the publisher gave (`1.0.1`), where the advisory's revisions give
    /// theirs; else the CSAF number is `number`.
    pub label: Option<String>,
    pub date: Timestamp,
    pub summary: String,
    pub legacy_version: Option<String>,
    /// Where the date is in the source file (for the future-date check).
    #[serde(skip)]
    pub date_span: Range<usize>,
}

/// One `[[affected]]` entry, checked: a statement about some versions of a product (or of
/// a component on a platform). A product may have several (release trains).
#[derive(Debug, Clone, Serialize)]
pub struct Affected {
    pub product: ProductId,
    /// The versions the status is about; `None` for "all versions" (not affected) and for
    /// fixed-only statements.
    pub versions: Option<VersionSpec>,
    /// The first fixed version (always one version).
    pub fixed: Option<String>,
    pub status: ProductStatus,
    pub justification: Option<Justification>,
    pub impact: Option<String>,
    pub platform: Option<Platform>,
    /// (category, name) branches between the product name and the version leaf.
    pub branches: Vec<(String, String)>,
    /// (category, name) branches below the version branch: the `versions` leaf is the last
    /// of them (Cisco's service packs under a release train).
    pub below_version: Vec<(String, String)>,
    /// The `versions` leaf is the last of `branches` itself, without a version branch.
    pub at_branch: bool,
    /// Which `product_name` branch of the product holds the entry's leaves: 0, unless
    /// entries before it (or this one) started new ones (`new_branch`).
    pub name_branch: usize,
    /// The product's helpers overlaid with this entry's.
    pub identification: Identification,
    /// Indexes into `Advisory::vulnerabilities` this entry is about; `None`: all.
    pub vulnerabilities: Option<Vec<usize>>,
    /// CSAF product ids of the `versions` and `fixed` leaves.
    pub ids: LeafIds,
    /// Full product names of the `versions` and `fixed` leaves, when the user gave them
    /// (a migrating PSIRT keeps its names); else `<product name> <version>`.
    pub names: LeafNames,
    /// Ids of the product groups the `versions` leaf belongs to.
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct LeafNames {
    pub versions: Option<String>,
    pub fixed: Option<String>,
}

impl Affected {
    /// Whether the entry applies to the vulnerability at `index`.
    pub fn concerns(&self, index: usize) -> bool {
        self.vulnerabilities.as_ref().is_none_or(|v| v.contains(&index))
    }
}

/// A component's platform.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Platform {
    pub product: ProductId,
    pub relationship: Relationship,
    /// The relationship's own name for the `versions` leaf, when given.
    pub name: Option<String>,
}

/// One version leaf: its id in the product tree, and the id statuses name (the
/// relationship's combined product for a component on a platform, else the same).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Leaf {
    pub tree_id: String,
    pub status_id: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct LeafIds {
    pub versions: Option<Leaf>,
    pub fixed: Option<Leaf>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Remediation {
    pub category: RemediationCategory,
    pub details: String,
    pub url: Option<String>,
    pub products: Vec<ProductId>,
    /// CSAF product ids written as they are (in this order) instead of the leaves of
    /// `products`; empty: derived from `products`.
    pub product_ids: Vec<String>,
    pub date: Option<Timestamp>,
    pub restart_required: Option<RestartRequired>,
    pub entitlements: Vec<String>,
    /// Ids of the product groups it applies to.
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Vulnerability {
    pub cve: Option<Cve>,
    /// Where `cve` is written in the advisory's file (for checks that need the build time).
    #[serde(skip)]
    pub cve_span: Range<usize>,
    pub title: String,
    pub ids: Vec<VulnId>,
    pub cwe: Option<Cwe>,
    pub description: Option<String>,
    pub notes: Vec<Note>,
    pub references: Vec<Reference>,
    pub cvss_v2: Option<CvssV2>,
    pub cvss_v3: Option<CvssV3>,
    pub cvss_v4: Option<CvssV4>,
    pub products: Vec<ProductId>,
    /// The products the CVSS scores are for: `products`, unless `cvss_products` or
    /// `cvss_groups` narrow them (or `cvss_product_ids` names their leaves).
    pub score_products: Vec<ProductId>,
    /// Groups whose members the CVSS scores are for too (CSAF 2.0 scores have no
    /// `group_ids`: their members are written as `products`).
    pub score_groups: Vec<String>,
    /// CSAF product ids written as `scores[].products` as they are (in this order); empty:
    /// derived from `score_products` and `score_groups`.
    pub score_product_ids: Vec<String>,
    pub discovery_date: Option<Timestamp>,
    pub release_date: Option<Timestamp>,
    pub remediations: Vec<Remediation>,
    pub threats: Vec<Threat>,
    /// Exploited in the wild, when the publisher says so.
    pub exploited: Option<Exploited>,
    /// Who is credited for this vulnerability in particular.
    pub acknowledgments: Vec<Acknowledgment>,
    /// Further CSAF `scores[]` entries, written after the one of `cvss_v2`/`cvss_v3`. They
    /// do not rate the vulnerability.
    pub other_scores: Vec<Score>,
}

impl Vulnerability {
    /// The score that rates this vulnerability: CVSS 4.0 when given, else 3.x, else 2.0
    /// (on the 2.0 scale, which has no Critical).
    pub fn rating(&self) -> Option<(f64, Severity)> {
        match (&self.cvss_v4, &self.cvss_v3, &self.cvss_v2) {
            (Some(v4), _, _) => Some((v4.score, v4.severity)),
            (None, Some(v3), _) => Some((v3.score, v3.severity)),
            (None, None, Some(v2)) => Some((v2.score, v2.severity())),
            (None, None, None) => None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Acknowledgment {
    pub names: Vec<String>,
    pub organization: Option<String>,
    pub url: Option<String>,
    pub summary: Option<String>,
    pub anonymous: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    pub url: String,
    pub summary: String,
    pub category: ReferenceCategory,
}

/// An advisory taken back (e.g. a false positive). It stays published, so that the
/// customers who acted on it learn why; the withdrawal is its last revision.
#[derive(Debug, Clone, Serialize)]
pub struct Withdrawal {
    pub date: Timestamp,
    pub reason: String,
}

/// A `##` section of the body (for CSAF notes): its heading, and where its Markdown is.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    pub heading: String,
    /// Byte range of the section's Markdown (trimmed) in [`Body::markdown`].
    pub markdown: Range<usize>,
    /// The heading's `note=<category>` attribute as written, if it has one.
    pub note: Option<String>,
    /// Byte range of the heading in the body (for diagnostics).
    #[serde(skip)]
    pub heading_at: Range<usize>,
}

/// The Markdown body of an advisory. It is rendered to HTML when the page is made, not
/// kept as HTML: at 10,000 advisories that saves about 100 MB. Only the body is kept, not
/// the front matter around it, so the file's text can be let go once the site is checked.
#[derive(Debug, Clone)]
pub struct Body {
    /// The whole file's text, shared with the file as it was read: a copy of each body
    /// was ~60 MiB at 10,000 advisories, on top of the files, in the build's peak.
    text: Arc<str>,
    /// Where the body is in `text`.
    range: Range<usize>,
    /// The body's links to the site itself, checked once the output is known.
    links: Vec<BodyLink>,
}

/// A link in Markdown content to a page or file of the site itself (written without a
/// scheme: `/pgp/`, `../ACME-SA-2026-0001/`), where it was written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyLink {
    pub target: String,
    /// Byte range into the whole file.
    pub span: Range<usize>,
}

impl Body {
    pub fn new(markdown: &str) -> Self {
        Body {
            range: 0..markdown.len(),
            text: Arc::from(markdown),
            links: Vec::new(),
        }
    }

    /// The body at `range` of a file's `text`, sharing it.
    pub fn in_file(text: Arc<str>, range: Range<usize>) -> Self {
        let range = if text.get(range.clone()).is_some() {
            range
        } else {
            0..0
        };
        Body {
            text,
            range,
            links: Vec::new(),
        }
    }

    /// Keeps only the body, not the whole file's text it was shared with: once the files
    /// are let go, the front matter of every advisory (~22 MiB at 10,000 generated
    /// advisories) would otherwise stay in memory until the build ends.
    pub fn compact(&mut self) {
        if self.range.len() < self.text.len() {
            self.text = Arc::from(self.markdown());
            self.range = 0..self.text.len();
        }
    }

    /// The body with its links to the site (see [`crate::markdown::site_links`]).
    pub fn with_links(mut self, links: Vec<BodyLink>) -> Self {
        self.links = links;
        self
    }

    pub fn markdown(&self) -> &str {
        self.text.get(self.range.clone()).unwrap_or_default()
    }

    pub fn links(&self) -> &[BodyLink] {
        &self.links
    }

    /// A section's Markdown.
    pub fn section(&self, s: &Section) -> &str {
        self.markdown().get(s.markdown.clone()).unwrap_or_default()
    }
}

impl Serialize for Body {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.markdown())
    }
}

/// One advisory, checked. Immutable once built.
#[derive(Debug, Clone, Serialize)]
pub struct Advisory {
    pub id: AdvisoryId,
    pub title: String,
    pub published: Timestamp,
    pub status: Status,
    pub category: DocumentCategory,
    pub tlp: Tlp,
    pub summary: String,
    /// Front-matter notes (the body's `##` sections are notes too, see `Body`).
    pub notes: Vec<Note>,
    /// Where the summary note goes among `notes`, and its title; `None`: first, "Summary".
    pub summary_place: Option<super::notes::SummaryPlace>,
    /// CSAF `distribution.text`: sharing rules beyond the TLP label.
    pub distribution_text: Option<String>,
    /// The publisher's own severity rating, beside the computed one.
    pub vendor_severity: Option<VendorSeverity>,
    pub revisions: Vec<Revision>,
    pub affected: Vec<Affected>,
    /// The order of product id lists: that of `affected` unless sorted, as Red Hat and
    /// Cisco write theirs.
    pub product_id_order: super::shape::ProductIdOrder,
    /// `[product_ids]`: catalog products whose `product_id` this advisory replaces.
    pub product_ids: BTreeMap<ProductId, String>,
    pub product_groups: Vec<ProductGroup>,
    pub vulnerabilities: Vec<Vulnerability>,
    pub acknowledgments: Vec<Acknowledgment>,
    pub references: Vec<Reference>,
    pub withdrawn: Option<Withdrawal>,
    /// The Markdown body. Its `##` sections (CSAF notes) come from
    /// [`crate::markdown::render`] when the page and document are made, so the body is parsed
    /// once per build, not twice.
    pub body: Body,
    /// Source file relative to the site root, and the span of `id` in it.
    pub source: PathBuf,
    #[serde(skip)]
    pub id_span: Range<usize>,
    /// The digest of the source file's path and text: the advisory is a function of them
    /// and the parse context (catalog, `raw_html`), so the build cache names its files by it.
    #[serde(skip)]
    pub fingerprint: crate::digest::Key,
    /// The highest rating of its vulnerabilities, made once: the lists ask for it per
    /// filter and advisory (170,000 times at 10k, 5 % of an incremental build).
    #[serde(skip)]
    pub(super) highest: Option<(f64, Severity)>,
    /// The products it names ([`Advisory::products`]), made once: the lists, feeds and
    /// keys ask for them several times per advisory on every build.
    #[serde(skip)]
    pub(super) named: Vec<ProductId>,
}

/// How many products [`Advisory::products`] tells apart by a scan before it uses a set.
const LINEAR_DEDUP: usize = 16;

impl Advisory {
    /// The base of the CSAF product ids of `p` in this advisory (the id of its platform
    /// leaf): the advisory's `[product_ids]`, else the catalog's.
    pub fn id_base<'a>(&'a self, p: &'a super::Product) -> &'a str {
        self.product_ids
            .get(&p.id)
            .map_or_else(|| p.id_base(), String::as_str)
    }

    /// The newest revision's date, or `published` when there is no revision yet.
    pub fn updated(&self) -> Timestamp {
        self.revisions.last().map_or(self.published, |r| r.date)
    }

    /// Highest rating over all vulnerabilities.
    pub fn rating(&self) -> Option<(f64, Severity)> {
        self.highest
    }

    /// The highest rating of `vulnerabilities` (see [`Advisory::rating`]).
    pub(super) fn highest_rating(vulnerabilities: &[Vulnerability]) -> Option<(f64, Severity)> {
        vulnerabilities
            .iter()
            .filter_map(Vulnerability::rating)
            .max_by(|a, b| a.0.total_cmp(&b.0))
    }

    pub fn severity(&self) -> Option<Severity> {
        self.rating().map(|(_, s)| s)
    }

    /// Whether any vulnerability is known to be exploited in the wild.
    pub fn exploited(&self) -> bool {
        self.vulnerabilities.iter().any(|v| v.exploited.is_some())
    }

    pub fn year(&self) -> i16 {
        super::time::utc_year(self.published)
    }

    pub fn cves(&self) -> impl Iterator<Item = &Cve> {
        self.vulnerabilities.iter().filter_map(|v| v.cve.as_ref())
    }

    /// Product ids in catalog order of first mention, without repeats.
    pub fn product_ids(&self) -> Vec<&ProductId> {
        self.products().collect()
    }

    /// As [`Advisory::product_ids`]: each product its rows name, first-named first. A
    /// component's platform counts as named: its users are concerned too.
    pub fn products(&self) -> impl Iterator<Item = &ProductId> {
        self.named.iter()
    }

    /// The products `affected` names (see [`Advisory::products`]). Most advisories name a
    /// few: those are told apart by a scan of the ones kept so far; past [`LINEAR_DEDUP`] a
    /// set takes over, so that an advisory of many rows stays linear.
    pub(super) fn named_products(affected: &[Affected]) -> Vec<ProductId> {
        let named = affected
            .iter()
            .flat_map(|a| std::iter::once(&a.product).chain(a.platform.as_ref().map(|p| &p.product)));
        let mut kept: Vec<&ProductId> = Vec::new();
        let mut seen: Option<std::collections::HashSet<&ProductId>> = None;
        for p in named {
            let new = match &mut seen {
                Some(seen) => seen.insert(p),
                None if kept.len() < LINEAR_DEDUP => !kept.contains(&p),
                None => seen.insert(kept.iter().copied().collect()).insert(p),
            };
            if new {
                kept.push(p);
            }
        }
        kept.into_iter().cloned().collect()
    }
}
