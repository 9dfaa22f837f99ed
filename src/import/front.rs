//! The front-matter shapes both importers (CSAF and OSV) write, defined once so that the
//! two write the same keys the same way.

use serde::Serialize;
use toml::value::Datetime;

#[derive(Serialize)]
pub(super) struct Reference {
    pub(super) url: String,
    pub(super) summary: String,
    pub(super) category: String,
}

#[derive(Serialize)]
pub(super) struct Acknowledgment {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(super) names: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) organization: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) summary: Option<String>,
}

#[derive(Serialize)]
pub(super) struct VendorSeverity {
    pub(super) text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) namespace: Option<String>,
}

#[derive(Serialize)]
pub(super) struct Revision {
    pub(super) date: Datetime,
    pub(super) summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) legacy_version: Option<String>,
}

/// A vulnerability id of another system (`[[vulnerabilities.ids]]`).
#[derive(Serialize, PartialEq, Eq)]
pub(super) struct VulnId {
    pub(super) system_name: String,
    pub(super) text: String,
}
