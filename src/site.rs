//! Assemble: the immutable `Site` every emitter renders from, and the publication gate,
//! the one place that decides what is public.

use rayon::prelude::*;
use std::collections::BTreeMap;

use crate::hash::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use jiff::Timestamp;

use crate::config::SiteConfig;
use crate::diag::{Code, Diagnostic};
use crate::document::Page;
use crate::model::acknowledgments::ExtraCredit;
use crate::model::ids::{AdvisoryId, ProductId};
use crate::model::{Advisory, Catalog, Severity, Status};
use crate::pgpkey::KeyInfo;

/// Whether the output is the public site or an internal preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Only published advisories (the publication gate applies).
    #[default]
    Public,
    /// Everything, drafts and embargoed included, with a banner and `noindex`.
    Preview,
}

/// Why an advisory was held back from the public output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoldReason {
    Draft,
    Embargoed { until: Timestamp },
    Restricted { tlp: &'static str },
}

impl std::fmt::Display for HoldReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HoldReason::Draft => f.write_str("draft"),
            HoldReason::Embargoed { until } => write!(f, "embargoed until {until}"),
            HoldReason::Restricted { tlp } => write!(f, "TLP:{tlp} is not public"),
        }
    }
}

/// An advisory that the gate kept out: only its id, file and reason, never content.
#[derive(Debug, Clone)]
pub struct HeldBack {
    pub id: AdvisoryId,
    pub source: PathBuf,
    pub reason: HoldReason,
}

/// The gate's verdict on one advisory: published, or held back with the reason. Every
/// stage reads it from the [`Site`] ([`Site::visibility`]) instead of asking again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility<'a> {
    Published,
    Held(&'a HoldReason),
}

/// The outcome of the gate.
struct Gated {
    /// What the site shows: the published advisories (in preview: all).
    shown: Vec<Arc<Advisory>>,
    /// Why each held-back advisory was held back.
    held_back: Vec<HeldBack>,
    /// The held-back advisories themselves, in the order of `held_back`.
    held: Vec<Arc<Advisory>>,
}

/// The publication gate, the one place that decides what is public: published means not a
/// draft, released at or before the build time, and TLP:CLEAR (see [`hold_reason`]). In
/// preview mode the held-back advisories are shown too (a copy of each), and they stay
/// held back: the verdict, not the list, says what is published.
fn gate(advisories: Vec<Arc<Advisory>>, now: Timestamp, mode: Mode) -> Gated {
    let mut out = Gated {
        shown: Vec::new(),
        held_back: Vec::new(),
        held: Vec::new(),
    };
    for a in advisories {
        match hold_reason(&a, now) {
            Some(reason) => {
                out.held_back.push(HeldBack {
                    id: a.id.clone(),
                    source: a.source.clone(),
                    reason,
                });
                if mode == Mode::Preview {
                    out.shown.push(a.clone());
                }
                out.held.push(a);
            }
            None => out.shown.push(a),
        }
    }
    out
}

/// Why `a` is not public at `now`, if it is not. Only the gate asks; everyone else reads
/// the verdict with [`Site::visibility`].
fn hold_reason(a: &Advisory, now: Timestamp) -> Option<HoldReason> {
    if a.status == Status::Draft {
        Some(HoldReason::Draft)
    } else if a.published > now {
        Some(HoldReason::Embargoed { until: a.published })
    } else if !a.tlp.is_public() {
        Some(HoldReason::Restricted { tlp: a.tlp.as_str() })
    } else {
        None
    }
}

/// Everything the emitters need, immutable after `assemble`.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    pub build_time: Timestamp,
    pub mode: Mode,
    pub catalog: Catalog,
    /// Published advisories (in preview: all), newest first. Shared: `serve` keeps each
    /// parsed advisory for the next rebuild, which takes the unchanged ones as they are.
    pub advisories: Vec<Arc<Advisory>>,
    /// Why each held-back advisory was held back (id, file, reason; never content).
    pub held_back: Vec<HeldBack>,
    /// The held-back advisories themselves, for validation and restricted output only;
    /// never in `advisories` of a public build. Same order as `held_back`.
    pub held: Vec<Arc<Advisory>>,
    /// Position in `held_back` by id: the verdict on every advisory that is not published.
    verdicts: HashMap<AdvisoryId, usize>,
    /// The positions in `advisories` of the advisories that name each product (see
    /// [`Site::advisories_by_product`]), made once: the lists and feeds each ask for them.
    by_product: HashMap<ProductId, Vec<u32>>,
    /// The catalog before `hide_unannounced_products` (held-back CSAF names products that
    /// the public catalog hides); in preview the same as `catalog`.
    pub full_catalog: Catalog,
    pub pages: Vec<Page>,
    pub extra_credits: Vec<ExtraCredit>,
    /// The published OpenPGP key, when configured.
    pub key: Option<KeyInfo>,
    /// Whether CSAF documents and security.txt are signed in this build.
    pub signing: bool,
}

