//! The product tree of a CSAF document → catalog products (one per product name under its
//! vendor and family) and the leaves `[[affected]]` entries are made of (`affected.rs`):
//! each full product name with its original `product_id`, version, further branches and
//! identification helpers, and each relationship (a component on a platform).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use super::reader::Reader;
use crate::model::ids::ProductId;
use crate::model::shape::ProductIdOrder;

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
    /// The original `product_id` of the product as a platform (a full product name at the
    /// product-name level), so that relationships keep their ids.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// `product`: a platform that is a leaf of its own at its product name; `packages`:
    /// leaves without a product-name branch (Red Hat's packages under vendor and
    /// architecture).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tree: Option<String>,
    /// The platform leaf's full product name, where it is not `name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
}

/// A version leaf of the tree: which catalog product, at which version, below which
/// further branches, identified how.
#[derive(Debug, Clone)]
pub(super) struct Leaf {
    pub catalog_id: String,
    /// (is a range, name of the version branch).
    pub version: Option<(bool, String)>,
    pub branches: Vec<(String, String)>,
    /// Branches below the version branch (service packs of a release train).
    pub below_version: Vec<(String, String)>,
    pub identification: Option<toml::Table>,
    /// The full product name the publisher gave the leaf.
    pub name: String,
    /// Where the leaf is in the original, for the reasons of what is lost.
    pub at: String,
    /// The leaf is the product itself, at its product-name branch (no version, no branches).
    pub whole_product: bool,
    /// Where its product-name branch is (a product may be named in several branches).
    pub name_at: Option<String>,
}

/// A relationship: the component leaf `component` on the platform leaf `platform`.
#[derive(Debug, Clone)]
pub(super) struct Relation {
    pub product_id: String,
    pub component: String,
    pub platform: String,
    pub category: String,
    /// The relationship's own full product name.
    pub name: Option<String>,
}

/// What the product tree became.
#[derive(Debug, Default)]
pub(super) struct Tree {
    pub leaves: HashMap<String, Leaf>,
    /// Product ids of the leaves, in the order of the tree.
    pub order: Vec<String>,
    pub relations: Vec<Relation>,
    pub catalog: Vec<CatalogEntry>,
    /// Entries of `catalog` before this document: they are never changed.
    known: usize,
    /// How the document's product id lists are ordered, where it is sorted and not the
    /// tree's order (Red Hat, Cisco): then the entries follow the tree.
    pub product_id_order: ProductIdOrder,
    /// Known catalog products this document names by another `product_id`.
    pub product_ids: BTreeMap<String, String>,
    /// Catalog index by (vendor, name): a search of the catalog per leaf was quadratic.
    by_name: HashMap<(String, String), usize>,
}

/// Where a branch is in the tree: the names of the levels above it.
#[derive(Clone, Default)]
struct Context {
    vendor: Option<String>,
    family: Option<String>,
    name: Option<String>,
    name_at: Option<String>,
    version: Option<(bool, String)>,
    branches: Vec<(String, String)>,
    below_version: Vec<(String, String)>,
}

/// `known` is the catalog so far; `catalog` of the result starts with it.
pub(super) fn tree(r: &mut Reader<'_>, known: &[CatalogEntry]) -> Tree {
    let mut t = Tree {
        catalog: known.to_vec(),
        known: known.len(),
        ..Tree::default()
    };
    for (i, c) in known.iter().enumerate() {
        t.by_name.insert((c.vendor.clone(), c.name.clone()), i);
    }
    walk(r, "/product_tree", &Context::default(), &mut t);
    for i in 0..r.len("/product_tree/full_product_names") {
        let at = format!("/product_tree/full_product_names/{i}");
        leaf(r, &at, &Context::default(), &mut t);
    }
    relations(r, &mut t);
    platforms_of_their_own(r, &mut t);
    t.product_id_order = super::order::sorted_not_by_tree(r, &t);
    t
}

