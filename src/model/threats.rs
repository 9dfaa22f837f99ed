//! Threats of a vulnerability (CSAF `vulnerabilities[].threats`) and the statement that it
//! is exploited in the wild, which the page shows as a banner.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use toml::Spanned;
use toml::value::Datetime;

use super::build::Builder;
use super::groups::ProductGroup;
use super::ids::ProductId;

/// CSAF 2.0 threat category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ThreatCategory {
    ExploitStatus,
    Impact,
    TargetSet,
}

impl ThreatCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            ThreatCategory::ExploitStatus => "exploit_status",
            ThreatCategory::Impact => "impact",
            ThreatCategory::TargetSet => "target_set",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ThreatCategory::ExploitStatus => "Exploit status",
            ThreatCategory::Impact => "Impact",
            ThreatCategory::TargetSet => "Targets",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawThreat {
    pub category: ThreatCategory,
    pub details: Spanned<String>,
    #[serde(default)]
    pub date: Option<Spanned<Datetime>>,
    #[serde(default)]
    pub products: Option<Vec<Spanned<String>>>,
    /// Product groups the threat concerns (CSAF `group_ids`).
    #[serde(default)]
    pub groups: Vec<Spanned<String>>,
}

/// `[vulnerabilities.exploited]`: the publisher knows of exploitation in the wild.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExploited {
    pub details: Spanned<String>,
    #[serde(default)]
    pub date: Option<Spanned<Datetime>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Threat {
    pub category: ThreatCategory,
    pub details: String,
    pub date: Option<Timestamp>,
    /// `None`: the threat is stated for the vulnerability as a whole (no product scope).
    pub products: Option<Vec<ProductId>>,
    /// Ids of the product groups it concerns.
    pub groups: Vec<String>,
}

/// Exploitation in the wild: an `exploit_status` threat in CSAF, a banner on the page.
#[derive(Debug, Clone, Serialize)]
pub struct Exploited {
    pub details: String,
    pub date: Option<Timestamp>,
}

impl Builder<'_> {
    pub(super) fn threats(
        &mut self,
        raw: &[RawThreat],
        vulnerable: &[ProductId],
        groups: &[ProductGroup],
    ) -> Vec<Threat> {
        raw.iter()
            .map(|t| Threat {
                category: t.category,
                details: self.non_empty(&t.details, "threat details"),
                date: t.date.as_ref().and_then(|d| self.date(d)),
                products: t
                    .products
                    .as_ref()
                    .map(|ids| self.vulnerable_products(ids, vulnerable)),
                groups: self.group_refs(&t.groups, groups, vulnerable).ids,
            })
            .collect()
    }

    pub(super) fn exploited(&mut self, raw: &Option<RawExploited>) -> Option<Exploited> {
        let e = raw.as_ref()?;
        Some(Exploited {
            details: self.non_empty(&e.details, "exploited.details"),
            date: e.date.as_ref().and_then(|d| self.date(d)),
        })
    }
}
