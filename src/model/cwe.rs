//! CWE ids and names. CSAF 2.0 carries a CWE as `{ id, name }` with no CWE version, so a
//! validator can only check the name against one list, and the official validator
//! (@secvisogram/csaf-validator-lib 2.0.10) checks test 6.1.11 against CWE 4.17. Every
//! advisory, whatever its date, therefore gets its CWE name from CWE 4.17: a name taken from
//! the list current at the advisory's date (CWE-200 was "Information Exposure" until 4.0)
//! fails the official validator, and a real CWE is never invalid because of a date.

use std::sync::OnceLock;

use csaf_rs::helpers::{CWE_ENTRIES, CweData, CweVersionData};
use serde_json::{Map, Value, json};

use crate::diag::{Code, Diagnostic};

/// The CWE release of the official validator's catalog (its `lib/shared/cwec.js`: the 968
/// weaknesses of CWE 4.17, ids and names identical to csaf-rs 0.6.1's 4.17 list). Move it
/// only together with the validator in `.ci/package.json`: CI validates a generated corpus
/// with a wide spread of CWEs, which fails when the two disagree.
pub const CATALOG_VERSION: &str = "4.17";

/// A CWE weakness with its name in [`CATALOG_VERSION`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Cwe {
    pub id: String,
    pub name: String,
}

/// Reads csaf-rs's CWE lists now (~20 ms of one core at first use). The parse stage
/// looks a CWE up in nearly every advisory: without this, the first lookup reads them while
/// every other thread that looks one up waits; the pipeline calls it beside discovery.
pub fn prepare() {
    let _ = catalog();
}

fn catalog() -> Option<&'static CweVersionData> {
    CWE_ENTRIES.get(CATALOG_VERSION)
}

fn definition_url(digits: &str) -> String {
    format!("https://cwe.mitre.org/data/definitions/{digits}.html")
}

impl Cwe {
    /// Checks the form `CWE-NNN` and looks the name up in [`CATALOG_VERSION`]. An id that is
    /// not a weakness there is an error (the official validator rejects the document); a
    /// deprecated weakness, or one MITRE's mapping guidance prohibits for vulnerabilities,
    /// is a warning. The diagnostics have no position: the caller knows where the id is.
    pub fn lookup(s: &str) -> Result<(Cwe, Option<Diagnostic>), Diagnostic> {
        let digits = s.strip_prefix("CWE-").unwrap_or("");
        if digits.is_empty() || digits.len() > 7 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            let msg = format!(
                "`{}` is not a CWE id (expected CWE-NNN, e.g. CWE-79)",
                s.escape_debug()
            );
            return Err(Diagnostic::error(Code::InvalidCwe, msg)
                .help("write `CWE-` and the weakness number, as on https://cwe.mitre.org"));
        }
        let Some(entry) = catalog().and_then(|c| c.entries.get(s)) else {
            return Err(not_in_catalog(s, digits));
        };
        let cwe = Cwe {
            id: s.to_string(),
            name: entry.name.clone(),
        };
        Ok((cwe, mapping_warning(s, digits, entry)))
    }
}

/// The error for an id that is not a weakness in the catalog, saying whether a newer CWE
/// release has it (the validators do not know it yet) or an older one had it.
fn not_in_catalog(id: &str, digits: &str) -> Diagnostic {
    let url = definition_url(digits);
    let Some(catalog) = catalog() else {
        let msg = format!("CWE {CATALOG_VERSION} is missing from csaf-rs: {id} cannot be looked up");
        return Diagnostic::error(Code::InvalidCwe, msg).help("this is a psirt-site bug: please report it");
    };
    let newer = releases_with(id).find(|(_, v)| v.release_date > catalog.release_date);
    let older = releases_with(id).any(|(_, v)| v.release_date < catalog.release_date);
    let (msg, help) = match (newer, older) {
        (Some((release, _)), _) => (
            format!(
                "{id} is not in CWE {CATALOG_VERSION}, the CWE list CSAF 2.0 validators check names against: it was added in CWE {release}"
            ),
            format!(
                "CSAF 2.0 validators reject it until they move to a newer CWE list; map the vulnerability to a related weakness of CWE {CATALOG_VERSION}, e.g. its parent ({url})"
            ),
        ),
        (None, true) => (
            format!("{id} is no longer a weakness in CWE {CATALOG_VERSION}, the CWE list CSAF 2.0 validators check names against"),
            format!("see {url} for the weakness that replaced it"),
        ),
        (None, false) => (
            format!("{id} is not a weakness in CWE {CATALOG_VERSION}, the CWE list CSAF 2.0 validators check names against"),
            "check the number on https://cwe.mitre.org; categories and views (such as CWE-16, Configuration) are not weaknesses, and CSAF test 6.1.11 rejects them".to_string(),
        ),
    };
    Diagnostic::error(Code::InvalidCwe, msg).help(help)
}