/// A product that is only a platform, named at its product-name branch without versions
/// (Red Hat's repositories, CISA's device models), becomes a leaf of its own
/// (`tree = "product"`), its helpers the catalog's. Only new catalog products: one that
/// statuses, scores or remediations name directly keeps its versions leaf.
fn platforms_of_their_own(r: &Reader<'_>, t: &mut Tree) {
    let named = named_in_vulnerabilities(r);
    let platforms: Vec<String> = t.relations.iter().map(|rel| rel.platform.clone()).collect();
    let components: HashSet<&str> = t.relations.iter().map(|rel| rel.component.as_str()).collect();
    let mut leaves_of: HashMap<&str, usize> = HashMap::new();
    for leaf in t.leaves.values() {
        *leaves_of.entry(leaf.catalog_id.as_str()).or_default() += 1;
    }
    for id in &platforms {
        let Some(leaf) = t.leaves.get(id) else { continue };
        let only_leaf = leaves_of.get(leaf.catalog_id.as_str()) == Some(&1);
        if !leaf.whole_product
            || !only_leaf
            || named.contains(id.as_str())
            || components.contains(id.as_str())
        {
            continue;
        }
        let Some(index) = t.catalog.iter().rposition(|c| c.id == leaf.catalog_id) else {
            continue;
        };
        let entry = &mut t.catalog[index];
        if index < t.known || entry.product_id.as_deref() != Some(id.as_str()) || entry.tree.is_some() {
            continue;
        }
        let helper = |k: &str| {
            leaf.identification
                .as_ref()
                .and_then(|i| i.get(k))
                .and_then(toml::Value::as_str)
                .map(str::to_string)
        };
        entry.cpe = helper("cpe");
        entry.purl = helper("purl");
        entry.tree = Some("product".into());
        entry.full_name =
            (leaf.name != entry.name && !leaf.name.trim().is_empty()).then(|| leaf.name.clone());
    }
}

/// Every product id the vulnerabilities name (statuses, scores, remediations, threats).
fn named_in_vulnerabilities<'d>(r: &Reader<'d>) -> HashSet<&'d str> {
    super::order::id_lists(r).into_iter().flatten().collect()
}

fn walk(r: &mut Reader<'_>, at: &str, ctx: &Context, t: &mut Tree) {
    for i in 0..r.len(&format!("{at}/branches")) {
        let b = format!("{at}/branches/{i}");
        let mut ctx = ctx.clone();
        let Some(name) = r.peek(&format!("{b}/name")).and_then(Value::as_str) else {
            continue;
        };
        let name = name.to_string();
        match r.peek(&format!("{b}/category")).and_then(Value::as_str) {
            Some("vendor") => ctx.vendor = Some(name),
            // Below a product name, a family is a branch of the entry (`branches`).
            Some("product_family") if ctx.name.is_none() => ctx.family = Some(name),
            Some("product_name") => {
                ctx.name = Some(name);
                ctx.name_at = Some(b.clone());
            }
            Some("product_version") => ctx.version = Some((false, name)),
            Some("product_version_range") => ctx.version = Some((true, name)),
            Some(c) if crate::model::status::BRANCH_CATEGORIES.contains(&c) => {
                // Below a version, the branches are the entry's `below_version`.
                let level = if ctx.version.is_some() {
                    &mut ctx.below_version
                } else {
                    &mut ctx.branches
                };
                // Each category once per path: the model's branches are a table.
                if level.iter().any(|(k, _)| k == c) {
                    r.explain(
                        &b,
                        "a branch category repeated below itself has no place in the model",
                    );
                    continue;
                }
                level.push((c.to_string(), name));
            }
            _ => {
                r.explain(&b, "this branch category has no place in the model");
                continue;
            }
        }
        r.str(&format!("{b}/category"));
        r.str(&format!("{b}/name"));
        if r.peek(&format!("{b}/product")).is_some() {
            leaf(r, &format!("{b}/product"), &ctx, t);
        }
        walk(r, &b, &ctx, t);
    }
}

