//! VEX reasons of products known not to be affected: CSAF `flags` (the justification
//! label) and `threats` of category `impact` (the statement in words). CSAF test 6.1.27.9
//! requires one of them for each such product in a `csaf_vex` document.

use serde_json::{Map, Value, json};

use super::product_tree::entries_for;
use crate::model::advisory::Vulnerability;
use crate::model::{Advisory, ProductStatus};

/// Groups the not-affected leaves of `v` by a reason, in order of first mention.
fn grouped<K: PartialEq>(
    a: &Advisory,
    v: &Vulnerability,
    reason: impl Fn(&crate::model::advisory::Affected) -> Option<K>,
) -> Vec<(K, Vec<String>)> {
    let mut out: Vec<(K, Vec<String>)> = Vec::new();
    for entry in entries_for(a, v).filter(|e| e.status == ProductStatus::KnownNotAffected) {
        let (Some(key), Some(leaf)) = (reason(entry), entry.ids.versions.as_ref()) else {
            continue;
        };
        let id = leaf.status_id.clone();
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, ids)) if !ids.contains(&id) => ids.push(id),
            Some(_) => {}
            None => out.push((key, vec![id])),
        }
    }
    out
}

/// `vulnerabilities[].flags`: one per justification, naming its products.
pub(super) fn flags(a: &Advisory, v: &Vulnerability) -> Option<Value> {
    let flags: Vec<Value> = grouped(a, v, |e| e.justification)
        .into_iter()
        .map(|(label, ids)| json!({ "label": label.as_str(), "product_ids": ids }))
        .collect();
    (!flags.is_empty()).then_some(Value::Array(flags))
}

/// `threats` of category `impact`: one per impact statement, naming its products.
pub(super) fn impact_threats(a: &Advisory, v: &Vulnerability) -> Vec<Value> {
    grouped(a, v, |e| e.impact.clone())
        .into_iter()
        .map(|(details, ids)| json!({ "category": "impact", "details": details, "product_ids": ids }))
        .collect()
}

/// Adds the VEX reasons to a vulnerability object, after any threats already there.
/// Keys stay in the schema's order (alphabetical for a vulnerability), so documents diff well.
pub(super) fn insert(m: &mut Map<String, Value>, a: &Advisory, v: &Vulnerability) {
    let flags = flags(a, v);
    let impact = impact_threats(a, v);
    if flags.is_none() && impact.is_empty() {
        return;
    }
    if let Some(f) = flags {
        m.insert("flags".into(), f);
    }
    if !impact.is_empty()
        && let Value::Array(threats) = m.entry("threats").or_insert_with(|| json!([]))
    {
        threats.extend(impact);
    }
    m.sort_keys();
}
