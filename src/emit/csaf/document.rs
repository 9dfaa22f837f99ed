//! One pure function from the advisory model to a CSAF 2.0 `csaf_security_advisory`.
//! The keys of every object come out in alphabetical order (`csaf::sort_keys` before
//! serializing; CSAF recommended test 6.2.13), not in the schema's order, so documents
//! diff and hash stably; the JSON is deterministic.

//! The product tree and product status are in `product_tree.rs`, each vulnerability in
//! `vulnerabilities.rs`.

use serde_json::{Map, Value, json};

use super::product_tree::product_tree;
use super::vulnerabilities::vulnerability;
use crate::config::SiteConfig;
use crate::model::advisory::{Acknowledgment, Reference, Revision, Section};
use crate::model::notes::{Note, NoteCategory};
use crate::model::time::rfc3339;
use crate::model::{Advisory, Catalog, Status};

/// An object from key/value pairs. Unlike `json!`, values that are already JSON are moved
/// in, not serialized into a copy (`json!` copies every nested `Value` it is given).
pub(super) fn obj<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

/// Where the document and its HTML page live, for `self` references.
pub struct Urls {
    pub json: String,
    pub html: String,
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
    let mut doc = obj([
        ("document", document(a, sections, config, urls, version)),
        ("product_tree", product_tree(a, catalog)),
        (
            "vulnerabilities",
            a.vulnerabilities.iter().map(|v| vulnerability(a, v)).collect(),
        ),
    ]);
    // An informational advisory has no vulnerabilities, and CSAF forbids an empty list.
    if let (Value::Object(m), true) = (&mut doc, a.vulnerabilities.is_empty()) {
        m.remove("vulnerabilities");
    }
    doc
}

fn document(a: &Advisory, sections: &[Section], config: &SiteConfig, urls: &Urls, version: &str) -> Value {
    let mut doc = Map::new();
    doc.insert("category".into(), json!(a.category.as_str()));
    doc.insert("csaf_version".into(), json!("2.0"));
    doc.insert("title".into(), json!(a.title));
    doc.insert("publisher".into(), publisher(config));
    doc.insert("lang".into(), json!(config.language));
    doc.insert("distribution".into(), distribution(a));
    if let Some(sev) = aggregate_severity(a) {
        doc.insert("aggregate_severity".into(), sev);
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

fn distribution(a: &Advisory) -> Value {
    let tlp = json!({ "label": a.tlp.csaf20_label(), "url": "https://www.first.org/tlp/" });
    match &a.distribution_text {
        Some(text) => json!({ "text": text, "tlp": tlp }),
        None => json!({ "tlp": tlp }),
    }
}

/// The publisher's own rating when it gave one (with its namespace), else the rating
/// computed from CVSS.
fn aggregate_severity(a: &Advisory) -> Option<Value> {
    match &a.vendor_severity {
        Some(v) => Some(match &v.namespace {
            Some(ns) => json!({ "namespace": ns, "text": v.text }),
            None => json!({ "text": v.text }),
        }),
        None => a.severity().map(|s| json!({ "text": s.label() })),
    }
}

/// A written note as CSAF has it.
pub(super) fn note(n: &Note) -> Value {
    let mut m = Map::new();
    m.insert("category".into(), json!(n.category.as_str()));
    m.insert("text".into(), json!(n.text));
    if let Some(t) = &n.title {
        m.insert("title".into(), json!(t));
    }
    Value::Object(m)
}

pub(super) fn reference(r: &Reference) -> Value {
    json!({ "category": r.category.as_str(), "summary": r.summary, "url": r.url })
}

fn publisher(config: &SiteConfig) -> Value {
    let p = &config.publisher;
    let mut m = Map::new();
    m.insert("category".into(), json!(p.category.as_str()));
    if let Some(c) = &p.contact_details {
        m.insert("contact_details".into(), json!(c.get_ref()));
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
    // One summary note: the front-matter summary, followed by the body's summary
    // sections (a `## Summary` would otherwise be a second summary note).
    let mut summary = a.summary.clone();
    for s in sections.iter().filter(|s| section_category(s) == "summary") {
        summary.push_str("\n\n");
        summary.push_str(a.body.section(s));
    }
    let title = a
        .summary_place
        .as_ref()
        .and_then(|p| p.title.as_deref())
        .unwrap_or("Summary");
    let summary = json!({ "category": "summary", "text": summary.trim_end(), "title": title });
    // First, unless `[[notes]]` placed it (imported documents keep their notes' order).
    let at = a.summary_place.as_ref().map_or(0, |p| p.index.min(a.notes.len()));
    notes.extend(a.notes[..at].iter().map(note));
    notes.push(summary);
    notes.extend(a.notes[at..].iter().map(note));
    notes.extend(
        sections
            .iter()
            .filter(|s| !s.markdown.is_empty() && section_category(s) != "summary")
            .map(|s| section_note(s, a.body.section(s))),
    );
    notes
}

/// A section's note category: its `note=` attribute, else by its heading.
pub fn section_category(s: &Section) -> &'static str {
    match s.note.as_deref().and_then(NoteCategory::parse) {
        Some(c) => c.as_str(),
        None => note_category(&s.heading),
    }
}

fn section_note(s: &Section, markdown: &str) -> Value {
    let title = if s.heading.is_empty() {
        "Details"
    } else {
        s.heading.as_str()
    };
    json!({ "category": section_category(s), "text": markdown, "title": title })
}

fn references(a: &Advisory, urls: &Urls) -> Vec<Value> {
    let mut refs = vec![
        json!({ "category": "self", "summary": format!("Canonical CSAF document of {}", a.id), "url": urls.json }),
        json!({ "category": "self", "summary": format!("Human-readable advisory {}", a.id), "url": urls.html }),
    ];
    refs.extend(a.references.iter().map(reference));
    refs
}

pub(super) fn acknowledgment(ack: &Acknowledgment) -> Value {
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

/// A revision's CSAF `number`: the publisher's, else its position.
fn csaf_number(r: &Revision) -> String {
    r.label.clone().unwrap_or_else(|| r.number.to_string())
}

/// Integer versioning: revisions 1…n, version n (or the publisher's own numbers). Drafts (only in previews and restricted
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
            .map(|r| {
                let mut m = Map::new();
                m.insert("date".into(), json!(rfc3339(r.date)));
                if let Some(l) = &r.legacy_version {
                    m.insert("legacy_version".into(), json!(l));
                }
                m.insert("number".into(), json!(csaf_number(r)));
                m.insert("summary".into(), json!(r.summary));
                Value::Object(m)
            })
            .collect();
        // The latest revision's number: with numbers given, the greatest (they increase).
        let version = a.revisions.last().map_or_else(|| "0".to_string(), csaf_number);
        (version, history)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_categories() {
        assert_eq!(note_category("Details"), "details");
        assert_eq!(note_category(""), "details");
        assert_eq!(note_category("Workarounds"), "general");
        assert_eq!(note_category("Timeline"), "other");
    }
}
