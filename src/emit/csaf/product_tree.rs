//! The CSAF product tree of an advisory (vendor → family → product → further branches →
//! version leaves, and relationships for components on platforms) and the product status
//! each `[[affected]]` entry contributes.

mod leaves;

use serde_json::{Map, Value, json};

use super::document::obj;
use crate::hash::{HashMap, HashSet};
use crate::model::advisory::{Affected, Leaf, Vulnerability};
use crate::model::enums::ProductStatus;
use crate::model::ids::ProductId;
use crate::model::leaves::leaf_spec;
use crate::model::shape::{ProductIdOrder, TreeShape};
use crate::model::versions::VersionSpec;
use crate::model::{Advisory, Catalog, Product};
use leaves::{Placed, branch_leaf, default_name, full_product, nest, placed, platform_leaf};

/// Product-name branches grouped by optional family, in order of first mention.
type Families = Vec<(Option<String>, Vec<Value>)>;

/// A product's version leaves, and the product itself when it is a leaf of its own
/// (`tree = "product"`).
type ProductLeaves<'c> = (&'c Product, Vec<Placed>, Option<Value>);

pub(super) fn product_tree(a: &Advisory, catalog: &Catalog) -> Value {
    let leaves = leaves_by_product(a, catalog);
    // vendor → family → product name, in order of first mention. Maps from name to place
    // in the lists: a search of the lists per row was quadratic.
    let mut vendors: Vec<(String, Families)> = Vec::new();
    let mut vendor_at: HashMap<&str, usize> = HashMap::default();
    let mut family_at: HashMap<(&str, Option<&str>), usize> = HashMap::default();
    // Leaves of `tree = "root"` products, before the vendors.
    let mut root: Vec<Value> = Vec::new();
    for (p, placed, own) in leaves {
        let branches = nest(placed);
        if p.tree == TreeShape::Root {
            root.extend(branches);
            continue;
        }
        let mut name_branch = Map::new();
        name_branch.insert("category".into(), "product_name".into());
        name_branch.insert("name".into(), p.name.as_str().into());
        if !branches.is_empty() || own.is_none() {
            name_branch.insert("branches".into(), Value::Array(branches.clone()));
        }
        if let Some(own) = own {
            name_branch.insert("product".into(), own);
        }
        // Packages hang under the vendor (and family) without a product name.
        let under_family = match p.tree {
            TreeShape::Packages => branches,
            _ => vec![Value::Object(name_branch)],
        };
        let vi = *vendor_at.entry(p.vendor.as_str()).or_insert_with(|| {
            vendors.push((p.vendor.clone(), Vec::new()));
            vendors.len() - 1
        });
        let families = &mut vendors[vi].1;
        let fi = *family_at
            .entry((p.vendor.as_str(), p.family.as_deref()))
            .or_insert_with(|| {
                families.push((p.family.clone(), Vec::new()));
                families.len() - 1
            });
        families[fi].1.extend(under_family);
    }
    let branches: Vec<Value> = root
        .into_iter()
        .chain(vendors.into_iter().map(vendor_branch))
        .collect();
    let mut tree = Map::new();
    tree.insert("branches".into(), Value::Array(branches));
    if !a.product_groups.is_empty() {
        tree.insert("product_groups".into(), product_groups(a));
    }
    let mut relationships = relationships(a, catalog);
    if a.product_id_order != ProductIdOrder::Entries {
        let places = product_places(a);
        relationships.sort_by_cached_key(|r| {
            let id = r["full_product_name"]["product_id"].as_str().unwrap_or("");
            (places.get(id).copied().unwrap_or_default(), id.to_string())
        });
    }
    if !relationships.is_empty() {
        tree.insert("relationships".into(), Value::Array(relationships));
    }
    Value::Object(tree)
}

