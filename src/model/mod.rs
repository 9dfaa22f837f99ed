//! The domain model: advisories, products, identifiers, CVSS, dates.

pub mod acknowledgments;
pub mod advisory;
pub mod affected;
pub mod build;
mod coverage;
pub mod cvss;
pub mod cvss_more;
pub mod cwe;
pub mod enums;
pub mod explicit_ids;
pub mod extra;
pub mod groups;
pub mod identification;
pub mod ids;
pub mod leaves;
pub mod notes;
pub mod products;
pub mod raw;
pub mod revision_numbers;
pub mod scores;
pub mod shape;
pub mod size_limit;
pub mod status;
pub mod threats;
pub mod time;
pub mod versions;

pub use advisory::Advisory;
pub use cvss::Severity;
pub use enums::{ProductStatus, RemediationCategory, Status, Tlp};
pub use products::{Catalog, Product};
