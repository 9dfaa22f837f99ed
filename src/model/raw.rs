//! The advisory front matter exactly as written: serde types with spans. `build.rs`
//! (`Builder`, with `explicit_ids.rs`, `cvss_more.rs` and the other parts of `model`)
//! turns them into the checked domain model of `advisory.rs`.

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use std::collections::BTreeMap;

use super::enums::{ProductStatus, RemediationCategory, Status, Tlp};
use super::extra::{RawRestart, RawVendorSeverity, RawVulnId, ReferenceCategory};
use super::groups::RawProductGroup;
use super::identification::RawIdentification;
use super::notes::RawNote;
use super::status::{DocumentCategory, Justification, Relationship};
use super::threats::{RawExploited, RawThreat};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAdvisory {
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    pub published: Spanned<Datetime>,
    pub status: Status,
    /// CSAF `document.category`.
    #[serde(default)]
    pub category: Option<Spanned<DocumentCategory>>,
    #[serde(default)]
    pub tlp: Tlp,
    pub summary: Spanned<String>,
    /// Notes beside the body's sections, each with its CSAF category and title.
    #[serde(default)]
    pub notes: Vec<RawNote>,
    #[serde(default)]
    pub distribution_text: Option<Spanned<String>>,
    #[serde(default)]
    pub vendor_severity: Option<RawVendorSeverity>,
    #[serde(default)]
    pub revisions: Vec<RawRevision>,
    pub affected: Vec<RawAffected>,
    /// The order of product id lists (statuses, relationships, and the lists of scores,
    /// remediations and threats psirt-site derives).
    #[serde(default)]
    pub product_id_order: super::shape::ProductIdOrder,
    /// Per catalog product, the `product_id` this advisory gives it instead of the
    /// catalog's (a platform whose id changed between a publisher's documents).
    #[serde(default)]
    pub product_ids: BTreeMap<String, Spanned<String>>,
    /// CSAF product groups, named by remediations, threats and scores.
    #[serde(default)]
    pub product_groups: Vec<RawProductGroup>,
    /// Required unless the advisory is informational (checked in `document.rs`).
    #[serde(default)]
    pub vulnerabilities: Vec<RawVulnerability>,
    #[serde(default)]
    pub acknowledgments: Vec<RawAcknowledgment>,
    #[serde(default)]
    pub references: Vec<RawReference>,
    #[serde(default)]
    pub withdrawn: Option<RawWithdrawn>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWithdrawn {
    pub date: Spanned<Datetime>,
    pub reason: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRevision {
    pub date: Spanned<Datetime>,
    pub summary: String,
    /// The revision's CSAF number as the publisher gives it (`1.0.1`); psirt-site numbers
    /// revisions 1, 2, … where none gives one.
    #[serde(default)]
    pub number: Option<Spanned<String>>,
    /// The version string of the revision in the publisher's earlier system (`1.0.1`).
    #[serde(default)]
    pub legacy_version: Option<Spanned<String>>,
}

/// One `[[affected]]` entry: a product (or a component on a platform), its versions and
/// their status. A product may have several entries (release trains).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAffected {
    pub product: Spanned<String>,
    /// A range (`< 4.2.1`, `>= 2.0, < 2.3.4`, `vers:rpm/<2:8.2-1`).
    #[serde(default)]
    pub versions: Option<Spanned<String>>,
    /// One version, as written.
    #[serde(default)]
    pub version: Option<Spanned<String>>,
    #[serde(default)]
    pub fixed: Option<Spanned<String>>,
    #[serde(default)]
    pub status: Option<Spanned<ProductStatus>>,
    /// `vers` scheme of `versions`, overriding the product's.
    #[serde(default)]
    pub scheme: Option<Spanned<String>>,
    /// Why a product is not affected (CSAF flag label).
    #[serde(default)]
    pub justification: Option<Spanned<Justification>>,
    /// Why a product is not affected, in words (CSAF threat of category `impact`).
    #[serde(default)]
    pub impact: Option<Spanned<String>>,
    /// The platform product this component is part of or installed on.
    #[serde(default)]
    pub platform: Option<Spanned<String>>,
    #[serde(default)]
    pub relationship: Option<Spanned<Relationship>>,
    #[serde(default)]
    pub branches: BTreeMap<String, Spanned<String>>,
    /// Branches below the version branch, above the `versions` leaf (a service pack of a
    /// release train).
    #[serde(default)]
    pub below_version: BTreeMap<String, Spanned<String>>,
    /// The entry's leaf is its last branch itself (a product family or an architecture as
    /// a whole), without a version branch: an entry without versions.
    #[serde(default)]
    pub at_branch: Option<Spanned<bool>>,
    /// The entry's leaves start a new `product_name` branch of the product; the product's
    /// entries after it join that branch.
    #[serde(default)]
    pub new_branch: bool,
    #[serde(default)]
    pub identification: Option<RawIdentification>,
    /// Explicit CSAF product ids of the `versions` and the `fixed` leaf.
    #[serde(default)]
    pub product_id: Option<Spanned<String>>,
    #[serde(default)]
    pub fixed_product_id: Option<Spanned<String>>,
    /// Explicit CSAF full product names of the `versions` and the `fixed` leaf.
    #[serde(default)]
    pub name: Option<Spanned<String>>,
    #[serde(default)]
    pub fixed_name: Option<Spanned<String>>,
    /// `[[product_groups]]` this entry's `versions` leaf belongs to.
    #[serde(default)]
    pub groups: Vec<Spanned<String>>,
    /// Explicit `product_id` of the component on its platform (the relationship's
    /// `full_product_name`), replacing `<platform id>:<leaf id>`.
    #[serde(default)]
    pub platform_product_id: Option<Spanned<String>>,
    /// The relationship's `full_product_name.name`, replacing `<product> <versions> as a
    /// component of <platform>`.
    #[serde(default)]
    pub platform_name: Option<Spanned<String>>,
    /// The vulnerabilities (CVE or title) this entry is about; all when absent.
    #[serde(default)]
    pub vulnerabilities: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVulnerability {
    #[serde(default)]
    pub cve: Option<Spanned<String>>,
    pub title: String,
    /// Other ids of the vulnerability: GHSA, EUVD, vendor bug ids.
    #[serde(default)]
    pub ids: Vec<RawVulnId>,
    #[serde(default)]
    pub cwe: Option<Spanned<String>>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub notes: Vec<RawNote>,
    #[serde(default)]
    pub references: Vec<RawReference>,
    #[serde(default)]
    pub cvss_v2: Option<Spanned<String>>,
    #[serde(default)]
    pub cvss_v3: Option<Spanned<String>>,
    #[serde(default)]
    pub cvss_v3_score: Option<Spanned<f64>>,
    /// Write `cvss_v3`'s temporal and environmental scores even where its vector has no
    /// such metrics (a migrated document that has them).
    #[serde(default)]
    pub cvss_v3_all_scores: Option<Spanned<bool>>,
    #[serde(default)]
    pub cvss_v4: Option<Spanned<String>>,
    #[serde(default)]
    pub cvss_v4_score: Option<Spanned<f64>>,
    #[serde(default)]
    pub products: Option<Vec<Spanned<String>>>,
    /// The products (and groups) the CVSS scores are for, when not all of `products`.
    #[serde(default)]
    pub cvss_products: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub cvss_groups: Vec<Spanned<String>>,
    /// The CSAF product ids of `scores[].products` exactly as listed, instead of the leaves
    /// `cvss_products` or the vulnerability's products stand for (a migrated document's order).
    #[serde(default)]
    pub cvss_product_ids: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub discovery_date: Option<Spanned<Datetime>>,
    #[serde(default)]
    pub release_date: Option<Spanned<Datetime>>,
    #[serde(default)]
    pub remediations: Vec<RawRemediation>,
    #[serde(default)]
    pub threats: Vec<RawThreat>,
    #[serde(default)]
    pub exploited: Option<RawExploited>,
    /// Who is credited for this vulnerability (CSAF `vulnerabilities[].acknowledgments`).
    #[serde(default)]
    pub acknowledgments: Vec<RawAcknowledgment>,
    /// Further CSAF `scores[]` entries, after the one of `cvss_v2`/`cvss_v3`.
    #[serde(default)]
    pub scores: Vec<Spanned<RawScore>>,
}

/// `[[vulnerabilities.scores]]`: other vectors for some products (e.g. an environmental
/// score for one platform).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScore {
    #[serde(default)]
    pub cvss_v2: Option<Spanned<String>>,
    #[serde(default)]
    pub cvss_v3: Option<Spanned<String>>,
    /// As the vulnerability's `cvss_v3_all_scores`.
    #[serde(default)]
    pub cvss_v3_all_scores: Option<Spanned<bool>>,
    #[serde(default)]
    pub products: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub product_ids: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRemediation {
    pub category: RemediationCategory,
    pub details: String,
    #[serde(default)]
    pub url: Option<Spanned<String>>,
    #[serde(default)]
    pub products: Option<Vec<Spanned<String>>>,
    /// The CSAF product ids of `product_ids` exactly as listed, instead of `products`.
    #[serde(default)]
    pub product_ids: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    pub date: Option<Spanned<Datetime>>,
    #[serde(default)]
    pub restart_required: Option<RawRestart>,
    #[serde(default)]
    pub entitlements: Vec<Spanned<String>>,
    /// Product groups the remediation applies to (CSAF `group_ids`).
    #[serde(default)]
    pub groups: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAcknowledgment {
    #[serde(default)]
    pub names: Vec<Spanned<String>>,
    #[serde(default)]
    pub organization: Option<String>,
    #[serde(default)]
    pub url: Option<Spanned<String>>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub anonymous: Option<Spanned<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReference {
    pub url: Spanned<String>,
    pub summary: String,
    #[serde(default)]
    pub category: ReferenceCategory,
}
