//! Where a product's leaves sit in the CSAF product tree. psirt-site's own shape is one
//! leaf per version below the product's name; publishers that migrate keep theirs, such
//! as Red Hat's, where a platform is a leaf at its `product_name` branch and a package's
//! versions hang under the vendor without a product name.

use serde::{Deserialize, Serialize};

/// `tree` in `content/products.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TreeShape {
    /// vendor → family → `product_name` → branches → one leaf per version.
    #[default]
    Versions,
    /// The product itself is the leaf, at its `product_name` branch: a platform named
    /// without versions (`Red Hat Enterprise Linux AppStream (v. 9)`).
    Product,
    /// No `product_name` branch: vendor → family → branches → version leaves
    /// (`product_version = python3.9-0:3.9.18-3.el9_4.5.src`).
    Packages,
    /// No vendor, family or `product_name` branch: branches → version leaves at the top of
    /// the tree (OWASP Juice Shop's one product).
    Root,
}

/// `product_id_order` of an advisory: the order of the product ids in `product_status`,
/// `relationships` and the lists of scores, remediations and threats psirt-site derives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductIdOrder {
    /// The order of `[[affected]]`.
    #[default]
    Entries,
    /// Sorted by id (Red Hat, many CISA advisories).
    Sorted,
    /// By product, in the order of `[[affected]]`, and sorted by id within each (Cisco).
    ByProduct,
}

impl ProductIdOrder {
    /// The default, which front matter leaves out.
    pub fn is_entries(&self) -> bool {
        *self == ProductIdOrder::Entries
    }
}
