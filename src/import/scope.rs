//! What the product tree and statuses became, and how product id lists of scores,
//! remediations and threats map onto it: psirt-site names catalog products there and
//! writes the leaves of their entries concerned by the vulnerability, so a list is kept
//! exactly when it is that set, in that order. The rest is reported position by position.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::affected::AffectedEntry;
use super::products::{CatalogEntry, Tree};
use super::reader::Reader;

const CONCERNED: [&str; 3] = ["under_investigation", "first_affected", "last_affected"];

fn concerned(e: &AffectedEntry) -> bool {
    match e.status.as_deref() {
        None => true,
        Some(s) => CONCERNED.contains(&s),
    }
}

/// Whether psirt-site writes entry `e` for vulnerability `v` when a list names its product
/// (as `emit::csaf::product_tree::concerned_ids` does): the concerned leaves of a product
/// that has some, else its other statements except "not affected" (Red Hat ties fixes and
/// scores to the fixed packages).
fn stands_for(e: &AffectedEntry, v: usize, vulnerable: &HashSet<&String>) -> bool {
    e.scope.contains(&v)
        && if vulnerable.contains(&e.product) {
            concerned(e)
        } else {
            e.status.as_deref() != Some("known_not_affected")
        }
}

#[derive(Debug)]
pub(super) struct ProductMap {
    pub tree: Tree,
    pub affected: Vec<AffectedEntry>,
    /// Entries by the product id statuses name.
    by_status_id: HashMap<String, Vec<usize>>,
}

impl ProductMap {
    pub(super) fn new(tree: Tree, affected: Vec<AffectedEntry>) -> Self {
        let mut by_status_id: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, e) in affected.iter().enumerate() {
            by_status_id.entry(e.status_id.clone()).or_default().push(i);
        }
        ProductMap {
            tree,
            affected,
            by_status_id,
        }
    }

    /// The catalog entries the advisory names (its entries' products and platforms).
    pub(super) fn named(&self) -> Vec<CatalogEntry> {
        let ids: HashSet<&String> = self
            .affected
            .iter()
            .flat_map(|a| std::iter::once(&a.product).chain(a.platform.as_ref()))
            .collect();
        self.tree
            .catalog
            .iter()
            .filter(|c| ids.contains(&c.id))
            .cloned()
            .collect()
    }

    /// The catalog products whose leaves concerned by vulnerability `v` the list at
    /// `pointer` names; ids of other leaves cannot be named (reported). The ids kept are
    /// those psirt-site writes back at the same position.
    pub(super) fn products(&self, r: &mut Reader<'_>, pointer: &str, v: usize) -> Vec<String> {
        let vulnerable = self.vulnerable(v);
        // The list once, not each id by its pointer from the root (19 % of a large import).
        let ids: Vec<Option<&str>> = r
            .peek(pointer)
            .and_then(Value::as_array)
            .map_or_else(Vec::new, |list| list.iter().map(Value::as_str).collect());
        let mut out: Vec<String> = Vec::new();
        for id in &ids {
            let id = id.unwrap_or("");
            let found = self
                .by_status_id
                .get(id)
                .into_iter()
                .flatten()
                .map(|e| &self.affected[*e])
                .find(|e| stands_for(e, v, &vulnerable));
            if let Some(e) = found
                && !out.contains(&e.product)
            {
                out.push(e.product.clone());
            }
        }
        let written = self.written(&out, v);
        // The products stand for more leaves than the list names (one leaf of each): the
        // rebuilt list would be longer, and claim more than the original.
        let exact = written.len() == ids.len();
        for (i, id) in ids.iter().enumerate() {
            let at = format!("{pointer}/{i}");
            if exact && *id == written.get(i).map(String::as_str) {
                r.mark_used(at);
            } else {
                r.explain(
                    &at,
                    "psirt-site names every leaf concerned by the vulnerability of the products listed, in the order of [[affected]]",
                );
            }
        }
        out
    }

    /// The products with a leaf concerned by vulnerability `v`.
    pub(super) fn vulnerable(&self, v: usize) -> HashSet<&String> {
        self.affected
            .iter()
            .filter(|e| concerned(e) && e.scope.contains(&v))
            .map(|e| &e.product)
            .collect()
    }

    /// The product ids psirt-site writes for these catalog products and vulnerability.
    fn written(&self, products: &[String], v: usize) -> Vec<String> {
        let products: HashSet<&String> = products.iter().collect();
        let vulnerable = self.vulnerable(v);
        let mut seen = HashSet::new();
        let mut ids: Vec<String> = self
            .affected
            .iter()
            .filter(|e| stands_for(e, v, &vulnerable) && products.contains(&e.product))
            .map(|e| e.status_id.clone())
            .filter(|id| seen.insert(id.clone()))
            .collect();
        // As the emitter writes them (`product_id_order`).
        let order = self.tree.product_id_order;
        if !order.is_entries() {
            let by_product = order == crate::model::shape::ProductIdOrder::ByProduct;
            let mut first: HashMap<&String, usize> = HashMap::new();
            for (i, e) in self.affected.iter().enumerate() {
                first.entry(&e.product).or_insert(i);
            }
            let place = |id: &String| {
                self.by_status_id
                    .get(id)
                    .and_then(|es| es.first())
                    .and_then(|e| first.get(&self.affected[*e].product).copied())
                    .filter(|_| by_product)
                    .unwrap_or_default()
            };
            ids.sort_by_cached_key(|id| (place(id), id.clone()));
        }
        ids
    }
}
