//! The product tree of a CSAF document → catalog entries (one per product name under its
//! vendor and family) and `[[affected]]` entries from the vulnerabilities' product status.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::Value;

use super::reader::Reader;
use crate::model::ids::ProductId;

/// A product for `content/products.toml`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CatalogEntry {
    pub id: String,
    pub name: String,
    pub vendor: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpe: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

/// One `[[affected]]` entry.
#[derive(Debug, Clone, Serialize)]
pub(super) struct AffectedEntry {
    pub product: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versions: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// A leaf of the product tree: which catalog product, at which version.
#[derive(Debug, Clone)]
struct Leaf {
    catalog_id: String,
    version: Option<String>,
}

/// What the product tree and statuses became.
#[derive(Debug, Default)]
pub(super) struct ProductMap {
    leaves: HashMap<String, Leaf>,
    pub catalog: Vec<CatalogEntry>,
    pub affected: Vec<AffectedEntry>,
}

/// Where a branch is in the tree: the names of the levels above it.
#[derive(Clone, Default)]
struct Context {
    vendor: Option<String>,
    family: Option<String>,
    name: Option<String>,
    version: Option<String>,
}

/// `known` is the catalog so far; `catalog` of the result starts with it.
pub(super) fn products(r: &mut Reader<'_>, known: &[CatalogEntry]) -> ProductMap {
    let mut map = ProductMap {
        catalog: known.to_vec(),
        ..ProductMap::default()
    };
    walk(r, "/product_tree", &Context::default(), &mut map);
    map.affected = affected(r, &map);
    map
}

fn walk(r: &mut Reader<'_>, at: &str, ctx: &Context, map: &mut ProductMap) {
    for i in 0..r.len(&format!("{at}/branches")) {
        let b = format!("{at}/branches/{i}");
        let mut ctx = ctx.clone();
        let name = r
            .peek(&format!("{b}/name"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let level = match r.peek(&format!("{b}/category")).and_then(Value::as_str) {
            Some("vendor") => &mut ctx.vendor,
            Some("product_family") => &mut ctx.family,
            Some("product_name") => &mut ctx.name,
            Some("product_version" | "product_version_range") => &mut ctx.version,
            _ => {
                r.explain(
                    &b,
                    "only vendor, product family, product name and version branches are kept",
                );
                continue;
            }
        };
        *level = name;
        r.str(&format!("{b}/category"));
        r.str(&format!("{b}/name"));
        if r.peek(&format!("{b}/product")).is_some() {
            leaf(r, &format!("{b}/product"), &ctx, map);
        }
        walk(r, &b, &ctx, map);
    }
}

/// A product at a leaf: its catalog entry (made on first sight) and its version.
fn leaf(r: &mut Reader<'_>, at: &str, ctx: &Context, map: &mut ProductMap) {
    let Some(product_id) = r.peek(&format!("{at}/product_id")).and_then(Value::as_str) else {
        return;
    };
    let name = ctx.name.clone().unwrap_or_else(|| product_name(r, at));
    let vendor = ctx.vendor.clone().unwrap_or_else(|| "Unknown vendor".into());
    let catalog_id = match map.catalog.iter().find(|c| c.name == name && c.vendor == vendor) {
        Some(c) => c.id.clone(),
        None => {
            let id = unique_id(&name, &map.catalog);
            map.catalog.push(CatalogEntry {
                id: id.clone(),
                name,
                vendor,
                family: ctx.family.clone(),
                cpe: r
                    .str(&format!("{at}/product_identification_helper/cpe"))
                    .map(str::to_string),
                purl: r
                    .str(&format!("{at}/product_identification_helper/purl"))
                    .map(str::to_string),
            });
            id
        }
    };
    r.explain(&format!("{at}/product_id"), "psirt-site names product ids itself");
    r.explain(
        &format!("{at}/name"),
        "psirt-site names a version's product `<product> <version>`",
    );
    let leaf = Leaf {
        catalog_id,
        version: ctx.version.clone(),
    };
    map.leaves.insert(product_id.to_string(), leaf);
}

fn product_name(r: &Reader<'_>, at: &str) -> String {
    r.peek(&format!("{at}/name"))
        .and_then(Value::as_str)
        .unwrap_or("Unnamed product")
        .to_string()
}

/// A catalog id from the product's name: lowercase letters, digits and `-`.
fn unique_id(name: &str, taken: &[CatalogEntry]) -> String {
    let mut base: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    base = base
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    // Ids name URLs and files: long product names (model numbers, variants) are cut at a
    // word boundary, well below the id limit, with room for a number.
    if base.len() > 60 {
        let cut = base[..60].rfind('-').unwrap_or(60);
        base.truncate(cut);
    }
    if ProductId::parse(&base).is_err() {
        base = "product".into();
    }
    let mut id = base.clone();
    let mut n = 2;
    while taken.iter().any(|c| c.id == id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

const STATUSES: [&str; 4] = [
    "known_affected",
    "fixed",
    "known_not_affected",
    "under_investigation",
];

/// One entry per catalog product, from the statuses of every vulnerability: the affected
/// version, the fixed version, and the status when it is not `known_affected`.
fn affected(r: &mut Reader<'_>, map: &ProductMap) -> Vec<AffectedEntry> {
    let mut entries: BTreeMap<String, AffectedEntry> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for v in 0..r.len("/vulnerabilities") {
        for status in STATUSES {
            let list = format!("/vulnerabilities/{v}/product_status/{status}");
            for i in 0..r.len(&list) {
                let at = format!("{list}/{i}");
                let Some(leaf) = r
                    .peek(&at)
                    .and_then(Value::as_str)
                    .and_then(|id| map.leaves.get(id))
                else {
                    continue;
                };
                let entry = entries.entry(leaf.catalog_id.clone()).or_insert_with(|| {
                    order.push(leaf.catalog_id.clone());
                    AffectedEntry {
                        product: leaf.catalog_id.clone(),
                        versions: None,
                        fixed: None,
                        status: None,
                    }
                });
                if apply(entry, status, leaf) {
                    r.str(&at);
                } else {
                    r.explain(
                        &at,
                        "one product with several versions of one status (release trains)",
                    );
                }
            }
        }
    }
    order.into_iter().filter_map(|id| entries.remove(&id)).collect()
}

/// Puts one status of one leaf into its product's entry; false when the entry already
/// says something else for it.
fn apply(entry: &mut AffectedEntry, status: &str, leaf: &Leaf) -> bool {
    let slot = match status {
        "fixed" => &mut entry.fixed,
        _ => {
            if status != "known_affected" {
                match &entry.status {
                    Some(s) if s != status => return false,
                    _ => entry.status = Some(status.to_string()),
                }
            }
            &mut entry.versions
        }
    };
    match (slot.as_ref(), leaf.version.as_ref()) {
        (None, v) => {
            *slot = v.cloned();
            true
        }
        (Some(a), Some(b)) => a == b,
        (Some(_), None) => false,
    }
}

impl ProductMap {
    /// The catalog entries of the products the document's leaves belong to.
    pub(super) fn named(&self) -> Vec<CatalogEntry> {
        let ids: std::collections::HashSet<&String> = self.leaves.values().map(|l| &l.catalog_id).collect();
        self.catalog
            .iter()
            .filter(|c| ids.contains(&c.id))
            .cloned()
            .collect()
    }

    /// Catalog ids of the product ids listed at `pointer`, in order, without repeats.
    pub(super) fn catalog_ids(&self, r: &mut Reader<'_>, pointer: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for i in 0..r.len(pointer) {
            let at = format!("{pointer}/{i}");
            let leaf = r
                .peek(&at)
                .and_then(Value::as_str)
                .and_then(|id| self.leaves.get(id));
            if let Some(leaf) = leaf {
                r.str(&at);
                if !out.contains(&leaf.catalog_id) {
                    out.push(leaf.catalog_id.clone());
                }
            }
        }
        out
    }

    /// The catalog products a vulnerability concerns, when not every affected product.
    pub(super) fn concerned(&self, r: &mut Reader<'_>, at: &str) -> Vec<String> {
        let mut ids = Vec::new();
        for status in ["known_affected", "under_investigation"] {
            let list = format!("{at}/product_status/{status}");
            for i in 0..r.len(&list) {
                let leaf = r
                    .peek(&format!("{list}/{i}"))
                    .and_then(Value::as_str)
                    .and_then(|id| self.leaves.get(id));
                if let Some(l) = leaf.filter(|l| !ids.contains(&l.catalog_id)) {
                    ids.push(l.catalog_id.clone());
                }
            }
        }
        let everything: Vec<&String> = self
            .affected
            .iter()
            .filter(|a| a.status.as_deref() != Some("known_not_affected"))
            .map(|a| &a.product)
            .collect();
        if ids.len() == everything.len() {
            Vec::new()
        } else {
            ids
        }
    }
}
