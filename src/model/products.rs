//! The product catalog (`content/products.toml`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::identification::{self, Identification, RawIdentification};
use super::ids::ProductId;
use super::shape::TreeShape;
use super::status::{BRANCH_CATEGORIES, Relationship};
use super::versions::SCHEMES;
use crate::diag::{Code, Diagnostic};
use crate::toml_input;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    #[serde(default)]
    products: Vec<RawProduct>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProduct {
    id: Spanned<String>,
    name: String,
    vendor: String,
    #[serde(default)]
    family: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    cpe: Option<Spanned<String>>,
    #[serde(default)]
    purl: Option<Spanned<String>>,
    /// An explicit CSAF product id base, kept stable across revisions and imports.
    #[serde(default)]
    product_id: Option<Spanned<String>>,
    /// The `vers` scheme of this product's version ranges.
    #[serde(default)]
    scheme: Option<Spanned<String>>,
    #[serde(default)]
    identification: Option<RawIdentification>,
    /// Branches between the product name and its versions, e.g. `{ architecture = "x86_64" }`.
    #[serde(default)]
    branches: BTreeMap<String, Spanned<String>>,
    /// Platforms this product is a component of.
    #[serde(default)]
    part_of: Vec<RawPartOf>,
    /// Where its leaves sit in the CSAF product tree.
    #[serde(default)]
    tree: TreeShape,
    /// The full product name of the leaf standing for the product as a whole (a platform).
    #[serde(default)]
    full_name: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPartOf {
    product: Spanned<String>,
    #[serde(default)]
    relationship: Relationship,
}

#[derive(Debug, Clone, Serialize)]
pub struct Product {
    pub id: ProductId,
    pub name: String,
    pub vendor: String,
    pub family: Option<String>,
    pub description: Option<String>,
    /// The product's identification helpers (`cpe` and `purl` included).
    pub identification: Identification,
    /// Explicit CSAF product id base (else the catalog id).
    pub product_id: Option<String>,
    /// `vers` scheme of its ranges (`generic` unless set).
    pub scheme: String,
    /// (category, name) branches between product name and version, in nesting order.
    pub branches: Vec<(String, String)>,
    /// Platforms it is a component of, and how.
    pub part_of: Vec<(ProductId, Relationship)>,
    pub tree: TreeShape,
    /// `full_product_name.name` of the leaf standing for the product as a whole (its own
    /// leaf, or a platform's all-versions leaf); else `name`.
    pub full_name: Option<String>,
}

impl Product {
    /// The base of the CSAF product ids of this product's leaves.
    pub fn id_base(&self) -> &str {
        self.product_id.as_deref().unwrap_or(self.id.as_str())
    }

    pub fn cpe(&self) -> Option<&str> {
        self.identification.cpe.as_deref()
    }
}

/// All products, by id.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub products: BTreeMap<ProductId, Product>,
}

impl Catalog {
    pub fn get(&self, id: &ProductId) -> Option<&Product> {
        self.products.get(id)
    }

    /// A short list of known ids for hints.
    pub fn ids_hint(&self) -> String {
        let ids: Vec<&str> = self.products.keys().take(8).map(ProductId::as_str).collect();
        if ids.is_empty() {
            return "(none yet)".into();
        }
        let more = if self.products.len() > 8 { ", …" } else { "" };
        format!("{}{more}", ids.join(", "))
    }

    /// Parses the catalog; every problem is reported, valid products are kept.
    pub fn parse(text: &str, file: &Path) -> (Catalog, Vec<Diagnostic>) {
        let (raw, mut diags) = toml_input::parse_keeping::<RawCatalog>(text, 0, file);
        let Some(raw) = raw else {
            return (Catalog::default(), diags);
        };
        let mut catalog = Catalog::default();
        let mut first_seen: BTreeMap<ProductId, std::ops::Range<usize>> = BTreeMap::new();
        let mut raw_part_of = Vec::new();
        for mut p in raw.products {
            let id = match ProductId::parse(p.id.get_ref()) {
                Ok(id) => id,
                Err(msg) => {
                    diags.push(
                        Diagnostic::error(Code::InvalidId, msg)
                            .at(file, p.id.span())
                            .help("use lowercase letters, digits and `-`, e.g. router-x100"),
                    );
                    continue;
                }
            };
            if let Some(first) = first_seen.get(&id) {
                diags.push(
                    Diagnostic::error(Code::DuplicateId, format!("product id `{id}` is defined twice"))
                        .at(file, p.id.span())
                        .also(file, first.clone(), "first defined here")
                        .help("give each product its own id"),
                );
                continue;
            }
            first_seen.insert(id.clone(), p.id.span());
            raw_part_of.push((id.clone(), std::mem::take(&mut p.part_of)));
            let product = product(p, id.clone(), file, &mut diags);
            catalog.products.insert(id, product);
        }
        for (id, list) in raw_part_of {
            let part_of = part_of(&catalog, &id, &list, file, &mut diags);
            if let Some(p) = catalog.products.get_mut(&id) {
                p.part_of = part_of;
            }
        }
        (catalog, diags)
    }
}

