//! The CSAF product tree of an advisory (vendor → family → product → version leaves) and
//! the product status each `[[affected]]` entry contributes.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};

use super::document::obj;
use crate::model::advisory::{Affected, Vulnerability};
use crate::model::ids::ProductId;
use crate::model::{Advisory, Catalog, ProductStatus};

/// Product ids of one affected entry's leaves in the product tree.
fn leaf_id(product: &ProductId, kind: &str) -> String {
    format!("{product}-{kind}")
}

/// Which CSAF product status and leaf id each `[[affected]]` entry contributes.
fn status_leaves(a: &Affected) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    match a.status {
        ProductStatus::KnownAffected => out.push(("known_affected", leaf_id(&a.product, "vulnerable"))),
        ProductStatus::UnderInvestigation => {
            out.push(("under_investigation", leaf_id(&a.product, "under-investigation")));
        }
        ProductStatus::KnownNotAffected => {
            out.push(("known_not_affected", leaf_id(&a.product, "not-affected")))
        }
    }
    if a.fixed.is_some() {
        out.push(("fixed", leaf_id(&a.product, "fixed")));
    }
    out
}

/// The leaf id standing for "this product as concerned by the vulnerability".
fn concerned_id(a: &Affected) -> Option<String> {
    match a.status {
        ProductStatus::KnownAffected => Some(leaf_id(&a.product, "vulnerable")),
        ProductStatus::UnderInvestigation => Some(leaf_id(&a.product, "under-investigation")),
        ProductStatus::KnownNotAffected => None,
    }
}

/// A version text without range operators goes into `product_version`; a range into
/// `product_version_range` (CSAF test 6.1.31 forbids ranges in `product_version`).
fn is_range(versions: &str) -> bool {
    let lower = versions.to_ascii_lowercase();
    versions.contains(['<', '>', '=', ',', '*', '|'])
        || [
            "all",
            "prior",
            "before",
            "after",
            "through",
            "and later",
            "earlier",
            "since",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

/// Product-name branches grouped by optional family, in order of first mention.
type Families = Vec<(Option<String>, Vec<Value>)>;

pub(super) fn product_tree(a: &Advisory, catalog: &Catalog) -> Value {
    // vendor → family → product name → version leaves, in order of first mention.
    let mut vendors: Vec<(String, Families)> = Vec::new();
    // Where each vendor, and each (vendor, family), is in the lists: a search of the lists
    // per row was quadratic when every product has its own vendor or family.
    let mut vendor_at: HashMap<&str, usize> = HashMap::new();
    let mut family_at: HashMap<(&str, Option<&str>), usize> = HashMap::new();
    for entry in &a.affected {
        let Some(p) = catalog.get(&entry.product) else {
            continue;
        };
        let name_branch = product_branch(entry, p);
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
        families[fi].1.push(name_branch);
    }
    let branches: Vec<Value> = vendors
        .into_iter()
        .map(|(vendor, families)| {
            let mut inner = Vec::new();
            for (family, products) in families {
                match family {
                    Some(f) => inner.push(obj([
                        ("category", "product_family".into()),
                        ("name", f.into()),
                        ("branches", Value::Array(products)),
                    ])),
                    None => inner.extend(products),
                }
            }
            obj([
                ("category", "vendor".into()),
                ("name", vendor.into()),
                ("branches", Value::Array(inner)),
            ])
        })
        .collect();
    obj([("branches", Value::Array(branches))])
}

fn full_product(name: String, id: String, p: &crate::model::Product) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(name));
    m.insert("product_id".into(), json!(id));
    let mut helper = Map::new();
    if let Some(cpe) = &p.cpe {
        helper.insert("cpe".into(), json!(cpe));
    }
    if let Some(purl) = &p.purl {
        helper.insert("purl".into(), json!(purl));
    }
    if !helper.is_empty() {
        m.insert("product_identification_helper".into(), Value::Object(helper));
    }
    Value::Object(m)
}