/// The vendor's family branches, then its products without a family (as publishers write
/// them: CISA lists its device families before the firmware they share).
fn vendor_branch((vendor, families): (String, Families)) -> Value {
    let mut inner = Vec::new();
    let mut without_family = Vec::new();
    for (family, products) in families {
        match family {
            Some(f) => inner.push(obj([
                ("category", "product_family".into()),
                ("name", f.into()),
                ("branches", Value::Array(products)),
            ])),
            None => without_family.extend(products),
        }
    }
    inner.extend(without_family);
    obj([
        ("category", "vendor".into()),
        ("name", vendor.into()),
        ("branches", Value::Array(inner)),
    ])
}

/// Every product's version leaves, each leaf once, products in order of first mention;
/// platforms get one leaf standing for the platform as a whole.
fn leaves_by_product<'c>(a: &Advisory, catalog: &'c Catalog) -> Vec<ProductLeaves<'c>> {
    let mut out: Vec<ProductLeaves<'c>> = Vec::new();
    // By product and product-name branch (`new_branch` opens another).
    let mut at: HashMap<(&ProductId, usize), usize> = HashMap::default();
    let mut done: HashSet<String> = HashSet::default();
    let mut add = |p: &'c Product, name_branch: usize, path: Vec<(String, String)>, leaf: Value| {
        let i = *at.entry((&p.id, name_branch)).or_insert_with(|| {
            out.push((p, Vec::new(), None));
            out.len() - 1
        });
        // A product that is its own leaf is the product of its name branch.
        if p.tree == TreeShape::Product {
            out[i].2 = Some(leaf["product"].clone());
        } else {
            out[i].1.push((path, leaf));
        }
    };
    for entry in &a.affected {
        let Some(p) = catalog.get(&entry.product) else {
            continue;
        };
        // A platform that is a leaf of its own comes before its components, as Red Hat and
        // CISA write their trees; other platforms after them, as before.
        let platform = entry.platform.as_ref().and_then(|pl| catalog.get(&pl.product));
        let own_leaf = |pl: &&Product| pl.tree == TreeShape::Product;
        let (before, after) = (platform.filter(own_leaf), platform.filter(|pl| !own_leaf(pl)));
        if let Some(pl) = before
            && done.insert(a.id_base(pl).to_string())
        {
            add(pl, 0, pl.branches.clone(), platform_leaf(pl, a.id_base(pl)));
        }
        let specs = [
            (
                entry.ids.versions.as_ref(),
                leaf_spec(entry),
                &entry.names.versions,
                entry.below_version.as_slice(),
            ),
            (
                entry.ids.fixed.as_ref(),
                entry.fixed.clone().map(|text| VersionSpec::Single { text }),
                &entry.names.fixed,
                &[],
            ),
        ];
        for (leaf, spec, name, below) in specs {
            if let (Some(leaf), Some(spec)) = (leaf, spec)
                && done.insert(leaf.tree_id.clone())
            {
                let name = name.clone().unwrap_or_else(|| match entry.branches.last() {
                    Some((_, branch)) if entry.at_branch => format!("{} {branch}", p.name),
                    _ => default_name(&p.name, spec.text(), below),
                });
                let product = full_product(name, &leaf.tree_id, &entry.identification);
                let (path, leaf) = match entry.branches.split_last() {
                    Some(((category, branch), above)) if entry.at_branch => {
                        (above.to_vec(), branch_leaf(category, branch, product))
                    }
                    _ => placed(&entry.branches, &spec, below, product),
                };
                add(p, entry.name_branch, path, leaf);
            }
        }
        if let Some(pl) = after
            && done.insert(a.id_base(pl).to_string())
        {
            add(pl, 0, pl.branches.clone(), platform_leaf(pl, a.id_base(pl)));
        }
    }
    out
}