fn push(diags: &mut Vec<Diagnostic>, file: &Path, (code, span, msg, help): identification::Problem) {
    diags.push(Diagnostic::error(code, msg).at(file, span).help(help));
}

/// The checked product; problems are reported and the faulty helper left out.
fn product(p: RawProduct, id: ProductId, file: &Path, diags: &mut Vec<Diagnostic>) -> Product {
    let mut problems = Vec::new();
    let mut raw_ident = p.identification.unwrap_or_default();
    for (top, inner, key) in [
        (p.cpe, &mut raw_ident.cpe, "cpe"),
        (p.purl, &mut raw_ident.purl, "purl"),
    ] {
        if let Some(top) = top {
            if inner.is_some() {
                let msg = format!("`{key}` is given both here and in `identification`");
                problems.push((Code::DuplicateId, top.span(), msg, "keep one of them"));
            }
            *inner = Some(top);
        }
    }
    let identification = identification::check(&raw_ident, &mut problems);
    let scheme = p
        .scheme
        .as_ref()
        .map_or("generic".to_string(), |s| s.get_ref().clone());
    if let Some(s) = p
        .scheme
        .as_ref()
        .filter(|s| !SCHEMES.contains(&s.get_ref().as_str()))
    {
        let msg = format!("unknown version scheme `{}`", s.get_ref().escape_debug());
        problems.push((
            Code::UnknownCategory,
            s.span(),
            msg,
            "use a vers scheme: semver, rpm, deb, generic, maven, npm, pypi, …",
        ));
    }
    let product_id = p.product_id.as_ref().and_then(|pid| {
        let ok = crate::model::ids::csaf_product_id_ok(pid.get_ref());
        if !ok {
            problems.push((
                Code::InvalidId,
                pid.span(),
                crate::model::ids::CSAF_PRODUCT_ID_RULE.into(),
                "e.g. CSAFPID-0001",
            ));
        }
        ok.then(|| pid.get_ref().clone())
    });
    let branches = branches(&p.branches, &mut problems);
    let full_name = p.full_name.as_ref().and_then(|n| {
        let text = n.get_ref().trim();
        if text.is_empty() {
            problems.push((
                Code::InvalidValue,
                n.span(),
                "`full_name` is empty".into(),
                "write the product's full name, e.g. full_name = \"Mobotix P3 D24M\", or remove it",
            ));
        }
        (!text.is_empty()).then(|| text.to_string())
    });
    for problem in problems {
        push(diags, file, problem);
    }
    Product {
        id,
        name: p.name.trim().to_string(),
        vendor: p.vendor.trim().to_string(),
        family: p.family.map(|f| f.trim().to_string()),
        description: p.description,
        identification,
        product_id,
        scheme,
        branches,
        part_of: Vec::new(),
        tree: p.tree,
        full_name,
    }
}

/// Branch categories in nesting order; an unknown category is reported.
pub fn branches(
    raw: &BTreeMap<String, Spanned<String>>,
    problems: &mut Vec<identification::Problem>,
) -> Vec<(String, String)> {
    for (category, name) in raw {
        if !BRANCH_CATEGORIES.contains(&category.as_str()) {
            let msg = format!("`{}` is not a CSAF 2.0 branch category", category.escape_debug());
            problems.push((
                Code::UnknownCategory,
                name.span(),
                msg,
                "use architecture, host_name, language, legacy, patch_level, product_family, service_pack or specification",
            ));
        } else if name.get_ref().trim().is_empty() {
            problems.push((
                Code::InvalidValue,
                name.span(),
                "a branch name is empty".into(),
                "write e.g. architecture = \"x86_64\"",
            ));
        }
    }
    BRANCH_CATEGORIES
        .iter()
        .filter_map(|c| {
            raw.get(*c)
                .map(|n| (c.to_string(), n.get_ref().trim().to_string()))
        })
        .filter(|(_, n)| !n.is_empty())
        .collect()
}

/// `part_of` may name only other catalog products.
fn part_of(
    catalog: &Catalog,
    id: &ProductId,
    raw: &[RawPartOf],
    file: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(ProductId, Relationship)> {
    let mut out = Vec::new();
    for r in raw {
        let platform = ProductId::parse(r.product.get_ref())
            .ok()
            .filter(|p| catalog.get(p).is_some() && p != id);
        match platform {
            Some(p) => out.push((p, r.relationship)),
            None => diags.push(
                Diagnostic::error(
                    Code::UnknownProduct,
                    format!(
                        "`{}` is not another product of the catalog",
                        r.product.get_ref().escape_debug()
                    ),
                )
                .at(file, r.product.span())
                .help(format!(
                    "name the platform's id; known ids: {}",
                    catalog.ids_hint()
                )),
            ),
        }
    }
    out
}