/// The CWE releases csaf-rs knows that have `id`, oldest first, as (version, data).
fn releases_with(id: &str) -> impl Iterator<Item = &'static (String, &'static CweVersionData)> {
    static RELEASES: OnceLock<Vec<(String, &'static CweVersionData)>> = OnceLock::new();
    let releases = RELEASES.get_or_init(|| {
        let mut all: Vec<_> = CWE_ENTRIES.iter().map(|(v, d)| (v.clone(), d)).collect();
        // By date, then version, so that the answer never depends on the map's order.
        all.sort_by(|a, b| (a.1.release_date, &a.0).cmp(&(b.1.release_date, &b.0)));
        all
    });
    let id = id.to_string();
    releases.iter().filter(move |(_, d)| d.entries.contains_key(&id))
}

/// A warning for a weakness CSAF 2.0 accepts but MITRE advises against using: deprecated
/// entries, and entries whose vulnerability-mapping usage is `Prohibited` (what CSAF 2.1's
/// recommended tests 6.2.23 and 6.2.25 flag). `Discouraged` entries (abstract classes such
/// as CWE-20 and CWE-200, common in CVE records) are not flagged.
fn mapping_warning(id: &str, digits: &str, entry: &CweData) -> Option<Diagnostic> {
    let url = definition_url(digits);
    let msg = if entry.status == "Deprecated" {
        format!("{id} is deprecated in CWE {CATALOG_VERSION} (\"{}\")", entry.name)
    } else if entry.usage.as_deref() == Some("Prohibited") {
        format!(
            "{id} ({}) is not meant for mapping vulnerabilities: MITRE's usage for it in CWE {CATALOG_VERSION} is Prohibited",
            entry.name
        )
    } else {
        return None;
    };
    Some(Diagnostic::warning(Code::CweMapping, msg).help(format!(
        "choose the weakness that fits the vulnerability; {url} names the ones to use instead"
    )))
}

/// What csaf-rs's test 6.1.11 needs of `doc`, dated on the catalog's release, or `None`
/// when no vulnerability has a CWE (the test has nothing to check). csaf-rs checks a CSAF
/// 2.0 name against the CWE list current at `tracking.current_release_date`, which the
/// official validator does not (see the module comment); with this date csaf-rs checks
/// against [`CATALOG_VERSION`], as the official validator does. Vulnerabilities keep their
/// positions, so the test's paths are the document's.
pub fn document_for_test_6_1_11(doc: &Value) -> Option<Value> {
    let vulnerabilities = doc.get("vulnerabilities")?.as_array()?;
    if !vulnerabilities.iter().any(|v| v.get("cwe").is_some()) {
        return None;
    }
    // A fixed minimal document (valid CSAF 2.0 on its own), made once, with only the CWEs
    // taken over: copying the document's `tracking` and `publisher` cost 42 M instructions
    // per 1,000 advisories, building this one with `json!` each time still 34 M, cloning it 6 M.
    static SKELETON: OnceLock<Option<Value>> = OnceLock::new();
    let mut cut = SKELETON.get_or_init(skeleton).clone()?;
    let cwes = vulnerabilities.iter().map(|v| {
        let mut m = Map::new();
        if let Some(cwe) = v.get("cwe") {
            m.insert("cwe".into(), cwe.clone());
        }
        Value::Object(m)
    });
    *cut.get_mut("vulnerabilities")? = Value::Array(cwes.collect());
    Some(cut)
}

/// The document of [`document_for_test_6_1_11`] without vulnerabilities.
fn skeleton() -> Option<Value> {
    let date = format!("{}T00:00:00.000Z", catalog()?.release_date);
    Some(json!({
        "document": {
            "category": "csaf_base",
            "csaf_version": "2.0",
            "publisher": { "category": "vendor", "name": "-", "namespace": "https://example.com" },
            "title": "-",
            "tracking": {
                "current_release_date": date,
                "id": "-",
                "initial_release_date": date,
                "revision_history": [{ "date": date, "number": "1", "summary": "-" }],
                "status": "final",
                "version": "1"
            }
        },
        "vulnerabilities": []
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(id: &str) -> String {
        Cwe::lookup(id).expect("a weakness of the catalog").0.name
    }

    #[test]
    fn the_catalog_is_csaf_rs_cwe_4_17() {
        let catalog = catalog().expect("csaf-rs ships CWE 4.17");
        assert_eq!(catalog.release_date.to_string(), "2025-04-03");
        assert_eq!(
            catalog.entries.len(),
            968,
            "the official validator's list has 968"
        );
    }

    #[test]
    fn names_come_from_cwe_4_17_whatever_the_date() {
        assert!(name("CWE-79").starts_with("Improper Neutralization of Input During Web Page Generation"));
        // Missing from the CWE lists current in 2015-2017 (2.9, 2.10, 2.12), yet as old as CWE 1.0.
        assert_eq!(name("CWE-352"), "Cross-Site Request Forgery (CSRF)");
        assert_eq!(name("CWE-384"), "Session Fixation");
        // Added in CWE 4.3 (2020), for a revision that corrects an older advisory's CWE.
        assert!(name("CWE-1321").contains("Prototype Pollution"));
        // The 4.17 name, not "Information Exposure" of the lists before 4.0.
        assert_eq!(
            name("CWE-200"),
            "Exposure of Sensitive Information to an Unauthorized Actor"
        );
        let (_, warning) = Cwe::lookup("CWE-20").expect("known");
        assert!(warning.is_none(), "Discouraged is not flagged");
    }

    #[test]
    fn unknown_and_malformed_ids_are_errors_with_a_help() {
        for (id, says) in [
            ("CWE-99999999", "not a CWE id"),
            ("CWE-abc", "not a CWE id"),
            ("cwe-79", "not a CWE id"),
            ("CWE-16", "not a weakness in CWE 4.17"),
            ("CWE-999999", "not a weakness in CWE 4.17"),
            ("CWE-1434", "added in CWE 4.18"),
            ("CWE-398", "no longer a weakness"),
        ] {
            let d = Cwe::lookup(id).expect_err(id);
            assert!(d.is_error() && d.code == Code::InvalidCwe, "{id}");
            assert!(d.message.contains(says), "{id}: {}", d.message);
            assert!(d.help.is_some(), "{id}");
        }
    }

    #[test]
    fn deprecated_and_prohibited_weaknesses_warn() {
        for (id, says) in [("CWE-592", "deprecated"), ("CWE-1041", "Prohibited")] {
            let (cwe, warning) = Cwe::lookup(id).expect(id);
            let warning = warning.expect("a warning");
            assert!(!warning.is_error() && warning.code == Code::CweMapping, "{id}");
            assert!(warning.message.contains(says), "{id}: {}", warning.message);
            assert!(warning.help.is_some());
            assert!(!cwe.name.is_empty());
        }
    }

    /// A minimal CSAF 2.0 document of 2016 with one CWE.
    fn csaf_2016(cwe_id: &str, cwe_name: &str) -> Value {
        let date = "2016-05-01T00:00:00.000Z";
        json!({
            "document": {
                "category": "csaf_base", "csaf_version": "2.0", "title": "t",
                "publisher": { "category": "vendor", "name": "n", "namespace": "https://x.example" },
                "tracking": {
                    "current_release_date": date, "id": "X-1", "initial_release_date": date,
                    "revision_history": [{ "date": date, "number": "1", "summary": "Initial" }],
                    "status": "final", "version": "1"
                }
            },
            "vulnerabilities": [{ "cwe": { "id": cwe_id, "name": cwe_name } }]
        })
    }

    fn csaf_rs_6_1_11(doc: Value) -> csaf_rs::validation::TestResultStatus {
        use csaf_rs::csaf::raw::RawDocument;
        use csaf_rs::schema::csaf2_0::schema::CommonSecurityAdvisoryFramework as Csaf;
        csaf_rs::validation::validate_by_test(&RawDocument::<Csaf>::new(doc), "6.1.11").status
    }

    #[test]
    fn csaf_rs_checks_the_cut_document_against_cwe_4_17() {
        use csaf_rs::validation::TestResultStatus::{Failure, Success};
        let name = name("CWE-200");
        // On the document itself csaf-rs picks CWE 2.9, current in 2016, and rejects the
        // name the official validator requires: the reason for the cut document.
        assert!(matches!(
            csaf_rs_6_1_11(csaf_2016("CWE-200", &name)),
            Failure { .. }
        ));
        let cut = |id, name| document_for_test_6_1_11(&csaf_2016(id, name)).expect("a CWE");
        assert_eq!(csaf_rs_6_1_11(cut("CWE-200", &name)), Success);
        assert_eq!(
            csaf_rs_6_1_11(cut("CWE-352", "Cross-Site Request Forgery (CSRF)")),
            Success
        );
        assert!(matches!(
            csaf_rs_6_1_11(cut("CWE-200", "Information Exposure")),
            Failure { .. }
        ));
        assert!(matches!(
            csaf_rs_6_1_11(cut("CWE-16", "Configuration")),
            Failure { .. }
        ));
    }

    #[test]
    fn test_6_1_11_document_keeps_positions_and_pins_the_date() {
        let doc = json!({
            "document": {
                "category": "csaf_security_advisory", "csaf_version": "2.0", "title": "t",
                "publisher": { "category": "vendor", "name": "n", "namespace": "https://x.example" },
                "tracking": { "current_release_date": "2016-01-01T00:00:00.000Z", "id": "X" },
                "notes": [{ "category": "summary", "text": "left out" }]
            },
            "vulnerabilities": [{ "cve": "CVE-2016-1234" }, { "cwe": { "id": "CWE-79", "name": "n" } }]
        });
        let cut = document_for_test_6_1_11(&doc).expect("a CWE to check");
        assert_eq!(
            cut["document"]["tracking"]["current_release_date"],
            "2025-04-03T00:00:00.000Z"
        );
        assert_eq!(cut["vulnerabilities"][0], json!({}));
        assert_eq!(cut["vulnerabilities"][1]["cwe"]["id"], "CWE-79");
        assert!(cut["document"].get("notes").is_none());
        let no_cwe = json!({ "document": doc["document"].clone(), "vulnerabilities": [{}] });
        assert!(document_for_test_6_1_11(&no_cwe).is_none());
    }
}
