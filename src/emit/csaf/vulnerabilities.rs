//! One CSAF `vulnerabilities` entry: CVE, CWE, ids, notes, references, product status,
//! remediations, scores and threats.

use serde_json::{Map, Value, json};

use super::document::{acknowledgment, note, reference};
use super::product_tree::{concerned_ids, product_status};
use crate::model::Advisory;
use crate::model::advisory::{Remediation, Vulnerability};
use crate::model::cvss::CvssV3;
use crate::model::cvss_more::CvssV2;
use crate::model::notes::NoteCategory;
use crate::model::time::rfc3339;

pub(super) fn vulnerability(a: &Advisory, v: &Vulnerability) -> Value {
    let mut m = Map::new();
    if !v.acknowledgments.is_empty() {
        let acks = v.acknowledgments.iter().map(acknowledgment);
        m.insert("acknowledgments".into(), acks.collect());
    }
    if let Some(c) = &v.cve {
        m.insert("cve".into(), json!(c.as_str()));
    }
    if let Some(cwe) = &v.cwe {
        m.insert("cwe".into(), json!({ "id": cwe.id, "name": cwe.name }));
    }
    if let Some(d) = v.discovery_date {
        m.insert("discovery_date".into(), json!(rfc3339(d)));
    }
    if !v.ids.is_empty() {
        let ids = v
            .ids
            .iter()
            .map(|i| json!({ "system_name": i.system_name, "text": i.text }));
        m.insert("ids".into(), ids.collect());
    }
    m.insert("notes".into(), Value::Array(vulnerability_notes(v)));
    m.insert("product_status".into(), product_status(a, v));
    if !v.references.is_empty() {
        m.insert("references".into(), v.references.iter().map(reference).collect());
    }
    if let Some(d) = v.release_date {
        m.insert("release_date".into(), json!(rfc3339(d)));
    }
    if !v.remediations.is_empty() {
        let rems = v.remediations.iter().map(|r| remediation(a, v, r));
        m.insert("remediations".into(), rems.collect());
    }
    let scores = scores(a, v);
    if !scores.is_empty() {
        m.insert("scores".into(), Value::Array(scores));
    }
    // A Vec, so that other statements (e.g. VEX impact statements) can be added to it.
    let threats = threats(a, v);
    if !threats.is_empty() {
        m.insert("threats".into(), Value::Array(threats));
    }
    // VEX justifications (flags) and impact statements (threats) of products known not
    // to be affected.
    super::vex::insert(&mut m, a, v);
    m.insert("title".into(), json!(v.title));
    Value::Object(m)
}

/// The score of `cvss_v2`/`cvss_v3`, then the further scores; a score for no product is
/// left out (CSAF lists are never empty).
fn scores(a: &Advisory, v: &Vulnerability) -> Vec<Value> {
    let mut out = Vec::new();
    if v.cvss_v2.is_some() || v.cvss_v3.is_some() {
        out.extend(score(
            v.cvss_v2.as_ref(),
            v.cvss_v3.as_ref(),
            score_products(a, v),
        ));
    }
    for s in &v.other_scores {
        let products = if s.product_ids.is_empty() {
            concerned_ids(a, v, &s.products)
        } else {
            s.product_ids.clone()
        };
        out.extend(score(s.cvss_v2.as_ref(), s.cvss_v3.as_ref(), products));
    }
    out
}

fn score(v2: Option<&CvssV2>, v3: Option<&CvssV3>, products: Vec<String>) -> Option<Value> {
    if (v2.is_none() && v3.is_none()) || products.is_empty() {
        return None;
    }
    let mut score = Map::new();
    if let Some(v2) = v2 {
        score.insert("cvss_v2".into(), Value::Object(v2.json.clone()));
    }
    if let Some(v3) = v3 {
        score.insert("cvss_v3".into(), cvss_v3(v3));
    }
    score.insert("products".into(), products.into());
    Some(Value::Object(score))
}

/// `scores[].products`: the ids given as they are, else the leaves of the scored products
/// and the members of the scored groups.
fn score_products(a: &Advisory, v: &Vulnerability) -> Vec<String> {
    if !v.score_product_ids.is_empty() {
        return v.score_product_ids.clone();
    }
    let mut concerned = concerned_ids(a, v, &v.score_products);
    let members = a.product_groups.iter().filter(|g| v.score_groups.contains(&g.id));
    for leaf in members.flat_map(|g| &g.leaves) {
        if !concerned.contains(leaf) {
            concerned.push(leaf.clone());
        }
    }
    concerned
}

fn remediation(a: &Advisory, v: &Vulnerability, r: &Remediation) -> Value {
    let mut rm = Map::new();
    rm.insert("category".into(), json!(r.category.as_str()));
    if let Some(d) = r.date {
        rm.insert("date".into(), json!(rfc3339(d)));
    }
    rm.insert("details".into(), json!(r.details));
    if !r.entitlements.is_empty() {
        rm.insert("entitlements".into(), json!(r.entitlements));
    }
    if !r.groups.is_empty() {
        rm.insert("group_ids".into(), json!(r.groups));
    }
    // CSAF lists are never empty: a remediation for groups only has no `product_ids`.
    let ids = if r.product_ids.is_empty() {
        concerned_ids(a, v, &r.products)
    } else {
        r.product_ids.clone()
    };
    if !ids.is_empty() || r.groups.is_empty() {
        rm.insert("product_ids".into(), json!(ids));
    }
    if let Some(restart) = &r.restart_required {
        let mut x = Map::new();
        x.insert("category".into(), json!(restart.category.as_str()));
        if let Some(d) = &restart.details {
            x.insert("details".into(), json!(d));
        }
        rm.insert("restart_required".into(), Value::Object(x));
    }
    if let Some(u) = &r.url {
        rm.insert("url".into(), json!(u));
    }
    Value::Object(rm)
}

/// The written threats, then the exploited-in-the-wild statement as an `exploit_status`
/// threat.
fn threats(a: &Advisory, v: &Vulnerability) -> Vec<Value> {
    let mut out: Vec<Value> = v
        .threats
        .iter()
        .map(|t| {
            let mut m = Map::new();
            m.insert("category".into(), json!(t.category.as_str()));
            if let Some(d) = t.date {
                m.insert("date".into(), json!(rfc3339(d)));
            }
            m.insert("details".into(), json!(t.details));
            if !t.groups.is_empty() {
                m.insert("group_ids".into(), json!(t.groups));
            }
            if let Some(products) = &t.products {
                let ids = concerned_ids(a, v, products);
                if !ids.is_empty() {
                    m.insert("product_ids".into(), json!(ids));
                }
            }
            Value::Object(m)
        })
        .collect();
    if let Some(e) = &v.exploited {
        let mut m = Map::new();
        m.insert("category".into(), json!("exploit_status"));
        if let Some(d) = e.date {
            m.insert("date".into(), json!(rfc3339(d)));
        }
        m.insert("details".into(), json!(e.details));
        out.push(Value::Object(m));
    }
    out
}

fn vulnerability_notes(v: &Vulnerability) -> Vec<Value> {
    let mut notes = Vec::new();
    // Every vulnerability gets a description note (the title when nothing else describes
    // it), unless its written notes already have one.
    let written = v.notes.iter().any(|n| n.category == NoteCategory::Description);
    if v.description.is_some() || !written {
        let text = v.description.clone().unwrap_or_else(|| v.title.clone());
        notes.push(json!({ "category": "description", "text": text, "title": "Description" }));
    }
    notes.extend(v.notes.iter().map(note));
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

fn cvss_v3(v: &CvssV3) -> Value {
    v.json()
}
