//! The structure the OSV schema (1.6/1.7) requires, checked before anything is mapped: a
//! record that breaks it is refused with the JSON pointer and the rule, as a CSAF document
//! that fails its schema is. Two lists of the schema are not checked, on purpose: the
//! ecosystem names and the id prefixes of the known databases, which grow with every new
//! database (an unknown ecosystem is mapped where it can be, and reported where not).
//! The CVSS vector patterns are left to psirt-site's own CVSS parser, which reports a
//! vector it cannot read as lost.

use serde_json::{Map, Value};

type Checked = Result<(), String>;

const RANGE_TYPES: &[&str] = &["GIT", "SEMVER", "ECOSYSTEM"];
const EVENT_KINDS: &[&str] = &["introduced", "fixed", "last_affected", "limit"];
const SEVERITY_TYPES: &[&str] = &["CVSS_V2", "CVSS_V3", "CVSS_V4", "Ubuntu"];
const REFERENCE_TYPES: &[&str] = &[
    "ADVISORY",
    "ARTICLE",
    "DETECTION",
    "DISCUSSION",
    "REPORT",
    "FIX",
    "INTRODUCED",
    "GIT",
    "PACKAGE",
    "EVIDENCE",
    "WEB",
];
const CREDIT_TYPES: &[&str] = &[
    "FINDER",
    "REPORTER",
    "ANALYST",
    "COORDINATOR",
    "REMEDIATION_DEVELOPER",
    "REMEDIATION_REVIEWER",
    "REMEDIATION_VERIFIER",
    "TOOL",
    "SPONSOR",
    "OTHER",
];

/// Checks the whole record; the error names the first rule broken and where.
pub(super) fn check(doc: &Value) -> Checked {
    let root = doc.as_object().ok_or("the record is not a JSON object")?;
    required_string(root, "", "id")?;
    timestamp(root, "", "modified", true)?;
    for key in ["published", "withdrawn"] {
        timestamp(root, "", key, false)?;
    }
    for key in ["schema_version", "summary", "details"] {
        optional(root, "", key, is_string, "a string")?;
    }
    for key in ["aliases", "related", "upstream"] {
        string_list(root, "", key, key == "aliases")?;
    }
    optional(root, "", "database_specific", Value::is_object, "an object")?;
    severity(root, "")?;
    for_each(root, "", "affected", true, affected)?;
    if root.get("severity").is_some_and(|s| !s.is_null()) {
        no_package_severity(root)?;
    }
    for_each(root, "", "references", true, reference)?;
    for_each(root, "", "credits", false, credit)
}

fn is_string(v: &Value) -> bool {
    v.is_string()
}

fn wrong(at: &str, key: &str, what: &str) -> String {
    format!("{}: must be {what}", pointer(at, key))
}

fn pointer(at: &str, key: &str) -> String {
    format!("{at}/{key}")
}

fn optional(object: &Map<String, Value>, at: &str, key: &str, ok: fn(&Value) -> bool, what: &str) -> Checked {
    match object.get(key) {
        Some(v) if !ok(v) => Err(wrong(at, key, what)),
        _ => Ok(()),
    }
}

fn required_string(object: &Map<String, Value>, at: &str, key: &str) -> Checked {
    match object.get(key) {
        None => Err(format!("{} is required", pointer(at, key))),
        Some(v) if !v.is_string() => Err(wrong(at, key, "a string")),
        Some(_) => Ok(()),
    }
}

/// An RFC 3339 time in UTC (`Z`), as the schema's `timestamp` requires.
fn timestamp(object: &Map<String, Value>, at: &str, key: &str, required: bool) -> Checked {
    match object.get(key) {
        None if required => Err(format!("{} is required", pointer(at, key))),
        None => Ok(()),
        Some(Value::String(s)) if s.ends_with('Z') && s.parse::<jiff::Timestamp>().is_ok() => Ok(()),
        Some(_) => Err(wrong(
            at,
            key,
            "an RFC 3339 time in UTC such as 2024-05-01T12:00:00Z",
        )),
    }
}

fn one_of(object: &Map<String, Value>, at: &str, key: &str, allowed: &[&str], required: bool) -> Checked {
    match object.get(key) {
        None if !required => Ok(()),
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => Ok(()),
        _ => Err(wrong(at, key, &format!("one of {}", allowed.join(", ")))),
    }
}

fn string_list(object: &Map<String, Value>, at: &str, key: &str, nullable: bool) -> Checked {
    match object.get(key) {
        None => Ok(()),
        Some(Value::Null) if nullable => Ok(()),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => Ok(()),
        Some(_) => Err(wrong(at, key, "a list of strings")),
    }
}

