//! Views of the per-vulnerability and per-document details a CSAF document carries beyond
//! the basics: ids, notes, references, threats, exploitation, vendor severity.

use serde::Serialize;

use super::{ProductRef, product_ref};
use crate::model::Advisory;
use crate::model::advisory::{Reference, Score, Vulnerability};
use crate::model::extra::RestartRequired;
use crate::model::notes::Note;
use crate::model::threats::Threat;
use crate::model::time::{date_only, rfc3339};
use crate::site::Site;

#[derive(Debug, Clone, Serialize)]
pub struct IdView {
    pub system_name: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NoteView {
    /// CSAF note category (`details`, `faq`, …).
    pub category: &'static str,
    pub title: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReferenceView {
    pub label: String,
    pub url: String,
    /// `external` or `self`.
    pub category: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ThreatView {
    pub category: &'static str,
    pub label: &'static str,
    pub details: String,
    pub date: Option<String>,
    pub date_iso: Option<String>,
    /// Empty when the threat concerns the vulnerability as a whole.
    pub products: Vec<ProductRef>,
    /// The product groups it concerns, by summary (or id).
    pub groups: Vec<String>,
}

/// Exploitation in the wild, for the banner.
#[derive(Debug, Clone, Serialize)]
pub struct ExploitedView {
    pub details: String,
    pub date: Option<String>,
    pub date_iso: Option<String>,
}

/// A further score of a vulnerability: its vectors (v3 before v2) and the products it is for.
#[derive(Debug, Clone, Serialize)]
pub struct OtherScoreView {
    pub scores: Vec<super::ScoreView>,
    pub products: Vec<ProductRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RestartView {
    pub category: &'static str,
    pub label: &'static str,
    pub details: Option<String>,
}

pub(super) fn note_view(n: &Note) -> NoteView {
    NoteView {
        category: n.category.as_str(),
        title: n.title.clone(),
        text: n.text.clone(),
    }
}

pub(super) fn reference_view(r: &Reference) -> ReferenceView {
    ReferenceView {
        label: r.summary.clone(),
        url: r.url.clone(),
        category: r.category.as_str(),
    }
}

pub(super) fn restart_view(r: &RestartRequired) -> RestartView {
    RestartView {
        category: r.category.as_str(),
        label: r.category.label(),
        details: r.details.clone(),
    }
}

pub(super) fn other_score_view(site: &Site, s: &Score, root: &str) -> OtherScoreView {
    let v3 = s.cvss_v3.iter().map(super::parts::score_v3);
    OtherScoreView {
        scores: v3.chain(s.cvss_v2.iter().map(super::parts::score_v2)).collect(),
        products: s.products.iter().map(|p| product_ref(site, p, root)).collect(),
    }
}

fn threat_view(site: &Site, a: &Advisory, t: &Threat, root: &str) -> ThreatView {
    ThreatView {
        category: t.category.as_str(),
        label: t.category.label(),
        details: t.details.clone(),
        date: t.date.map(date_only),
        date_iso: t.date.map(rfc3339),
        products: t
            .products
            .iter()
            .flatten()
            .map(|p| product_ref(site, p, root))
            .collect(),
        groups: group_labels(a, &t.groups),
    }
}

/// How the page names product groups: by their summary, which says what they hold
/// ("The x64 versions of the operating system."), or by id when they have none.
pub(super) fn group_labels(a: &Advisory, ids: &[String]) -> Vec<String> {
    let groups = a.product_groups.iter().filter(|g| ids.contains(&g.id));
    groups
        .map(|g| g.summary.clone().unwrap_or_else(|| g.id.clone()))
        .collect()
}

/// The details of a vulnerability that the page shows beside its scores and remediations.
#[derive(Debug, Clone, Serialize)]
pub struct VulnDetails {
    pub ids: Vec<IdView>,
    pub notes: Vec<NoteView>,
    pub references: Vec<ReferenceView>,
    pub threats: Vec<ThreatView>,
    pub exploited: Option<ExploitedView>,
    pub discovery_date: Option<String>,
    pub release_date: Option<String>,
}

pub(super) fn vuln_details(site: &Site, a: &Advisory, v: &Vulnerability, root: &str) -> VulnDetails {
    VulnDetails {
        ids: v
            .ids
            .iter()
            .map(|i| IdView {
                system_name: i.system_name.clone(),
                text: i.text.clone(),
            })
            .collect(),
        notes: v.notes.iter().map(note_view).collect(),
        references: v.references.iter().map(reference_view).collect(),
        threats: v.threats.iter().map(|t| threat_view(site, a, t, root)).collect(),
        exploited: v.exploited.as_ref().map(|e| ExploitedView {
            details: e.details.clone(),
            date: e.date.map(date_only),
            date_iso: e.date.map(rfc3339),
        }),
        discovery_date: v.discovery_date.map(date_only),
        release_date: v.release_date.map(date_only),
    }
}