/// Writes a range in the `vers` syntax that CSAF recommends (test 6.2.18) when it is a
/// plain list of comparisons (`>= 2.0, < 2.3.4` → `vers:generic/>=2.0|<2.3.4`); other
/// range texts are kept as written.
pub fn to_vers(range: &str) -> Option<String> {
    if range.trim().eq_ignore_ascii_case("all versions") {
        return Some("vers:generic/*".into());
    }
    let mut parts = Vec::new();
    for part in range.split(',') {
        let part = part.trim();
        let op_len = part
            .find(|c: char| !matches!(c, '<' | '>' | '=' | '!'))
            .unwrap_or(part.len());
        let (op, version) = part.split_at(op_len);
        let version = version.trim();
        let valid_op = matches!(op, "<" | "<=" | ">" | ">=" | "=" | "!=" | "");
        let valid_version = !version.is_empty()
            && version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_' | '~'));
        if !valid_op || !valid_version {
            return None;
        }
        parts.push(format!("{op}{version}"));
    }
    Some(format!("vers:generic/{}", parts.join("|")))
}

fn version_leaf(text: &str, id: String, p: &crate::model::Product) -> Value {
    let (category, name) = if is_range(text) {
        (
            "product_version_range",
            to_vers(text).unwrap_or_else(|| text.to_string()),
        )
    } else {
        ("product_version", text.to_string())
    };
    obj([
        ("category", category.into()),
        ("name", name.into()),
        ("product", full_product(format!("{} {text}", p.name), id, p)),
    ])
}

fn product_branch(entry: &Affected, p: &crate::model::Product) -> Value {
    let mut leaves = Vec::new();
    for (_, id) in status_leaves(entry) {
        let text = if id.ends_with("-fixed") {
            entry.fixed.clone()
        } else {
            entry.versions.clone()
        };
        let text = text.unwrap_or_else(|| "all versions".to_string());
        leaves.push(version_leaf(&text, id, p));
    }
    obj([
        ("category", "product_name".into()),
        ("name", p.name.as_str().into()),
        ("branches", Value::Array(leaves)),
    ])
}

pub(super) fn concerned_ids(a: &Advisory, products: &[ProductId]) -> Vec<String> {
    // A set: a search of `products` per row was quadratic in the rows.
    let products: HashSet<&ProductId> = products.iter().collect();
    a.affected
        .iter()
        .filter(|x| products.contains(&x.product))
        .filter_map(concerned_id)
        .collect()
}

pub(super) fn product_status(a: &Advisory, v: &Vulnerability) -> Value {
    let mut status: Map<String, Value> = Map::new();
    let products: HashSet<&ProductId> = v.products.iter().collect();
    for entry in &a.affected {
        let concerned = products.contains(&entry.product);
        if !concerned && entry.status != ProductStatus::KnownNotAffected {
            continue;
        }
        for (category, id) in status_leaves(entry) {
            let list = status.entry(category).or_insert_with(|| json!([]));
            if let Value::Array(items) = list {
                items.push(json!(id));
            }
        }
    }
    // Schema order of the product status categories.
    let order = [
        "fixed",
        "known_affected",
        "known_not_affected",
        "under_investigation",
    ];
    let mut sorted = Map::new();
    for key in order {
        if let Some(v) = status.remove(key) {
            sorted.insert(key.to_string(), v);
        }
    }
    Value::Object(sorted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_recognised() {
        for r in [
            "< 4.2.1",
            ">= 2.0, < 2.3.4",
            "all versions",
            "4.x prior to 4.2",
            "<= 3.9.4",
        ] {
            assert!(is_range(r), "{r}");
        }
        for v in ["4.2.1", "2.3.4-rc1", "2026.1"] {
            assert!(!is_range(v), "{v}");
        }
    }

    #[test]
    fn vers_conversion() {
        assert_eq!(to_vers("< 4.2.1").as_deref(), Some("vers:generic/<4.2.1"));
        assert_eq!(
            to_vers(">= 2.0, < 2.3.4").as_deref(),
            Some("vers:generic/>=2.0|<2.3.4")
        );
        assert_eq!(to_vers("all versions").as_deref(), Some("vers:generic/*"));
        assert_eq!(to_vers("4.x prior to 4.2"), None);
    }
}
