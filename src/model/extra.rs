//! Smaller CSAF details an advisory can carry: reference categories, vulnerability ids
//! (GHSA, vendor bug ids), the vendor's own severity rating, and restart requirements of
//! remediations.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::advisory::Reference;
use super::build::Builder;
use super::raw::RawReference;

/// CSAF reference category: `self` points at this document or vulnerability elsewhere
/// (e.g. the vendor's own page of it), `external` at anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceCategory {
    #[default]
    External,
    #[serde(rename = "self")]
    SelfRef,
}

impl ReferenceCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            ReferenceCategory::External => "external",
            ReferenceCategory::SelfRef => "self",
        }
    }
}

/// `ids = [{ system_name = "GHSA", text = "GHSA-…" }]`: CSAF `vulnerabilities[].ids`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVulnId {
    pub system_name: Spanned<String>,
    pub text: Spanned<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct VulnId {
    pub system_name: String,
    pub text: String,
}

/// `[vendor_severity]`: the publisher's own rating (CSAF `document.aggregate_severity`),
/// e.g. Red Hat's "Important". Shown beside the computed CVSS rating, never instead of it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVendorSeverity {
    pub text: Spanned<String>,
    #[serde(default)]
    pub namespace: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct VendorSeverity {
    pub text: String,
    pub namespace: Option<String>,
}

/// CSAF `restart_required.category`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RestartCategory {
    None,
    VulnerableComponent,
    Service,
    Parent,
    Dependencies,
    Connected,
    Machine,
    Zone,
    System,
}

impl RestartCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            RestartCategory::None => "none",
            RestartCategory::VulnerableComponent => "vulnerable_component",
            RestartCategory::Service => "service",
            RestartCategory::Parent => "parent",
            RestartCategory::Dependencies => "dependencies",
            RestartCategory::Connected => "connected",
            RestartCategory::Machine => "machine",
            RestartCategory::Zone => "zone",
            RestartCategory::System => "system",
        }
    }

    /// What has to restart, for the page.
    pub fn label(self) -> &'static str {
        match self {
            RestartCategory::None => "No restart required",
            RestartCategory::VulnerableComponent => "Restart of the vulnerable component",
            RestartCategory::Service => "Restart of the service",
            RestartCategory::Parent => "Restart of the parent component",
            RestartCategory::Dependencies => "Restart of dependent components",
            RestartCategory::Connected => "Restart of connected systems",
            RestartCategory::Machine => "Reboot of the device",
            RestartCategory::Zone => "Restart of the zone",
            RestartCategory::System => "Restart of the whole system",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRestart {
    pub category: RestartCategory,
    #[serde(default)]
    pub details: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RestartRequired {
    pub category: RestartCategory,
    pub details: Option<String>,
}

impl Builder<'_> {
    pub(super) fn references(&mut self, raw: &[RawReference]) -> Vec<Reference> {
        raw.iter()
            .filter_map(|r| {
                self.url(&r.url).map(|url| Reference {
                    url,
                    summary: r.summary.trim().to_string(),
                    category: r.category,
                })
            })
            .collect()
    }

    pub(super) fn vuln_ids(&mut self, raw: &[RawVulnId]) -> Vec<VulnId> {
        let mut out: Vec<VulnId> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for id in raw {
            let vid = VulnId {
                system_name: self.non_empty(&id.system_name, "ids.system_name"),
                text: self.non_empty(&id.text, "ids.text"),
            };
            if !seen.insert(vid.clone()) {
                let msg = format!("id `{}` of `{}` is listed twice", vid.text, vid.system_name);
                self.error(
                    crate::diag::Code::InvalidValue,
                    &id.text,
                    msg,
                    "list each id once",
                );
                continue;
            }
            out.push(vid);
        }
        out
    }

    pub(super) fn vendor_severity(&mut self, raw: &Option<RawVendorSeverity>) -> Option<VendorSeverity> {
        let s = raw.as_ref()?;
        Some(VendorSeverity {
            text: self.non_empty(&s.text, "vendor_severity.text"),
            namespace: s.namespace.as_ref().and_then(|n| self.url(n)),
        })
    }

    pub(super) fn restart(&mut self, raw: &Option<RawRestart>) -> Option<RestartRequired> {
        let r = raw.as_ref()?;
        Some(RestartRequired {
            category: r.category,
            details: self.optional_text(&r.details, "restart_required.details"),
        })
    }
}
