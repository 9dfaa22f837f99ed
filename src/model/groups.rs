//! CSAF product groups (`product_tree.product_groups[]`): a name for several version
//! leaves, so that a remediation, a threat or a score can say "the x64 builds" once
//! instead of listing them. A group's members are the `versions` leaves of the
//! `[[affected]]` entries that list it in `groups` (one architecture or release train of a
//! product), and every (maybe) vulnerable leaf of the catalog products it names in
//! `products` (the same leaves `products = [...]` on a remediation stands for).

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::advisory::Affected;
use super::build::Builder;
use super::explicit_ids::DefinedIds;
use super::ids::ProductId;
use super::raw::RawAffected;
use crate::diag::Code;
use crate::hash::HashSet;

/// `[[product_groups]]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProductGroup {
    /// CSAF `group_id`, exactly as written (`CSAFGID-0001`, `x64`).
    pub id: Spanned<String>,
    #[serde(default)]
    pub summary: Option<Spanned<String>>,
    /// Catalog products all of whose (maybe) vulnerable leaves are members.
    #[serde(default)]
    pub products: Vec<Spanned<String>>,
    /// The members' CSAF product ids exactly as listed, instead of `products` and the
    /// entries' `groups` (a migrated document's group).
    #[serde(default)]
    pub product_ids: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProductGroup {
    pub id: String,
    pub summary: Option<String>,
    /// The catalog products of the members, for the checks of remediations and threats.
    pub products: Vec<ProductId>,
    /// The members' CSAF product ids (status ids), in the order of the entries.
    pub leaves: Vec<String>,
}

/// Group references of one remediation, threat or score, resolved: the ids to write as
/// `group_ids`.
#[derive(Debug, Default)]
pub(super) struct GroupRefs {
    pub ids: Vec<String>,
}

impl Builder<'_> {
    /// Checks `[[product_groups]]` and the `groups` of `[[affected]]` entries: ids unique
    /// and defined, products known and (maybe) vulnerable, and at least two members, as
    /// the CSAF schema requires of a group.
    pub(super) fn product_groups(
        &mut self,
        raw: &[RawProductGroup],
        entries: &[RawAffected],
        affected: &[Affected],
        concerned: &[ProductId],
        defined: Option<&DefinedIds<'_>>,
    ) -> Vec<ProductGroup> {
        let mut seen: HashSet<String> = HashSet::default();
        let mut explicit: HashSet<String> = HashSet::default();
        let mut out = Vec::new();
        for g in raw {
            let id = self.non_empty(&g.id, "product group id");
            if !seen.insert(id.clone()) {
                let msg = format!("product group `{id}` is defined twice");
                self.error(
                    Code::DuplicateId,
                    &g.id,
                    msg,
                    "give each [[product_groups]] entry its own id",
                );
                continue;
            }
            let (products, leaves) = match &g.product_ids {
                Some(list) => {
                    if !g.products.is_empty() {
                        self.one_of(list, "product_ids", "products");
                    }
                    explicit.insert(id.clone());
                    let members = self.explicit_ids(list, defined, "product_ids");
                    (members.products, members.ids)
                }
                None => self.group_members(&id, &g.products, affected, concerned),
            };
            if leaves.len() < 2 {
                let msg = format!(
                    "product group `{id}` has {} member(s); a CSAF group needs at least two",
                    leaves.len()
                );
                let help = "add `groups = [\"<id>\"]` to two or more [[affected]] entries, or name their products in `products`";
                self.error(Code::InvalidValue, &g.id, msg, help);
            }
            let summary = self.optional_text(&g.summary, "product group summary");
            out.push(ProductGroup {
                id,
                summary,
                products,
                leaves,
            });
        }
        for e in entries {
            for g in &e.groups {
                if explicit.contains(g.get_ref().trim()) {
                    let msg = format!(
                        "product group `{}` lists its members in `product_ids`",
                        g.get_ref().trim()
                    );
                    let help = "remove it from this entry's `groups`, or add the entry's product id to the group's `product_ids`";
                    self.error(Code::InvalidValue, g, msg, help);
                } else if !seen.contains(g.get_ref().trim()) {
                    self.unknown_group(g, &out);
                }
            }
        }
        out
    }

    /// The members of group `id`: the `versions` leaves of the entries that list it, and
    /// the (maybe) vulnerable leaves of the products it names; their products and ids.
    fn group_members(
        &mut self,
        id: &String,
        named: &[Spanned<String>],
        affected: &[Affected],
        concerned: &[ProductId],
    ) -> (Vec<ProductId>, Vec<String>) {
        let named: HashSet<ProductId> = self.vulnerable_products(named, concerned).into_iter().collect();
        let members = affected
            .iter()
            .filter(|a| a.groups.contains(id) || (a.status.is_concerned() && named.contains(&a.product)));
        let (mut products, mut leaves) = (Vec::new(), Vec::new());
        for a in members {
            let Some(leaf) = &a.ids.versions else { continue };
            if !leaves.contains(&leaf.status_id) {
                leaves.push(leaf.status_id.clone());
            }
            if !products.contains(&a.product) {
                products.push(a.product.clone());
            }
        }
        (products, leaves)
    }

    fn unknown_group(&mut self, id: &Spanned<String>, groups: &[ProductGroup]) {
        let known: Vec<&str> = groups.iter().map(|g| g.id.as_str()).collect();
        let help = if known.is_empty() {
            "define it in [[product_groups]] with id and summary".to_string()
        } else {
            format!(
                "define it in [[product_groups]]; defined groups: {}",
                known.join(", ")
            )
        };
        let msg = format!("unknown product group `{}`", id.get_ref().escape_debug());
        self.error(Code::UnknownGroup, id, msg, &help);
    }

    /// Resolves `groups = [...]` of a remediation, threat or score of a vulnerability whose
    /// products are `vulnerable`: every group must be defined, and its products must be the
    /// vulnerability's, as for `products`.
    pub(super) fn group_refs(
        &mut self,
        ids: &[Spanned<String>],
        groups: &[ProductGroup],
        vulnerable: &[ProductId],
    ) -> GroupRefs {
        let mut out = GroupRefs::default();
        for id in ids {
            let Some(g) = groups.iter().find(|g| g.id == id.get_ref().trim()) else {
                self.unknown_group(id, groups);
                continue;
            };
            if let Some(p) = g.products.iter().find(|p| !vulnerable.contains(p)) {
                let msg = format!(
                    "product group `{}` holds `{p}`, which is not a product of this vulnerability",
                    g.id
                );
                let help = "use a group of the vulnerability's products, or name them with `products`";
                self.error(Code::InvalidValue, id, msg, help);
            }
            if out.ids.contains(&g.id) {
                continue;
            }
            out.ids.push(g.id.clone());
        }
        out
    }
}

