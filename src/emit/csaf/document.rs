//! One pure function from the advisory model to a CSAF 2.0 `csaf_security_advisory`.
//! Key order follows the CSAF schema so documents diff well; the JSON is deterministic.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};

/// An object from key/value pairs. Unlike `json!`, values that are already JSON are moved
/// in, not serialized into a copy (`json!` copies every nested `Value` it is given).
fn obj<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

use crate::config::SiteConfig;
use crate::model::advisory::{Acknowledgment, Affected, Section, Vulnerability};
use crate::model::ids::ProductId;
use crate::model::time::rfc3339;
use crate::model::{Advisory, Catalog, ProductStatus, Status};

/// Where the document and its HTML page live, for `self` references.
pub struct Urls {
    pub json: String,
    pub html: String,
}

/// Product ids of one affected entry's leaves in the product tree.
fn leaf_id(product: &ProductId, kind: &str) -> String {
    format!("{product}-{kind}")
}

/// Which CSAF product status and leaf id each `[[affected]]` entry contributes.
fn status_leaves(a: &Affected) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    match a.status {
        ProductStatus::KnownAffected => out.push(("known_affected", leaf_id(&a.product, "vulnerable"))),
        ProductStatus::UnderInvestigation => {
            out.push(("under_investigation", leaf_id(&a.product, "under-investigation")));
        }
        ProductStatus::KnownNotAffected => {
            out.push(("known_not_affected", leaf_id(&a.product, "not-affected")))
        }
    }
    if a.fixed.is_some() {
        out.push(("fixed", leaf_id(&a.product, "fixed")));
    }
    out
}

/// The leaf id standing for "this product as concerned by the vulnerability".
fn concerned_id(a: &Affected) -> Option<String> {
    match a.status {
        ProductStatus::KnownAffected => Some(leaf_id(&a.product, "vulnerable")),
        ProductStatus::UnderInvestigation => Some(leaf_id(&a.product, "under-investigation")),
        ProductStatus::KnownNotAffected => None,
    }
}

/// Converts an advisory. `sections` are the `##` sections of its body
/// ([`crate::markdown::Rendered::sections`]), which become notes; `version` is the
/// psirt-site version for `tracking.generator`.
pub fn to_csaf(
    a: &Advisory,
    sections: &[Section],
    config: &SiteConfig,
    catalog: &Catalog,
    urls: &Urls,
    version: &str,
) -> Value {
    obj([
        ("document", document(a, sections, config, urls, version)),
        ("product_tree", product_tree(a, catalog)),
        (
            "vulnerabilities",
            a.vulnerabilities.iter().map(|v| vulnerability(a, v)).collect(),
        ),
    ])
}

fn document(a: &Advisory, sections: &[Section], config: &SiteConfig, urls: &Urls, version: &str) -> Value {
    let mut doc = Map::new();
    doc.insert("category".into(), json!("csaf_security_advisory"));
    doc.insert("csaf_version".into(), json!("2.0"));
    doc.insert("title".into(), json!(a.title));
    doc.insert("publisher".into(), publisher(config));
    doc.insert("lang".into(), json!(config.language));
    doc.insert(
        "distribution".into(),
        json!({ "tlp": { "label": a.tlp.csaf20_label(), "url": "https://www.first.org/tlp/" } }),
    );
    if let Some(sev) = a.severity() {
        doc.insert("aggregate_severity".into(), json!({ "text": sev.label() }));
    }
    doc.insert("notes".into(), Value::Array(document_notes(a, sections)));
    doc.insert("references".into(), Value::Array(references(a, urls)));
    if !a.acknowledgments.is_empty() {
        doc.insert(
            "acknowledgments".into(),
            Value::Array(a.acknowledgments.iter().map(acknowledgment).collect()),
        );
    }
    doc.insert("tracking".into(), tracking(a, version));
    Value::Object(doc)
}

fn publisher(config: &SiteConfig) -> Value {
    let p = &config.publisher;
    let mut m = Map::new();
    m.insert("category".into(), json!(p.category.as_str()));
    if let Some(c) = &p.contact_details {
        m.insert("contact_details".into(), json!(c));
    }
    if let Some(i) = &p.issuing_authority {
        m.insert("issuing_authority".into(), json!(i));
    }
    m.insert("name".into(), json!(p.name));
    m.insert("namespace".into(), json!(p.namespace.get_ref()));
    Value::Object(m)
}