/// CSAF `relationships`: each leaf of a component on a platform, as the combined product
/// that statuses name (`<platform id>:<leaf id>`).
fn relationships(a: &Advisory, catalog: &Catalog) -> Vec<Value> {
    let mut out = Vec::new();
    let mut done = HashSet::default();
    for entry in &a.affected {
        let (Some(platform), Some(p)) = (&entry.platform, catalog.get(&entry.product)) else {
            continue;
        };
        let Some(pl) = catalog.get(&platform.product) else {
            continue;
        };
        let own = |text: &str, below: &[(String, String)], name: &Option<String>| {
            name.clone().unwrap_or_else(|| default_name(&p.name, text, below))
        };
        let leaves = [
            (
                entry.ids.versions.as_ref(),
                leaf_spec(entry).map(|s| own(s.text(), &entry.below_version, &entry.names.versions)),
            ),
            (
                entry.ids.fixed.as_ref(),
                entry.fixed.as_deref().map(|t| own(t, &[], &entry.names.fixed)),
            ),
        ];
        for (leaf, own_name) in leaves {
            let (Some(Leaf { tree_id, status_id }), Some(own_name)) = (leaf, own_name) else {
                continue;
            };
            if !done.insert(status_id.clone()) {
                continue;
            }
            let name = platform
                .name
                .clone()
                .unwrap_or_else(|| format!("{own_name} {} {}", platform.relationship.phrase(), pl.name));
            out.push(obj([
                ("category", platform.relationship.as_str().into()),
                // The component's helpers (purl, cpe, …) identify the combined product too;
                // without them every relationship failed recommended test 6.2.16.
                (
                    "full_product_name",
                    full_product(name, status_id, &entry.identification),
                ),
                ("product_reference", tree_id.as_str().into()),
                ("relates_to_product_reference", a.id_base(pl).into()),
            ]));
        }
    }
    out
}

/// CSAF `product_groups`, their members as the model resolved them.
fn product_groups(a: &Advisory) -> Value {
    let groups = a.product_groups.iter().map(|g| {
        let mut m = Map::new();
        m.insert("group_id".into(), json!(g.id));
        m.insert("product_ids".into(), json!(g.leaves));
        if let Some(s) = &g.summary {
            m.insert("summary".into(), json!(s));
        }
        Value::Object(m)
    });
    Value::Array(groups.collect())
}

/// CSAF product ids that stand for these catalog products as concerned by a vulnerability
/// (scores, remediations and threats name them): the leaves of entries that say the
/// product is (or may be) vulnerable, leaving out entries limited to other
/// vulnerabilities (the leaf is not in this vulnerability's product status).
pub(super) fn concerned_ids(a: &Advisory, v: &Vulnerability, products: &[ProductId]) -> Vec<String> {
    // Sets: a search per row was quadratic in the rows.
    let products: HashSet<&ProductId> = products.iter().collect();
    let index = index_of(a, v);
    let in_scope = |x: &Affected| x.concerns(index) && products.contains(&x.product);
    let vulnerable: HashSet<&ProductId> = a
        .affected
        .iter()
        .filter(|x| x.status.is_concerned() && in_scope(x))
        .map(|x| &x.product)
        .collect();
    // A product is concerned through its (maybe) vulnerable leaves; one that no entry calls
    // vulnerable (a fixed-only statement, as Red Hat writes) through its other statements,
    // never through "not affected".
    let stands_for = |x: &Affected| {
        in_scope(x)
            && if vulnerable.contains(&x.product) {
                x.status.is_concerned()
            } else {
                x.status != ProductStatus::KnownNotAffected
            }
    };
    let leaf = |x: &'_ Affected| {
        if vulnerable.contains(&x.product) {
            x.ids.versions.clone()
        } else {
            x.ids.fixed.clone().or_else(|| x.ids.versions.clone())
        }
    };
    let mut seen = HashSet::default();
    let mut ids: Vec<String> = a
        .affected
        .iter()
        .filter(|x| stands_for(x))
        .filter_map(leaf)
        .map(|l| l.status_id)
        .filter(|id| seen.insert(id.clone()))
        .collect();
    if a.product_id_order != ProductIdOrder::Entries {
        sort_ids(&product_places(a), &mut ids);
    }
    ids
}