impl Builder<'_> {
    /// The products and groups a vulnerability's CVSS scores are for: all its products, or
    /// those `cvss_products` and `cvss_groups` name (a score for some platforms only).
    pub(super) fn score_products(
        &mut self,
        v: &super::raw::RawVulnerability,
        vulnerable: &[ProductId],
        groups: &[ProductGroup],
    ) -> (Vec<ProductId>, Vec<String>) {
        if v.cvss_products.is_none() && v.cvss_groups.is_empty() {
            return (vulnerable.to_vec(), Vec::new());
        }
        let first = v.cvss_products.iter().flatten().chain(&v.cvss_groups).next();
        let scored = v.cvss_v2.is_some() || v.cvss_v3.is_some() || v.cvss_v4.is_some();
        match first {
            Some(at) if !scored => {
                let msg = "`cvss_products`/`cvss_groups` say which products the CVSS scores are for, but there is no score".into();
                self.error(
                    Code::MissingField,
                    at,
                    msg,
                    "add cvss_v3 (or cvss_v2, cvss_v4), or remove them",
                );
            }
            Some(_) => {}
            None => {
                // `cvss_products = []`: the list has no span of its own, the vector has.
                if let Some(at) = v.cvss_v3.as_ref().or(v.cvss_v2.as_ref()).or(v.cvss_v4.as_ref()) {
                    let msg = "`cvss_products` is empty: this score would be for no product".into();
                    let help = "name the scored products, or remove `cvss_products` to score all of them";
                    self.error(Code::InvalidValue, at, msg, help);
                }
            }
        }
        let mut products = match &v.cvss_products {
            Some(ids) => self.vulnerable_products(ids, vulnerable),
            None => Vec::new(),
        };
        let mut seen = HashSet::default();
        products.retain(|p| seen.insert(p.clone()));
        (products, self.group_refs(&v.cvss_groups, groups, vulnerable).ids)
    }
}