/// CSAF note category for a `##` section, by heading.
pub fn note_category(heading: &str) -> &'static str {
    match heading.trim().to_ascii_lowercase().as_str() {
        "summary" | "overview" => "summary",
        "" | "description" | "details" | "technical details" | "vulnerability details" => "details",
        "impact" | "workarounds" | "workaround" | "mitigation" | "mitigations" | "solution"
        | "remediation" => "general",
        "faq" | "frequently asked questions" => "faq",
        "legal" | "legal disclaimer" | "disclaimer" => "legal_disclaimer",
        _ => "other",
    }
}

fn document_notes(a: &Advisory, sections: &[Section]) -> Vec<Value> {
    let mut notes = Vec::new();
    if let Some(w) = &a.withdrawn {
        // CSAF 2.0 has no withdrawn status (2.1 adds one); the convention is a final
        // revision and a prominent note.
        let text = format!("This advisory was withdrawn on {}: {}", rfc3339(w.date), w.reason);
        notes.push(json!({ "category": "general", "text": text, "title": "Withdrawn" }));
    }
    notes.push(json!({ "category": "summary", "text": a.summary, "title": "Summary" }));
    notes.extend(
        sections
            .iter()
            .filter(|s| !s.markdown.is_empty())
            .map(|s| section_note(s, a.body.section(s))),
    );
    notes
}

fn section_note(s: &Section, markdown: &str) -> Value {
    let title = if s.heading.is_empty() {
        "Details"
    } else {
        s.heading.as_str()
    };
    json!({ "category": note_category(&s.heading), "text": markdown, "title": title })
}

fn references(a: &Advisory, urls: &Urls) -> Vec<Value> {
    let mut refs = vec![
        json!({ "category": "self", "summary": format!("Canonical CSAF document of {}", a.id), "url": urls.json }),
        json!({ "category": "self", "summary": format!("Human-readable advisory {}", a.id), "url": urls.html }),
    ];
    refs.extend(
        a.references
            .iter()
            .map(|r| json!({ "category": "external", "summary": r.summary, "url": r.url })),
    );
    refs
}

fn acknowledgment(ack: &Acknowledgment) -> Value {
    let mut m = Map::new();
    if ack.anonymous {
        // Nothing that could identify an anonymous researcher, as on the HTML page.
        let summary = match &ack.summary {
            Some(s) => format!("{s} (an anonymous researcher)"),
            None => "an anonymous researcher".to_string(),
        };
        m.insert("summary".into(), json!(summary));
        return Value::Object(m);
    }
    if !ack.names.is_empty() {
        m.insert("names".into(), json!(ack.names));
    }
    if let Some(o) = &ack.organization {
        m.insert("organization".into(), json!(o));
    }
    if let Some(s) = &ack.summary {
        m.insert("summary".into(), json!(s));
    }
    if let Some(u) = &ack.url {
        m.insert("urls".into(), json!([u]));
    }
    Value::Object(m)
}

/// Integer versioning: revisions 1…n, version n. Drafts (only in previews and restricted
/// output) are version 0 with a single draft entry, as CSAF tests 6.1.16–6.1.19 require.
fn tracking(a: &Advisory, version: &str) -> Value {
    let (doc_version, history): (String, Vec<Value>) = if a.status == Status::Draft || a.revisions.is_empty()
    {
        let date = rfc3339(a.updated());
        (
            "0".into(),
            vec![json!({ "date": date, "number": "0", "summary": "Draft" })],
        )
    } else {
        let history = a
            .revisions
            .iter()
            .map(|r| json!({ "date": rfc3339(r.date), "number": r.number.to_string(), "summary": r.summary }))
            .collect();
        (a.revisions.len().to_string(), history)
    };
    obj([
        ("current_release_date", rfc3339(a.updated()).into()),
        (
            "generator",
            json!({ "engine": { "name": "psirt-site", "version": version } }),
        ),
        ("id", a.id.as_str().into()),
        ("initial_release_date", rfc3339(a.published).into()),
        ("revision_history", Value::Array(history)),
        ("status", a.status.as_str().into()),
        ("version", doc_version.into()),
    ])
}

/// A version text without range operators goes into `product_version`; a range into
/// `product_version_range` (CSAF test 6.1.31 forbids ranges in `product_version`).
fn is_range(versions: &str) -> bool {
    let lower = versions.to_ascii_lowercase();
    versions.contains(['<', '>', '=', ',', '*', '|'])
        || [
            "all",
            "prior",
            "before",
            "after",
            "through",
            "and later",
            "earlier",
            "since",
        ]
        .iter()
        .any(|w| lower.contains(w))
}

/// Product-name branches grouped by optional family, in order of first mention.
type Families = Vec<(Option<String>, Vec<Value>)>;

