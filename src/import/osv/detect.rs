//! Telling an OSV record from a CSAF document by its shape: a CSAF document has a
//! `document` object; an OSV record has none, but has its `id` and either its `modified`
//! time, its `affected` packages or a `schema_version`.

use serde_json::Value;

/// Whether `json` has the shape of an OSV record (it may still be invalid OSV: the
/// mapping checks it and refuses it with the reason).
pub(in crate::import) fn is_osv(json: &Value) -> bool {
    let Some(object) = json.as_object() else {
        return false;
    };
    !object.contains_key("document")
        && object.contains_key("id")
        && ["modified", "affected", "schema_version"]
            .iter()
            .any(|k| object.contains_key(*k))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn osv_records_are_told_from_csaf_and_provider_files() {
        assert!(is_osv(
            &json!({"id": "GHSA-xxxx-xxxx-xxxx", "modified": "2024-01-01T00:00:00Z"})
        ));
        assert!(is_osv(&json!({"id": "GO-2024-0001", "affected": []})));
        assert!(!is_osv(&json!({"document": {}, "id": "x", "modified": "y"})));
        assert!(!is_osv(&json!({"id": "x"})));
        assert!(!is_osv(&json!({"metadata_version": "2.0"})));
        assert!(!is_osv(&json!(["id", "modified"])));
    }
}
