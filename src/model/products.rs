//! The product catalog (`content/products.toml`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::ids::ProductId;
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
}

#[derive(Debug, Clone, Serialize)]
pub struct Product {
    pub id: ProductId,
    pub name: String,
    pub vendor: String,
    pub family: Option<String>,
    pub description: Option<String>,
    pub cpe: Option<String>,
    pub purl: Option<String>,
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
        for p in raw.products {
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
            for helper in [&p.cpe, &p.purl].into_iter().flatten() {
                let v = helper.get_ref();
                let ok = v.starts_with("cpe:2.3:") || v.starts_with("cpe:/") || v.starts_with("pkg:");
                if !ok || v.chars().any(char::is_whitespace) {
                    diags.push(
                        Diagnostic::error(
                            Code::InvalidValue,
                            format!("`{}` is not a CPE or package URL", v.escape_debug()),
                        )
                        .at(file, helper.span())
                        .help("CPEs start with cpe:2.3:, package URLs with pkg:"),
                    );
                }
            }
            first_seen.insert(id.clone(), p.id.span());
            catalog.products.insert(
                id.clone(),
                Product {
                    id,
                    name: p.name.trim().to_string(),
                    vendor: p.vendor.trim().to_string(),
                    family: p.family.map(|f| f.trim().to_string()),
                    description: p.description,
                    cpe: p.cpe.map(Spanned::into_inner),
                    purl: p.purl.map(Spanned::into_inner),
                },
            );
        }
        (catalog, diags)
    }
}
