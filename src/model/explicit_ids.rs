//! Explicit CSAF product id lists: `remediations.product_ids` and
//! `vulnerabilities.cvss_product_ids` name the leaves of a remediation's `product_ids` and
//! of `scores[].products` themselves, in their order. A migrated document keeps its lists
//! as they were where the lists psirt-site derives from catalog products would differ
//! (another order, some leaves of a product only).

use toml::Spanned;

use super::advisory::Affected;
use super::build::Builder;
use super::ids::ProductId;
use super::raw::RawAdvisory;
use crate::diag::Code;
use crate::hash::{HashMap, HashSet};

/// The CSAF product ids the advisory's product tree defines (each version and fixed leaf
/// by its tree id and the id statuses name), with the catalog product each belongs to.
pub(super) struct DefinedIds<'a> {
    by_id: HashMap<&'a str, &'a ProductId>,
}

impl<'a> DefinedIds<'a> {
    /// `None` when no list of the advisory names ids: advisories that do not use them pay
    /// nothing for the lookup.
    pub(super) fn when_used(raw: &RawAdvisory, affected: &'a [Affected]) -> Option<Self> {
        let used = raw.vulnerabilities.iter().any(|v| {
            v.cvss_product_ids.is_some()
                || v.remediations.iter().any(|r| r.product_ids.is_some())
                || v.scores.iter().any(|s| s.get_ref().product_ids.is_some())
        }) || raw.product_groups.iter().any(|g| g.product_ids.is_some());
        if !used {
            return None;
        }
        let mut by_id = HashMap::default();
        for a in affected {
            for leaf in [&a.ids.versions, &a.ids.fixed].into_iter().flatten() {
                by_id.entry(leaf.tree_id.as_str()).or_insert(&a.product);
                by_id.entry(leaf.status_id.as_str()).or_insert(&a.product);
            }
        }
        Some(DefinedIds { by_id })
    }
}

/// A checked explicit list: the ids to write, and the catalog products they belong to (in
/// order of first mention), which the page shows.
#[derive(Debug, Default)]
pub(super) struct ExplicitIds {
    pub ids: Vec<String>,
    pub products: Vec<ProductId>,
}

impl Builder<'_> {
    /// Checks the list at `key`: not empty, every id defined by the product tree, none
    /// twice (CSAF lists hold unique items).
    pub(super) fn explicit_ids(
        &mut self,
        list: &Spanned<Vec<Spanned<String>>>,
        defined: Option<&DefinedIds<'_>>,
        key: &str,
    ) -> ExplicitIds {
        let mut out = ExplicitIds::default();
        if list.get_ref().is_empty() {
            let msg = format!("`{key}` is empty: it would name no product");
            let help = format!("list the product ids, or remove `{key}`");
            self.error(Code::InvalidValue, list, msg, &help);
            return out;
        }
        let mut seen: HashSet<&str> = HashSet::default();
        let mut products: HashSet<&ProductId> = HashSet::default();
        for id in list.get_ref() {
            let text = id.get_ref().as_str();
            let Some(product) = defined.and_then(|d| d.by_id.get(text)) else {
                let msg = format!(
                    "`{}` in `{key}` is not a product id of this advisory's product tree",
                    text.escape_debug()
                );
                let help = "name the `product_id` (or `fixed_product_id`, `platform_product_id`) of an [[affected]] entry, or name catalog products with `products`";
                self.error(Code::UnknownProduct, id, msg, help);
                continue;
            };
            if !seen.insert(text) {
                let msg = format!("`{}` is listed twice in `{key}`", text.escape_debug());
                self.error(Code::DuplicateId, id, msg, "list each product id once");
                continue;
            }
            out.ids.push(text.to_string());
            if products.insert(product) {
                out.products.push((*product).clone());
            }
        }
        out
    }

    /// `key` and `other` both say which products a list names: one of them must go.
    pub(super) fn one_of<T>(&mut self, at: &Spanned<T>, key: &str, other: &str) {
        let msg = format!("`{key}` and `{other}` both say which products this names");
        let help = format!("keep `{key}` (exact CSAF product ids) or `{other}`, not both");
        self.error(Code::InvalidValue, at, msg, &help);
    }
}
