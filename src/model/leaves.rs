//! The CSAF product ids of each `[[affected]]` entry's version leaves: stable, unique
//! within the advisory, and chosen by the user where they want (`product_id`).

use std::collections::BTreeMap;

use toml::Spanned;

use super::advisory::{Affected, Leaf, LeafIds};
use super::build::Builder;
use super::enums::ProductStatus;
use super::ids::ProductId;
use super::raw::{RawAdvisory, RawAffected};
use super::versions::{VersionSpec, slug};
use crate::diag::Code;
use crate::hash::{HashMap, HashSet};

/// Gives every distinct version leaf one CSAF product id. The first leaf of a product and
/// status keeps the id earlier releases wrote (`router-x200-vulnerable`); further release
/// trains add their versions (`router-x200-vulnerable-ge11.0.0-lt11.0.15`), so ids do not
/// depend on the order of the entries.
#[derive(Default)]
pub(super) struct LeafIdAlloc {
    by_key: HashMap<String, String>,
    pub(super) taken: HashSet<String>,
    first: HashSet<(String, &'static str)>,
    /// The advisory's `[product_ids]`.
    pub(super) bases: BTreeMap<ProductId, String>,
}

impl LeafIdAlloc {
    /// The base of `p`'s ids in this advisory: its `[product_ids]` entry, else the catalog's.
    pub(super) fn base<'p>(&'p self, p: &'p super::products::Product) -> &'p str {
        self.bases.get(&p.id).map_or_else(|| p.id_base(), String::as_str)
    }

    fn generated(&mut self, key: String, base: &str, word: &'static str, name: &str) -> String {
        if let Some(id) = self.by_key.get(&key) {
            return id.clone();
        }
        let stem = if self.first.insert((base.to_string(), word)) {
            format!("{base}-{word}")
        } else {
            format!("{base}-{word}-{}", slug(name))
        };
        let (mut id, mut n) = (stem.clone(), 2);
        while self.taken.contains(&id) {
            id = format!("{stem}-{n}");
            n += 1;
        }
        self.taken.insert(id.clone());
        self.by_key.insert(key, id.clone());
        id
    }

    /// An id the user chose; `None` when another leaf has it already.
    fn explicit(&mut self, key: String, id: &str) -> Option<String> {
        if self.by_key.get(&key).is_some_and(|known| known == id) {
            return Some(id.to_string());
        }
        if !self.taken.insert(id.to_string()) {
            return None;
        }
        self.by_key.insert(key, id.to_string());
        Some(id.to_string())
    }
}

impl Builder<'_> {
    /// Assigns the CSAF product ids of the entry's `versions` and `fixed` leaves.
    pub(super) fn leaf_ids(
        &mut self,
        mut entry: Affected,
        a: &RawAffected,
        ids: &mut LeafIdAlloc,
    ) -> Affected {
        let Some(p) = self.catalog.get(&entry.product) else {
            return entry;
        };
        let base = ids.base(p).to_string();
        let platform_base = entry
            .platform
            .as_ref()
            .and_then(|pl| self.catalog.get(&pl.product))
            .map(|pl| ids.base(pl).to_string());
        let mut branches = format!("{:?}", entry.branches);
        // Only where used, so that the common key costs what it did.
        if entry.name_branch > 0 || !entry.below_version.is_empty() || entry.at_branch {
            branches.push_str(&format!(
                "{:?}{}{}",
                entry.below_version, entry.name_branch, entry.at_branch
            ));
        }
        let status_leaf = leaf_name(&entry);
        let mut leaf = |b: &mut Self,
                        word: &'static str,
                        name: &str,
                        explicit: &Option<Spanned<String>>,
                        platform_id: Option<&Spanned<String>>|
         -> Option<Leaf> {
            // An explicit id names one leaf whatever its status: a leaf that is affected by
            // one vulnerability and fixed for another (entries scoped by `vulnerabilities`)
            // is one product of the tree, as in the CSAF documents import reads.
            let key = match explicit {
                Some(e) => format!("{}\0{name}\0{branches}\0{}", entry.product, e.get_ref()),
                None => format!("{}\0{word}\0{name}\0{branches}", entry.product),
            };
            let tree_id = match explicit {
                Some(e) => b.explicit_id(e, key, ids)?,
                None => ids.generated(key, &base, word, name),
            };
            let status_id = match (&platform_base, platform_id) {
                // Only the `versions` leaf of a component carries the relationship's id.
                (Some(_), Some(e)) => {
                    let key = format!("platform\0{}\0{}", entry.product, e.get_ref());
                    b.explicit_id(e, key, ids)?
                }
                (Some(pb), _) => format!("{pb}:{tree_id}"),
                (None, _) => tree_id.clone(),
            };
            Some(Leaf { tree_id, status_id })
        };
        let versions = match &status_leaf {
            Some(name) => leaf(
                self,
                entry.status.id_word(),
                name,
                &a.product_id,
                a.platform_product_id.as_ref(),
            ),
            None => None,
        };
        if let (Some(n), None) = (&a.name, &status_leaf) {
            self.error(
                Code::InvalidValue,
                n,
                "`name` names the `versions` leaf, and a fixed-only entry has none".into(),
                "give the entry `version` or `versions` with status = \"fixed\", or remove `name`",
            );
        }
        let fixed = match entry.fixed.clone() {
            Some(f) => leaf(self, "fixed", &f, &a.fixed_product_id, None),
            None => None,
        };
        entry.ids = LeafIds { versions, fixed };
        entry
    }