/// For a sorted `product_id_order`: the place of each leaf's product (its first entry; 0
/// for all when sorted by id alone) by the leaf's ids; built only for advisories that sort.
fn product_places(a: &Advisory) -> HashMap<&str, usize> {
    if a.product_id_order == ProductIdOrder::Sorted {
        return HashMap::default();
    }
    let mut first: HashMap<&ProductId, usize> = HashMap::default();
    let mut places = HashMap::default();
    for (i, e) in a.affected.iter().enumerate() {
        let place = *first.entry(&e.product).or_insert(i);
        for leaf in [&e.ids.versions, &e.ids.fixed].into_iter().flatten() {
            places.entry(leaf.status_id.as_str()).or_insert(place);
            places.entry(leaf.tree_id.as_str()).or_insert(place);
        }
    }
    places
}

/// Ids by product (in the order of `[[affected]]`), sorted within each product: how Red
/// Hat (one product of packages) and Cisco (one run per product) write their lists.
fn sort_ids(places: &HashMap<&str, usize>, ids: &mut [String]) {
    ids.sort_by(|x, y| {
        let place = |id: &String| places.get(id.as_str()).copied().unwrap_or_default();
        (place(x), x).cmp(&(place(y), y))
    });
}

/// The index of `v` in the advisory, for entries scoped to some vulnerabilities.
pub(super) fn index_of(a: &Advisory, v: &Vulnerability) -> usize {
    a.vulnerabilities
        .iter()
        .position(|x| std::ptr::eq(x, v))
        .unwrap_or(usize::MAX)
}

/// The entries that state something about `v`: those it concerns, those that say a
/// product is not affected, and statements (fixed, recommended) about products that no
/// entry about `v` calls vulnerable (a product under investigation for one vulnerability
/// may be fixed for another).
pub(super) fn entries_for<'a>(a: &'a Advisory, v: &Vulnerability) -> impl Iterator<Item = &'a Affected> {
    let index = index_of(a, v);
    let products: HashSet<ProductId> = v.products.iter().cloned().collect();
    let vulnerable: HashSet<ProductId> = a
        .affected
        .iter()
        .filter(|e| e.status.is_concerned() && e.concerns(index))
        .map(|e| e.product.clone())
        .collect();
    a.affected.iter().filter(move |e| {
        e.concerns(index)
            && (products.contains(&e.product)
                || e.status == crate::model::ProductStatus::KnownNotAffected
                || (!e.status.is_concerned() && !vulnerable.contains(&e.product)))
    })
}

pub(super) fn product_status(a: &Advisory, v: &Vulnerability) -> Value {
    let mut status: Map<String, Value> = Map::new();
    let mut seen: HashSet<(&str, &str)> = HashSet::default();
    // An unstated leaf is in no list (its `fixed` leaf still is).
    for entry in entries_for(a, v) {
        let stated = entry.status != ProductStatus::Unstated;
        let leaves = [
            (
                entry.status.as_str(),
                entry.ids.versions.as_ref().filter(|_| stated),
            ),
            ("fixed", entry.ids.fixed.as_ref()),
        ];
        for (category, leaf) in leaves {
            let Some(leaf) = leaf else { continue };
            if !seen.insert((category, leaf.status_id.as_str())) {
                continue;
            }
            if let Value::Array(items) = status.entry(category).or_insert_with(|| json!([])) {
                items.push(json!(leaf.status_id));
            }
        }
    }
    // The schema's order of the categories (alphabetical), whatever the entries' order.
    status.sort_keys();
    if a.product_id_order != ProductIdOrder::Entries {
        let places = product_places(a);
        for list in status.values_mut() {
            if let Value::Array(items) = list {
                let mut ids: Vec<String> = items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect();
                sort_ids(&places, &mut ids);
                *items = ids.into_iter().map(Value::String).collect();
            }
        }
    }
    Value::Object(status)
}