/// Runs `each` on every object of the list at `key` (which may be absent, or `null` where
/// the schema allows it).
fn for_each(
    object: &Map<String, Value>,
    at: &str,
    key: &str,
    nullable: bool,
    each: fn(&Map<String, Value>, &str) -> Checked,
) -> Checked {
    let items = match object.get(key) {
        None => return Ok(()),
        Some(Value::Null) if nullable => return Ok(()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(wrong(at, key, "a list")),
    };
    for (i, item) in items.iter().enumerate() {
        let here = format!("{at}/{key}/{i}");
        let item = item
            .as_object()
            .ok_or_else(|| format!("{here}: must be an object"))?;
        each(item, &here)?;
    }
    Ok(())
}

fn severity(object: &Map<String, Value>, at: &str) -> Checked {
    for_each(object, at, "severity", true, |s, here| {
        one_of(s, here, "type", SEVERITY_TYPES, false)?;
        optional(s, here, "score", is_string, "a string")
    })
}

/// The schema: a severity for the whole record excludes one per package.
fn no_package_severity(root: &Map<String, Value>) -> Checked {
    let list = root.get("affected").and_then(Value::as_array);
    for (i, a) in list.into_iter().flatten().enumerate() {
        if a.get("severity").is_some_and(|s| !s.is_null()) {
            return Err(format!(
                "/affected/{i}/severity: must be absent when /severity is given"
            ));
        }
    }
    Ok(())
}

fn affected(a: &Map<String, Value>, at: &str) -> Checked {
    if let Some(package) = a.get("package") {
        let package = package
            .as_object()
            .ok_or_else(|| wrong(at, "package", "an object"))?;
        let here = pointer(at, "package");
        required_string(package, &here, "ecosystem")?;
        required_string(package, &here, "name")?;
        optional(package, &here, "purl", is_string, "a string")?;
    }
    severity(a, at)?;
    string_list(a, at, "versions", false)?;
    for key in ["ecosystem_specific", "database_specific"] {
        optional(a, at, key, Value::is_object, "an object")?;
    }
    for_each(a, at, "ranges", false, range)
}

fn range(r: &Map<String, Value>, at: &str) -> Checked {
    one_of(r, at, "type", RANGE_TYPES, true)?;
    optional(r, at, "repo", is_string, "a string")?;
    optional(r, at, "database_specific", Value::is_object, "an object")?;
    let git = r.get("type").and_then(Value::as_str) == Some("GIT");
    if git && !r.contains_key("repo") {
        return Err(format!("{at}/repo is required for a GIT range"));
    }
    let events = r
        .get("events")
        .and_then(Value::as_array)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| wrong(at, "events", "a non-empty list"))?;
    let mut kinds = Vec::new();
    for (i, e) in events.iter().enumerate() {
        kinds.push(event(e, &format!("{at}/events/{i}"), git)?);
    }
    if !kinds.contains(&"introduced") {
        return Err(format!("{at}/events: must contain an `introduced` event"));
    }
    if kinds.contains(&"fixed") && kinds.contains(&"last_affected") {
        return Err(format!(
            "{at}/events: `fixed` and `last_affected` events exclude each other"
        ));
    }
    Ok(())
}

/// One event: an object with exactly one of the four kinds, a string; in a GIT range a
/// full commit hash or `0`.
fn event(e: &Value, at: &str, git: bool) -> Result<&'static str, String> {
    let object = e.as_object().ok_or_else(|| format!("{at}: must be an object"))?;
    let kinds: Vec<&'static str> = EVENT_KINDS
        .iter()
        .copied()
        .filter(|k| object.contains_key(*k))
        .collect();
    let [kind] = kinds[..] else {
        return Err(format!(
            "{at}: must have exactly one of introduced, fixed, last_affected, limit"
        ));
    };
    let value = object
        .get(kind)
        .and_then(Value::as_str)
        .ok_or_else(|| wrong(at, kind, "a string"))?;
    let hex =
        |len: usize| value.len() == len && value.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if git && !(value == "0" || hex(40) || hex(64)) {
        return Err(wrong(at, kind, "a full commit hash in a GIT range"));
    }
    Ok(kind)
}

fn reference(r: &Map<String, Value>, at: &str) -> Checked {
    one_of(r, at, "type", REFERENCE_TYPES, true)?;
    required_string(r, at, "url")
}

fn credit(c: &Map<String, Value>, at: &str) -> Checked {
    required_string(c, at, "name")?;
    string_list(c, at, "contact", false)?;
    one_of(c, at, "type", CREDIT_TYPES, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refused(doc: Value) -> String {
        check(&doc).expect_err("refused")
    }

    #[test]
    fn a_minimal_record_passes() {
        assert_eq!(
            check(&json!({"id": "GO-2024-0001", "modified": "2024-01-01T00:00:00Z"})),
            Ok(())
        );
    }

    #[test]
    fn broken_rules_are_named_with_their_pointer() {
        assert!(refused(json!({"modified": "2024-01-01T00:00:00Z"})).contains("/id is required"));
        assert!(refused(json!({"id": "x", "modified": "2024-01-01"})).contains("/modified"));
        let two_kinds = json!({"id": "x", "modified": "2024-01-01T00:00:00Z", "affected": [
            {"ranges": [{"type": "SEMVER", "events": [{"introduced": "0", "fixed": "1.0"}]}]}]});
        assert!(refused(two_kinds).contains("/affected/0/ranges/0/events/0"));
        let no_intro = json!({"id": "x", "modified": "2024-01-01T00:00:00Z", "affected": [
            {"ranges": [{"type": "SEMVER", "events": [{"fixed": "1.0"}]}]}]});
        assert!(refused(no_intro).contains("introduced"));
        let short_commit = json!({"id": "x", "modified": "2024-01-01T00:00:00Z", "affected": [
            {"ranges": [{"type": "GIT", "repo": "https://g.example/r", "events": [{"introduced": "abc"}]}]}]});
        assert!(refused(short_commit).contains("commit hash"));
        let both = json!({"id": "x", "modified": "2024-01-01T00:00:00Z", "severity": [],
            "affected": [{"severity": []}]});
        assert!(refused(both).contains("/affected/0/severity"));
        let reference = json!({"id": "x", "modified": "2024-01-01T00:00:00Z",
            "references": [{"type": "BLOG", "url": "https://a.example"}]});
        assert!(refused(reference).contains("/references/0/type"));
    }
}