/// Inputs to `assemble`, parsed.
pub struct Parts {
    pub config: SiteConfig,
    pub build_time: Timestamp,
    pub mode: Mode,
    pub catalog: Catalog,
    pub advisories: Vec<Arc<Advisory>>,
    pub pages: Vec<Page>,
    pub extra_credits: Vec<ExtraCredit>,
    pub key: Option<KeyInfo>,
    pub signing: bool,
}

impl Site {
    /// The gate and sorting, and the cross-file checks (duplicate ids).
    pub fn assemble(parts: Parts) -> Result<Site, Vec<Diagnostic>> {
        let Gated {
            shown: mut advisories,
            held_back,
            held,
        } = gate(parts.advisories, parts.build_time, parts.mode);
        let full_catalog = parts.catalog.clone();
        let mut catalog = parts.catalog;
        if parts.mode == Mode::Public {
            // In a public build the shown advisories are exactly the published ones.
            hide_unannounced_products(&mut catalog, &advisories);
        }
        let verdicts = held_back
            .iter()
            .enumerate()
            .map(|(i, h)| (h.id.clone(), i))
            .collect();
        // Unique ids make the order total; ids used twice fail the build below.
        advisories.par_sort_unstable_by(|a, b| b.published.cmp(&a.published).then_with(|| b.id.cmp(&a.id)));
        let mut extra_credits = parts.extra_credits;
        if parts.mode == Mode::Public {
            // A credit dated later is held back until its date, like an embargo.
            extra_credits.retain(|c| c.date <= parts.build_time);
        }
        let mut pages = parts.pages;
        pages.sort_by(|a, b| a.slug.cmp(&b.slug));
        // Every advisory is shown or held (in a preview, shown and held), so the ids are
        // checked over those; beside the product index, as both touch every advisory.
        let every: Vec<&Advisory> = match parts.mode {
            Mode::Preview => advisories.iter().map(Arc::as_ref).collect(),
            Mode::Public => advisories.iter().chain(&held).map(Arc::as_ref).collect(),
        };
        let (diags, by_product) = rayon::join(|| duplicate_ids(&every), || product_index(&advisories));
        if !diags.is_empty() {
            return Err(diags);
        }
        let site = Site {
            config: parts.config,
            build_time: parts.build_time,
            mode: parts.mode,
            catalog,
            advisories,
            held_back,
            held,
            verdicts,
            by_product,
            full_catalog,
            pages,
            extra_credits,
            key: parts.key,
            signing: parts.signing,
        };
        Ok(site)
    }

    /// The gate's verdict on `a` (one of `advisories` or `held`).
    pub fn visibility(&self, a: &Advisory) -> Visibility<'_> {
        match self.verdicts.get(&a.id).and_then(|&i| self.held_back.get(i)) {
            Some(held) => Visibility::Held(&held.reason),
            None => Visibility::Published,
        }
    }

    /// Whether the gate let `a` through.
    pub fn is_published(&self, a: &Advisory) -> bool {
        self.visibility(a) == Visibility::Published
    }

    /// Published advisories by the products they concern, each list newest first. One pass
    /// over the rows: asking [`Site::advisories_for`] for every product scanned every
    /// advisory's rows once per product (quadratic for an advisory of many products).
    pub fn advisories_by_product(&self) -> HashMap<&ProductId, Vec<&Advisory>> {
        self.by_product
            .iter()
            .map(|(p, at)| {
                let advisories = at
                    .iter()
                    .filter_map(|&i| self.advisories.get(i as usize))
                    .map(Arc::as_ref)
                    .collect();
                (p, advisories)
            })
            .collect()
    }

    /// Published advisories that concern `product`, newest first.
    pub fn advisories_for(&self, product: &ProductId) -> Vec<&Advisory> {
        self.advisories
            .iter()
            .map(Arc::as_ref)
            .filter(|a| a.products().any(|x| x == product))
            .collect()
    }

    /// Published advisories grouped by year of first release, newest year first.
    pub fn by_year(&self) -> Vec<(i16, Vec<&Advisory>)> {
        let mut map: BTreeMap<i16, Vec<&Advisory>> = BTreeMap::new();
        for a in &self.advisories {
            map.entry(a.year()).or_default().push(a);
        }
        map.into_iter().rev().collect()
    }

    /// Published advisories with the given severity.
    pub fn with_severity(&self, severity: Severity) -> Vec<&Advisory> {
        self.advisories
            .iter()
            .map(Arc::as_ref)
            .filter(|a| a.severity() == Some(severity))
            .collect()
    }

    /// The catalog name of `p`, or its id when the catalog has no such product.
    pub fn product_name<'a>(&'a self, p: &'a ProductId) -> &'a str {
        self.catalog.get(p).map_or(p.as_str(), |x| x.name.as_str())
    }

    pub fn page(&self, slug: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.slug == slug)
    }

    /// Absolute URL for a site path (`advisories/X/` → `https://…/advisories/X/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.config.base(), path.trim_start_matches('/'))
    }

    /// The newest date any published content carries, for feeds' `lastBuildDate` and
    /// similar fields that should not change when nothing changed.
    pub fn last_change(&self) -> Timestamp {
        self.advisories
            .iter()
            .map(|a| a.updated())
            .max()
            .unwrap_or(self.build_time)
    }
}

