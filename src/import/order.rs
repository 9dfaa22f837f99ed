//! The order of a document's product id lists: sorted by id (Red Hat, some CISA
//! advisories) or by id within each product (Cisco), where the tree has another order —
//! the advisory's `product_id_order`, which lets its entries follow the tree.

use std::collections::HashMap;

use serde_json::Value;

use super::products::Tree;
use super::reader::Reader;
use crate::model::shape::ProductIdOrder;

/// Whether every product id list of the document (statuses, relationships, scores,
/// remediations, threats) is sorted by id (or by id within each product, products in the
/// tree's order), and some list is not in the tree's order — a relationship stands at its
/// component's place.
pub(super) fn sorted_not_by_tree(r: &Reader<'_>, t: &Tree) -> ProductIdOrder {
    let mut place: HashMap<&str, usize> = t
        .order
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let mut component: HashMap<&str, &str> = HashMap::new();
    for rel in &t.relations {
        component.insert(rel.product_id.as_str(), rel.component.as_str());
        if let Some(p) = place.get(rel.component.as_str()).copied() {
            place.insert(rel.product_id.as_str(), p);
        }
    }
    // The place of each leaf's catalog product: where its first leaf is.
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, id) in t.order.iter().enumerate() {
        if let Some(leaf) = t.leaves.get(id) {
            first.entry(leaf.catalog_id.as_str()).or_insert(i);
        }
    }
    let product_place = |id: &str| {
        let leaf = component.get(id).copied().unwrap_or(id);
        t.leaves
            .get(leaf)
            .and_then(|l| first.get(l.catalog_id.as_str()).copied())
    };
    let mut lists: Vec<Vec<&str>> = vec![t.relations.iter().map(|rel| rel.product_id.as_str()).collect()];
    lists.extend(id_lists(r));
    let keyed: Vec<Vec<(Option<usize>, &str)>> = lists
        .iter()
        .map(|l| l.iter().map(|id| (product_place(id), *id)).collect())
        .collect();
    let by_tree = lists.iter().all(|l| l.iter().map(|id| place.get(id)).is_sorted());
    if by_tree || lists.iter().all(|l| l.len() < 2) {
        ProductIdOrder::Entries
    } else if lists.iter().all(|l| l.is_sorted()) {
        ProductIdOrder::Sorted
    } else if keyed.iter().all(|l| l.is_sorted()) {
        ProductIdOrder::ByProduct
    } else {
        ProductIdOrder::Entries
    }
}

/// The product id lists of the vulnerabilities: statuses, scores, remediations, threats.
pub(super) fn id_lists<'d>(r: &Reader<'d>) -> Vec<Vec<&'d str>> {
    let ids = |l: &'d Value| -> Vec<&'d str> {
        l.as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect()
    };
    let mut out = Vec::new();
    for v in r
        .peek("/vulnerabilities")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(statuses) = v.get("product_status").and_then(Value::as_object) {
            out.extend(statuses.values().map(ids));
        }
        for (list, key) in [
            ("scores", "products"),
            ("remediations", "product_ids"),
            ("threats", "product_ids"),
        ] {
            for item in v.get(list).and_then(Value::as_array).into_iter().flatten() {
                out.extend(item.get(key).map(ids));
            }
        }
    }
    out
}