/// A full product name: its catalog product (made on first sight) and its leaf.
fn leaf(r: &mut Reader<'_>, at: &str, ctx: &Context, t: &mut Tree) {
    let Some(product_id) = r.peek(&format!("{at}/product_id")).and_then(Value::as_str) else {
        return;
    };
    if t.leaves.contains_key(product_id) {
        r.explain(at, "a product id defined twice in the tree");
        return;
    }
    let own_name = r
        .peek(&format!("{at}/name"))
        .and_then(Value::as_str)
        .unwrap_or("Unnamed product")
        .to_string();
    // Leaves under a vendor without a product name are packages of one catalog product.
    let packages = ctx.name.is_none() && ctx.vendor.is_some();
    let vendor = ctx.vendor.clone().unwrap_or_else(|| "Unknown vendor".into());
    let name = match &ctx.name {
        Some(name) => name.clone(),
        None if packages => format!("{} packages", ctx.family.as_ref().unwrap_or(&vendor)),
        None => own_name.clone(),
    };
    // A leaf at the top of the tree, above any vendor, is its product's own shape too.
    let at_root = ctx.vendor.is_none()
        && ctx.family.is_none()
        && ctx.name.is_none()
        && at.starts_with("/product_tree/branches/");
    let index = catalog_entry(t, &name, &vendor, ctx.family.clone());
    let shape = match (packages, at_root) {
        (true, _) => Some("packages"),
        (_, true) => Some("root"),
        _ => None,
    };
    if let (Some(shape), true, None) = (shape, index >= t.known, &t.catalog[index].tree) {
        t.catalog[index].tree = Some(shape.into());
    }
    // A product at the product-name level is the product as a whole: as a platform it
    // keeps its id through the catalog's `product_id`.
    if ctx.version.is_none() && ctx.branches.is_empty() && ctx.name.is_some() {
        let entry = &mut t.catalog[index];
        let base = entry.product_id.as_deref().unwrap_or(&entry.id);
        if index >= t.known {
            if entry.product_id.is_none() && entry.id != product_id {
                entry.product_id = Some(product_id.to_string());
            }
        } else if base != product_id {
            // A known product this document names by another id (Red Hat's repositories
            // change ids between minor releases): the advisory's `[product_ids]`.
            t.product_ids.insert(entry.id.clone(), product_id.to_string());
        }
    }
    r.str(&format!("{at}/name"));
    r.str(&format!("{at}/product_id"));
    let leaf = Leaf {
        whole_product: ctx.version.is_none() && ctx.branches.is_empty() && ctx.name.is_some(),
        name_at: ctx.name_at.clone(),
        catalog_id: t.catalog[index].id.clone(),
        version: ctx.version.clone(),
        branches: ctx.branches.clone(),
        below_version: ctx.below_version.clone(),
        identification: super::helpers::identification(r, &format!("{at}/product_identification_helper")),
        name: own_name,
        at: at.to_string(),
    };
    t.leaves.insert(product_id.to_string(), leaf);
    t.order.push(product_id.to_string());
}

fn catalog_entry(t: &mut Tree, name: &str, vendor: &str, family: Option<String>) -> usize {
    let key = (vendor.to_string(), name.to_string());
    if let Some(i) = t.by_name.get(&key) {
        return *i;
    }
    let id = unique_id(name, &t.catalog);
    t.catalog.push(CatalogEntry {
        id,
        name: name.to_string(),
        vendor: vendor.to_string(),
        family,
        cpe: None,
        purl: None,
        product_id: None,
        tree: None,
        full_name: None,
    });
    t.by_name.insert(key, t.catalog.len() - 1);
    t.catalog.len() - 1
}

