//! Enumerations with CSAF 2.0's names and values.

use serde::{Deserialize, Serialize};

/// `tracking.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Interim,
    Final,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Interim => "interim",
            Status::Final => "final",
        }
    }
}

/// Traffic Light Protocol label (TLP 2.0 names; `WHITE` is the TLP 1.0 name of `CLEAR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, PartialOrd, Ord)]
pub enum Tlp {
    #[default]
    #[serde(rename = "CLEAR")]
    Clear,
    #[serde(rename = "WHITE")]
    White,
    #[serde(rename = "GREEN")]
    Green,
    #[serde(rename = "AMBER")]
    Amber,
    #[serde(rename = "AMBER+STRICT")]
    AmberStrict,
    #[serde(rename = "RED")]
    Red,
}

impl Tlp {
    /// Only TLP:CLEAR (WHITE) may be published without restriction.
    pub fn is_public(self) -> bool {
        matches!(self, Tlp::Clear | Tlp::White)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Tlp::Clear => "CLEAR",
            Tlp::White => "WHITE",
            Tlp::Green => "GREEN",
            Tlp::Amber => "AMBER",
            Tlp::AmberStrict => "AMBER+STRICT",
            Tlp::Red => "RED",
        }
    }

    /// The CSAF 2.0 label: CSAF 2.0 predates TLP 2.0, so CLEAR is `WHITE` and
    /// AMBER+STRICT (which 2.0 cannot express) is the stricter `RED`.
    pub fn csaf20_label(self) -> &'static str {
        match self {
            Tlp::Clear | Tlp::White => "WHITE",
            Tlp::Green => "GREEN",
            Tlp::Amber => "AMBER",
            Tlp::AmberStrict | Tlp::Red => "RED",
        }
    }
}

/// `remediations[].category`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RemediationCategory {
    VendorFix,
    Mitigation,
    Workaround,
    NoFixPlanned,
    NoneAvailable,
}

impl RemediationCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            RemediationCategory::VendorFix => "vendor_fix",
            RemediationCategory::Mitigation => "mitigation",
            RemediationCategory::Workaround => "workaround",
            RemediationCategory::NoFixPlanned => "no_fix_planned",
            RemediationCategory::NoneAvailable => "none_available",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RemediationCategory::VendorFix => "Vendor fix",
            RemediationCategory::Mitigation => "Mitigation",
            RemediationCategory::Workaround => "Workaround",
            RemediationCategory::NoFixPlanned => "No fix planned",
            RemediationCategory::NoneAvailable => "No fix available yet",
        }
    }
}

/// The CSAF product status an `[[affected]]` entry states for its `versions` (the `fixed`
/// version always gets `fixed`). An entry with only `fixed` states `fixed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    #[default]
    KnownAffected,
    KnownNotAffected,
    UnderInvestigation,
    Fixed,
    FirstFixed,
    FirstAffected,
    LastAffected,
    Recommended,
    /// In no `product_status` list: the leaf is in the product tree, and scores,
    /// remediations and threats may name it (CSAF allows this; some CISA advisories name
    /// most of their products only there).
    Unstated,
}

impl ProductStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::KnownAffected => "known_affected",
            ProductStatus::KnownNotAffected => "known_not_affected",
            ProductStatus::UnderInvestigation => "under_investigation",
            ProductStatus::Fixed => "fixed",
            ProductStatus::FirstFixed => "first_fixed",
            ProductStatus::FirstAffected => "first_affected",
            ProductStatus::LastAffected => "last_affected",
            ProductStatus::Recommended => "recommended",
            ProductStatus::Unstated => "unstated",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProductStatus::KnownAffected => "Affected",
            ProductStatus::KnownNotAffected => "Not affected",
            ProductStatus::UnderInvestigation => "Under investigation",
            ProductStatus::Fixed => "Fixed",
            ProductStatus::FirstFixed => "First fixed",
            ProductStatus::FirstAffected => "First affected",
            ProductStatus::LastAffected => "Last affected",
            ProductStatus::Recommended => "Recommended",
            ProductStatus::Unstated => "Status not stated",
        }
    }

    /// The word in generated CSAF product ids (`router-x200-vulnerable`); the first three
    /// are the ids earlier releases wrote, so published ids stay the same.
    pub fn id_word(self) -> &'static str {
        match self {
            ProductStatus::KnownAffected => "vulnerable",
            ProductStatus::KnownNotAffected => "not-affected",
            ProductStatus::UnderInvestigation => "under-investigation",
            ProductStatus::Fixed => "fixed",
            ProductStatus::FirstFixed => "first-fixed",
            ProductStatus::FirstAffected => "first-affected",
            ProductStatus::LastAffected => "last-affected",
            ProductStatus::Recommended => "recommended",
            ProductStatus::Unstated => "unstated",
        }
    }

    /// Whether the product is (or may be) vulnerable: scores, remediations and threats
    /// name these products.
    pub fn is_concerned(self) -> bool {
        matches!(
            self,
            ProductStatus::KnownAffected
                | ProductStatus::UnderInvestigation
                | ProductStatus::FirstAffected
                | ProductStatus::LastAffected
        )
    }

    /// Statuses that must say which versions they are about (unless the product is a
    /// component on a platform, or under investigation as a whole).
    pub fn needs_versions(self) -> bool {
        !matches!(self, ProductStatus::KnownNotAffected)
    }
}