    fn explicit_id(&mut self, e: &Spanned<String>, key: String, ids: &mut LeafIdAlloc) -> Option<String> {
        let id = e.get_ref().as_str();
        if !crate::model::ids::csaf_product_id_ok(id) {
            self.error(
                Code::InvalidId,
                e,
                crate::model::ids::CSAF_PRODUCT_ID_RULE.into(),
                "e.g. CSAFPID-0001",
            );
            return None;
        }
        let got = ids.explicit(key, id);
        if got.is_none() {
            let msg = format!(
                "product id `{}` is used by another version leaf of this advisory",
                id.escape_debug()
            );
            self.error(Code::DuplicateId, e, msg, "give each version its own product id");
        }
        got
    }
}

impl Builder<'_> {
    /// `[product_ids]`: each key a catalog product, each value a valid CSAF product id.
    pub(super) fn product_id_overrides(&mut self, raw: &RawAdvisory) -> BTreeMap<ProductId, String> {
        let mut out = BTreeMap::new();
        for (key, id) in &raw.product_ids {
            let product = ProductId::parse(key)
                .ok()
                .filter(|p| self.catalog.get(p).is_some());
            let Some(product) = product else {
                let msg = format!(
                    "`{}` in [product_ids] is not a product of content/products.toml",
                    key.escape_debug()
                );
                let help = format!("name a catalog product by its id: {}", self.catalog.ids_hint());
                self.error(Code::UnknownProduct, id, msg, &help);
                continue;
            };
            if !crate::model::ids::csaf_product_id_ok(id.get_ref()) {
                self.error(
                    Code::InvalidId,
                    id,
                    crate::model::ids::CSAF_PRODUCT_ID_RULE.into(),
                    "e.g. AppStream-8.10.0.Z.MAIN.EUS",
                );
                continue;
            }
            out.insert(product, id.get_ref().clone());
        }
        out
    }
}

/// The name of an entry's `versions` leaf: its versions, or all versions when none are
/// given; fixed-only statements have none.
pub fn leaf_name(entry: &Affected) -> Option<String> {
    match &entry.versions {
        Some(v) => Some(v.text().to_string()),
        None if entry.status == ProductStatus::Fixed && entry.fixed.is_some() => None,
        None => Some("all versions".into()),
    }
}

/// The `versions` leaf of an entry as a spec ("all versions" is `vers:generic/*`, the
/// same in every scheme).
pub fn leaf_spec(entry: &Affected) -> Option<VersionSpec> {
    match &entry.versions {
        Some(v) => Some(v.clone()),
        None => leaf_name(entry).map(|text| VersionSpec::Range {
            text,
            vers: Some("vers:generic/*".into()),
        }),
    }
}
