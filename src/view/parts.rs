//! The advisory view's parts: each vulnerability with its scores, each affected product.

use super::{
    AffectedView, RemediationView, ScoreView, VulnDetails, VulnerabilityView, ack_view, product_ref, vuln,
};
use crate::model::advisory::{Advisory, Vulnerability};
use crate::model::ids::ProductId;
use crate::model::time::date_only;
use crate::site::Site;

pub(super) fn affected_view(
    site: &Site,
    a: &Advisory,
    x: &crate::model::advisory::Affected,
    root: &str,
) -> AffectedView {
    let vulnerabilities = x
        .vulnerabilities
        .iter()
        .flatten()
        .filter_map(|i| a.vulnerabilities.get(*i));
    AffectedView {
        product: product_ref(site, &x.product, root),
        versions: x.versions.as_ref().map(|v| v.text().to_string()),
        versions_kind: x
            .versions
            .as_ref()
            .map(|v| if v.is_range() { "range" } else { "single" }),
        fixed: x.fixed.clone(),
        status: x.status.as_str(),
        status_label: x.status.label(),
        justification: x.justification.map(|j| j.as_str()),
        justification_label: x.justification.map(|j| j.label()),
        impact: x.impact.clone(),
        platform: x
            .platform
            .as_ref()
            .map(|p| product_ref(site, &p.product, root).name),
        relationship: x.platform.as_ref().map(|p| p.relationship.phrase()),
        branches: x
            .branches
            .iter()
            .chain(&x.below_version)
            .map(|(c, n)| format!("{}: {n}", c.replace('_', " ")))
            .collect(),
        vulnerabilities: vulnerabilities
            .map(|v| {
                v.cve
                    .as_ref()
                    .map_or_else(|| v.title.clone(), |c| c.as_str().to_string())
            })
            .collect(),
    }
}

pub(super) fn score_v3(v: &crate::model::cvss::CvssV3) -> ScoreView {
    ScoreView {
        version: v.version.to_string(),
        vector: v.vector.clone(),
        score: format!("{:.1}", v.score),
        severity: v.severity.as_str(),
        severity_label: v.severity.label(),
        calculator_url: format!("https://www.first.org/cvss/calculator/{}#{}", v.version, v.vector),
        temporal_score: more_score(v.more.as_ref(), "temporalScore"),
        environmental_score: more_score(v.more.as_ref(), "environmentalScore"),
    }
}

fn more_score(more: Option<&serde_json::Map<String, serde_json::Value>>, key: &str) -> Option<String> {
    more?.get(key)?.as_f64().map(|s| format!("{s:.1}"))
}

pub(super) fn score_v2(v: &crate::model::cvss_more::CvssV2) -> ScoreView {
    let severity = v.severity();
    ScoreView {
        version: "2.0".into(),
        vector: v.vector.clone(),
        score: format!("{:.1}", v.score),
        severity: severity.as_str(),
        severity_label: severity.label(),
        calculator_url: String::new(),
        temporal_score: v.temporal_score.map(|s| format!("{s:.1}")),
        environmental_score: v.environmental_score.map(|s| format!("{s:.1}")),
    }
}

pub(super) fn score_v4(v: &crate::model::cvss::CvssV4) -> ScoreView {
    ScoreView {
        version: "4.0".into(),
        vector: v.vector.clone(),
        score: format!("{:.1}", v.score),
        severity: v.severity.as_str(),
        severity_label: v.severity.label(),
        calculator_url: format!("https://www.first.org/cvss/calculator/4.0#{}", v.vector),
        temporal_score: None,
        environmental_score: None,
    }
}

pub(super) fn vulnerability_view(
    site: &Site,
    a: &Advisory,
    v: &Vulnerability,
    root: &str,
) -> VulnerabilityView {
    let refs = |ids: &[ProductId]| ids.iter().map(|p| product_ref(site, p, root)).collect();
    let VulnDetails {
        ids,
        notes,
        references,
        threats,
        exploited,
        discovery_date,
        release_date,
    } = vuln::vuln_details(site, a, v, root);
    VulnerabilityView {
        cve: v.cve.as_ref().map(|c| c.as_str().to_string()),
        cve_url: v
            .cve
            .as_ref()
            .map(|c| format!("https://www.cve.org/CVERecord?id={}", c.as_str())),
        title: v.title.clone(),
        cwe_id: v.cwe.as_ref().map(|c| c.id.clone()),
        cwe_name: v.cwe.as_ref().map(|c| c.name.clone()),
        cwe_url: v.cwe.as_ref().map(|c| {
            let n = c.id.trim_start_matches("CWE-");
            format!("https://cwe.mitre.org/data/definitions/{n}.html")
        }),
        description: v.description.clone(),
        cvss_v2: v.cvss_v2.as_ref().map(score_v2),
        cvss_v3: v.cvss_v3.as_ref().map(score_v3),
        cvss_v4: v.cvss_v4.as_ref().map(score_v4),
        other_scores: v
            .other_scores
            .iter()
            .map(|s| vuln::other_score_view(site, s, root))
            .collect(),
        products: refs(&v.products),
        remediations: v
            .remediations
            .iter()
            .map(|r| RemediationView {
                category: r.category.as_str(),
                label: r.category.label(),
                details: r.details.clone(),
                url: r.url.clone(),
                products: refs(&r.products),
                date: r.date.map(date_only),
                restart_required: r.restart_required.as_ref().map(vuln::restart_view),
                entitlements: r.entitlements.clone(),
                groups: vuln::group_labels(a, &r.groups),
            })
            .collect(),
        ids,
        notes,
        references,
        threats,
        exploited,
        discovery_date,
        release_date,
        acknowledgments: v.acknowledgments.iter().map(ack_view).collect(),
    }
}
