//! CSAF enumerations for product statuses and product composition: VEX justifications,
//! relationship categories, branch categories and the document category.

use serde::{Deserialize, Serialize};

/// CSAF `document.category`: what kind of document an advisory is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentCategory {
    /// A fixable flaw with affected and fixed versions (the default).
    #[default]
    CsafSecurityAdvisory,
    /// A VEX statement: which products are affected or not, and why (CSAF profile 5).
    CsafVex,
    /// Any other CSAF document (profile 1, no extra mandatory tests).
    CsafBase,
    /// A notice that is not about a vulnerability (no `[[vulnerabilities]]`).
    CsafInformationalAdvisory,
}

impl DocumentCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentCategory::CsafSecurityAdvisory => "csaf_security_advisory",
            DocumentCategory::CsafVex => "csaf_vex",
            DocumentCategory::CsafBase => "csaf_base",
            DocumentCategory::CsafInformationalAdvisory => "csaf_informational_advisory",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DocumentCategory::CsafSecurityAdvisory => "Security advisory",
            DocumentCategory::CsafVex => "VEX statement",
            DocumentCategory::CsafBase => "Security document",
            DocumentCategory::CsafInformationalAdvisory => "Informational advisory",
        }
    }
}

/// CSAF `flags[].label`: why a product is not affected (the VEX justifications).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Justification {
    ComponentNotPresent,
    InlineMitigationsAlreadyExist,
    VulnerableCodeCannotBeControlledByAdversary,
    VulnerableCodeNotInExecutePath,
    VulnerableCodeNotPresent,
}

impl Justification {
    pub fn as_str(self) -> &'static str {
        match self {
            Justification::ComponentNotPresent => "component_not_present",
            Justification::InlineMitigationsAlreadyExist => "inline_mitigations_already_exist",
            Justification::VulnerableCodeCannotBeControlledByAdversary => {
                "vulnerable_code_cannot_be_controlled_by_adversary"
            }
            Justification::VulnerableCodeNotInExecutePath => "vulnerable_code_not_in_execute_path",
            Justification::VulnerableCodeNotPresent => "vulnerable_code_not_present",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Justification::ComponentNotPresent => "Component not present",
            Justification::InlineMitigationsAlreadyExist => "Inline mitigations already exist",
            Justification::VulnerableCodeCannotBeControlledByAdversary => {
                "Vulnerable code cannot be controlled by an adversary"
            }
            Justification::VulnerableCodeNotInExecutePath => "Vulnerable code not in execute path",
            Justification::VulnerableCodeNotPresent => "Vulnerable code not present",
        }
    }
}

/// CSAF `product_tree.relationships[].category`: how a component relates to a platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    #[default]
    DefaultComponentOf,
    ExternalComponentOf,
    InstalledOn,
    InstalledWith,
    OptionalComponentOf,
}

impl Relationship {
    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::DefaultComponentOf => "default_component_of",
            Relationship::ExternalComponentOf => "external_component_of",
            Relationship::InstalledOn => "installed_on",
            Relationship::InstalledWith => "installed_with",
            Relationship::OptionalComponentOf => "optional_component_of",
        }
    }

    /// Joins component and platform names for the combined `full_product_name`.
    pub fn phrase(self) -> &'static str {
        match self {
            Relationship::DefaultComponentOf => "as a component of",
            Relationship::ExternalComponentOf => "as an external component of",
            Relationship::InstalledOn => "installed on",
            Relationship::InstalledWith => "installed with",
            Relationship::OptionalComponentOf => "as an optional component of",
        }
    }
}

/// Branch categories between the product name and its version leaf. CSAF 2.0 defines
/// these (`platform` is CSAF 2.1 only, so it is refused); the order is the nesting order.
pub const BRANCH_CATEGORIES: &[&str] = &[
    // A family below the product name (CISA names a product's family there, as a leaf of
    // its own: `at_branch`); the product's own family is the catalog's, above the name.
    "product_family",
    "specification",
    "language",
    "host_name",
    "architecture",
    "service_pack",
    "patch_level",
    "legacy",
];