/// Product → the positions of the advisories that name it, in their order. Built in
/// parallel: at 10k advisories one thread reading every advisory's products took 15–20 ms
/// of a `serve` rebuild, mostly waiting on memory.
fn product_index(advisories: &[Arc<Advisory>]) -> HashMap<ProductId, Vec<u32>> {
    // Chunks keep their order through `reduce`, so each list stays in ascending order.
    advisories
        .par_iter()
        .enumerate()
        .with_min_len(256)
        .fold(
            HashMap::default,
            |mut index: HashMap<ProductId, Vec<u32>>, (i, a)| {
                for p in a.products() {
                    match index.get_mut(p) {
                        Some(at) => at.push(i as u32),
                        None => {
                            index.insert(p.clone(), vec![i as u32]);
                        }
                    }
                }
                index
            },
        )
        .reduce(HashMap::default, |mut left, right| {
            for (p, mut later) in right {
                left.entry(p).or_default().append(&mut later);
            }
            left
        })
}

/// The public catalog is the products that published advisories name, nothing else. A
/// product named only by held-back advisories may be unannounced, and whether a product
/// page exists must not depend on held-back advisories at all: if products that no
/// advisory names were listed, the first embargoed advisory about one would make it vanish
/// from the public site and so reveal the embargo. (The preview shows the whole catalog.)
fn hide_unannounced_products(catalog: &mut Catalog, published: &[Arc<Advisory>]) {
    let named: crate::hash::HashSet<&ProductId> = published.iter().flat_map(|a| a.products()).collect();
    catalog.products.retain(|id, _| named.contains(id));
}

fn duplicate_message(first: &Advisory, a: &Advisory) -> String {
    if first.id == a.id {
        format!("advisory id `{}` is used twice", a.id)
    } else {
        format!(
            "advisory ids `{}` and `{}` share the page folder `advisories/{}/`",
            first.id,
            a.id,
            a.id.slug()
        )
    }
}

fn duplicate_ids(advisories: &[&Advisory]) -> Vec<Diagnostic> {
    // By page folder: `X:1` and `X_1` would share `advisories/X_1/` and the CSAF file name.
    // One pass over a hash set finds that there are none (the usual case); the walk in
    // file order below names the first use of each.
    let mut slugs = crate::hash::HashSet::with_capacity_and_hasher(advisories.len(), Default::default());
    if advisories.iter().all(|a| slugs.insert(a.id.slug())) {
        return Vec::new();
    }
    let mut seen: BTreeMap<std::borrow::Cow<'_, str>, &Advisory> = BTreeMap::new();
    let mut diags = Vec::new();
    let mut sorted: Vec<&Advisory> = advisories.to_vec();
    sorted.sort_by(|a, b| a.source.cmp(&b.source));
    for a in sorted {
        if let Some(first) = seen.get(&a.id.slug()) {
            diags.push(
                Diagnostic::error(Code::DuplicateId, duplicate_message(first, a))
                    .at(&a.source, a.id_span.clone())
                    .also(&first.source, first.id_span.clone(), "first used here")
                    .help(
                        "give each advisory its own id (`psirt-site new advisory` picks the next free one)",
                    ),
            );
        } else {
            seen.insert(a.id.slug(), a);
        }
    }
    diags
}
