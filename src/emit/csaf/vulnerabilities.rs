//! One CSAF `vulnerabilities` entry: CVE, CWE, notes, product status, remediations and
//! scores.

use serde_json::{Map, Value, json};

use super::document::obj;
use super::product_tree::{concerned_ids, product_status};
use crate::model::Advisory;
use crate::model::advisory::Vulnerability;
use crate::model::time::rfc3339;

pub(super) fn vulnerability(a: &Advisory, v: &Vulnerability) -> Value {
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
    // VEX justifications (flags) and impact statements (threats) of products known not
    // to be affected.
    super::vex::insert(&mut m, a, v);
    m.insert("title".into(), json!(v.title));
    Value::Object(m)
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