fn product_tree(a: &Advisory, catalog: &Catalog) -> Value {
    // vendor → family → product name → version leaves, in order of first mention.
    let mut vendors: Vec<(String, Families)> = Vec::new();
    // Where each vendor, and each (vendor, family), is in the lists: a search of the lists
    // per row was quadratic when every product has its own vendor or family.
    let mut vendor_at: HashMap<&str, usize> = HashMap::new();
    let mut family_at: HashMap<(&str, Option<&str>), usize> = HashMap::new();
    for entry in &a.affected {
        let Some(p) = catalog.get(&entry.product) else {
            continue;
        };
        let name_branch = product_branch(entry, p);
        let vi = *vendor_at.entry(p.vendor.as_str()).or_insert_with(|| {
            vendors.push((p.vendor.clone(), Vec::new()));
            vendors.len() - 1
        });
        let families = &mut vendors[vi].1;
        let fi = *family_at
            .entry((p.vendor.as_str(), p.family.as_deref()))
            .or_insert_with(|| {
                families.push((p.family.clone(), Vec::new()));
                families.len() - 1
            });
        families[fi].1.push(name_branch);
    }
    let branches: Vec<Value> = vendors
        .into_iter()
        .map(|(vendor, families)| {
            let mut inner = Vec::new();
            for (family, products) in families {
                match family {
                    Some(f) => inner.push(obj([
                        ("category", "product_family".into()),
                        ("name", f.into()),
                        ("branches", Value::Array(products)),
                    ])),
                    None => inner.extend(products),
                }
            }
            obj([
                ("category", "vendor".into()),
                ("name", vendor.into()),
                ("branches", Value::Array(inner)),
            ])
        })
        .collect();
    obj([("branches", Value::Array(branches))])
}

fn full_product(name: String, id: String, p: &crate::model::Product) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(name));
    m.insert("product_id".into(), json!(id));
    let mut helper = Map::new();
    if let Some(cpe) = &p.cpe {
        helper.insert("cpe".into(), json!(cpe));
    }
    if let Some(purl) = &p.purl {
        helper.insert("purl".into(), json!(purl));
    }
    if !helper.is_empty() {
        m.insert("product_identification_helper".into(), Value::Object(helper));
    }
    Value::Object(m)
}

/// Writes a range in the `vers` syntax that CSAF recommends (test 6.2.18) when it is a
/// plain list of comparisons (`>= 2.0, < 2.3.4` → `vers:generic/>=2.0|<2.3.4`); other
/// range texts are kept as written.
pub fn to_vers(range: &str) -> Option<String> {
    if range.trim().eq_ignore_ascii_case("all versions") {
        return Some("vers:generic/*".into());
    }
    let mut parts = Vec::new();
    for part in range.split(',') {
        let part = part.trim();
        let op_len = part
            .find(|c: char| !matches!(c, '<' | '>' | '=' | '!'))
            .unwrap_or(part.len());
        let (op, version) = part.split_at(op_len);
        let version = version.trim();
        let valid_op = matches!(op, "<" | "<=" | ">" | ">=" | "=" | "!=" | "");
        let valid_version = !version.is_empty()
            && version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_' | '~'));
        if !valid_op || !valid_version {
            return None;
        }
        parts.push(format!("{op}{version}"));
    }
    Some(format!("vers:generic/{}", parts.join("|")))
}

fn version_leaf(text: &str, id: String, p: &crate::model::Product) -> Value {
    let (category, name) = if is_range(text) {
        (
            "product_version_range",
            to_vers(text).unwrap_or_else(|| text.to_string()),
        )
    } else {
        ("product_version", text.to_string())
    };
    obj([
        ("category", category.into()),
        ("name", name.into()),
        ("product", full_product(format!("{} {text}", p.name), id, p)),
    ])
}

fn product_branch(entry: &Affected, p: &crate::model::Product) -> Value {
    let mut leaves = Vec::new();
    for (_, id) in status_leaves(entry) {
        let text = if id.ends_with("-fixed") {
            entry.fixed.clone()
        } else {
            entry.versions.clone()
        };
        let text = text.unwrap_or_else(|| "all versions".to_string());
        leaves.push(version_leaf(&text, id, p));
    }
    obj([
        ("category", "product_name".into()),
        ("name", p.name.as_str().into()),
        ("branches", Value::Array(leaves)),
    ])
}