/// Relationships whose two products are leaves of the tree.
fn relations(r: &mut Reader<'_>, t: &mut Tree) {
    for i in 0..r.len("/product_tree/relationships") {
        let at = format!("/product_tree/relationships/{i}");
        let get = |k: &str| r.peek(&format!("{at}/{k}")).and_then(Value::as_str);
        let (Some(pid), Some(component), Some(platform), Some(category)) = (
            get("full_product_name/product_id"),
            get("product_reference"),
            get("relates_to_product_reference"),
            get("category"),
        ) else {
            continue;
        };
        if !t.leaves.contains_key(component) || !t.leaves.contains_key(platform) || component == platform {
            r.explain(&at, "a relationship of products the tree does not define");
            continue;
        }
        for k in ["category", "product_reference", "relates_to_product_reference"] {
            r.str(&format!("{at}/{k}"));
        }
        r.str(&format!("{at}/full_product_name/product_id"));
        let name = r.str(&format!("{at}/full_product_name/name")).map(str::to_string);
        t.relations.push(Relation {
            name,
            product_id: pid.to_string(),
            component: component.to_string(),
            platform: platform.to_string(),
            category: category.to_string(),
        });
    }
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
    // A set would be faster, but ids collide rarely: most names are distinct.
    while taken.iter().any(|c| c.id == id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    /// A document with the tree shapes import keeps: a service pack below its release,
    /// a range text as written, one product name in two branches, a leaf only a score
    /// names, and lists sorted within each product.
    fn document() -> serde_json::Value {
        let leaf = |category: &str, name: &str, id: &str| json!({ "category": category, "name": name, "product": { "name": format!("Leaf {id}"), "product_id": id } });
        json!({
            "document": {
                "category": "csaf_security_advisory", "csaf_version": "2.0", "title": "Shapes",
                "publisher": { "category": "vendor", "name": "Example", "namespace": "https://example.com" },
                "tracking": {
                    "id": "EX-SHAPES-1", "status": "final", "version": "1",
                    "initial_release_date": "2024-01-01T00:00:00Z", "current_release_date": "2024-01-01T00:00:00Z",
                    "revision_history": [{ "date": "2024-01-01T00:00:00Z", "number": "1", "summary": "Initial" }]
                }
            },
            "product_tree": { "branches": [{ "category": "vendor", "name": "Example", "branches": [
                { "category": "product_name", "name": "OS", "branches": [
                    { "category": "product_version", "name": "12.2SE", "branches": [
                        leaf("service_pack", "12.2(55)SE", "P-9"),
                        leaf("service_pack", "12.2(55)SE1", "P-3")
                    ] }
                ] },
                { "category": "product_name", "name": "App", "branches": [leaf("product_version_range", "< 3.1", "P-5")] },
                { "category": "product_name", "name": "App", "branches": [leaf("product_version_range", "< 4.0", "P-4")] },
                { "category": "product_name", "name": "Tool", "branches": [leaf("product_version_range", "< 1.3", "P-7")] }
            ] }] },
            "vulnerabilities": [{
                "cve": "CVE-2024-0001", "title": "Flaw",
                "product_status": { "known_affected": ["P-3", "P-9", "P-4", "P-5"] },
                "scores": [{ "cvss_v3": {
                    "version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                    "baseScore": 9.8, "baseSeverity": "CRITICAL"
                }, "products": ["P-3", "P-9", "P-4", "P-5", "P-7"] }]
            }]
        })
    }

    #[test]
    fn import_keeps_the_tree_shapes_as_model_keys() {
        let mapped = super::super::mapping::map(&document(), &[]).expect("maps");
        let text = &mapped.text;
        for want in [
            "product_id_order = \"by_product\"",
            "service_pack = \"12.2(55)SE\"",
            "versions = \"< 3.1\"\nscheme = \"none\"",
            "new_branch = true",
            "status = \"unstated\"",
        ] {
            assert!(text.contains(want), "{want} in:\n{text}");
        }
    }
}