fn vulnerability(a: &Advisory, v: &Vulnerability) -> Value {
    let mut m = Map::new();
    if let Some(c) = &v.cve {
        m.insert("cve".into(), json!(c.as_str()));
    }
    if let Some(cwe) = &v.cwe {
        m.insert("cwe".into(), json!({ "id": cwe.id, "name": cwe.name }));
    }
    if let Some(d) = v.discovery_date {
        m.insert("discovery_date".into(), json!(rfc3339(d)));
    }
    m.insert("notes".into(), Value::Array(vulnerability_notes(v)));
    m.insert("product_status".into(), product_status(a, v));
    let concerned = concerned_ids(a, &v.products);
    if !v.remediations.is_empty() {
        let rems: Vec<Value> = v
            .remediations
            .iter()
            .map(|r| {
                let mut rm = Map::new();
                rm.insert("category".into(), json!(r.category.as_str()));
                rm.insert("details".into(), json!(r.details));
                rm.insert("product_ids".into(), json!(concerned_ids(a, &r.products)));
                if let Some(u) = &r.url {
                    rm.insert("url".into(), json!(u));
                }
                Value::Object(rm)
            })
            .collect();
        m.insert("remediations".into(), Value::Array(rems));
    }
    if let (Some(v3), false) = (&v.cvss_v3, concerned.is_empty()) {
        m.insert(
            "scores".into(),
            Value::Array(vec![obj([
                ("cvss_v3", cvss_v3(v3)),
                ("products", concerned.into()),
            ])]),
        );
    }
    m.insert("title".into(), json!(v.title));
    Value::Object(m)
}

fn concerned_ids(a: &Advisory, products: &[ProductId]) -> Vec<String> {
    // A set: a search of `products` per row was quadratic in the rows.
    let products: HashSet<&ProductId> = products.iter().collect();
    a.affected
        .iter()
        .filter(|x| products.contains(&x.product))
        .filter_map(concerned_id)
        .collect()
}

fn vulnerability_notes(v: &Vulnerability) -> Vec<Value> {
    let text = v.description.clone().unwrap_or_else(|| v.title.clone());
    let mut notes = vec![json!({ "category": "description", "text": text, "title": "Description" })];
    if let Some(v4) = &v.cvss_v4 {
        // CSAF 2.0 has no place for CVSS 4.0 scores; keep the vector and score as a note
        // so the information is not lost (CSAF 2.1 adds `cvss_v4`).
        notes.push(json!({
            "category": "other",
            "text": format!("{} (base score {:.1}, {})", v4.vector, v4.score, v4.severity.label()),
            "title": "CVSS v4.0",
        }));
    }
    notes
}

fn product_status(a: &Advisory, v: &Vulnerability) -> Value {
    let mut status: Map<String, Value> = Map::new();
    let products: HashSet<&ProductId> = v.products.iter().collect();
    for entry in &a.affected {
        let concerned = products.contains(&entry.product);
        if !concerned && entry.status != ProductStatus::KnownNotAffected {
            continue;
        }
        for (category, id) in status_leaves(entry) {
            let list = status.entry(category).or_insert_with(|| json!([]));
            if let Value::Array(items) = list {
                items.push(json!(id));
            }
        }
    }
    // Schema order of the product status categories.
    let order = [
        "fixed",
        "known_affected",
        "known_not_affected",
        "under_investigation",
    ];
    let mut sorted = Map::new();
    for key in order {
        if let Some(v) = status.remove(key) {
            sorted.insert(key.to_string(), v);
        }
    }
    Value::Object(sorted)
}

fn cvss_v3(v: &crate::model::cvss::CvssV3) -> Value {
    let mut m = Map::new();
    m.insert("version".into(), json!(v.version));
    m.insert("vectorString".into(), json!(v.vector));
    for (name, value) in &v.metrics {
        m.insert((*name).to_string(), json!(value));
    }
    m.insert("baseScore".into(), json!(v.score));
    m.insert("baseSeverity".into(), json!(v.severity.upper()));
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_recognised() {
        for r in [
            "< 4.2.1",
            ">= 2.0, < 2.3.4",
            "all versions",
            "4.x prior to 4.2",
            "<= 3.9.4",
        ] {
            assert!(is_range(r), "{r}");
        }
        for v in ["4.2.1", "2.3.4-rc1", "2026.1"] {
            assert!(!is_range(v), "{v}");
        }
    }

    #[test]
    fn vers_conversion() {
        assert_eq!(to_vers("< 4.2.1").as_deref(), Some("vers:generic/<4.2.1"));
        assert_eq!(
            to_vers(">= 2.0, < 2.3.4").as_deref(),
            Some("vers:generic/>=2.0|<2.3.4")
        );
        assert_eq!(to_vers("all versions").as_deref(), Some("vers:generic/*"));
        assert_eq!(to_vers("4.x prior to 4.2"), None);
    }

    #[test]
    fn note_categories() {
        assert_eq!(note_category("Details"), "details");
        assert_eq!(note_category(""), "details");
        assert_eq!(note_category("Workarounds"), "general");
        assert_eq!(note_category("Timeline"), "other");
    }
}
