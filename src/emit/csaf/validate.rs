//! Validation of generated CSAF with csaf-rs: the JSON schema and every mandatory test
//! (6.1.x) must pass or the build fails; recommended tests (6.2.x) become warnings.

use std::path::Path;

use csaf_rs::csaf::raw::RawDocument;
use csaf_rs::schema::csaf2_0::schema::CommonSecurityAdvisoryFramework;
use csaf_rs::validation::{
    TestResultStatus, Validatable, ValidationError, validate_by_test, validate_by_tests,
};
use serde_json::Value;

use crate::diag::{Code, Diagnostic};
use crate::model::cwe::document_for_test_6_1_11;

/// Findings of one preset as (test id, error or warning message) pairs.
fn findings(json: Value, preset: &str) -> Vec<(String, bool, String)> {
    type Doc = RawDocument<CommonSecurityAdvisoryFramework>;
    let Ok(mut tests) = Doc::tests_in_preset(preset) else {
        return vec![(
            preset.into(),
            true,
            format!("unknown validation preset `{preset}`"),
        )];
    };
    // Test 6.1.11 (CWE) runs on a copy dated so that csaf-rs checks names against the CWE
    // list the official validator uses, not the one current at the document's date.
    let cwe_doc = tests
        .contains(&"6.1.11")
        .then(|| document_for_test_6_1_11(&json))
        .flatten();
    tests.retain(|t| *t != "6.1.11");
    let mut results = validate_by_tests(&Doc::new(json), "2.0", &tests).test_results;
    results.extend(cwe_doc.map(|d| validate_by_test(&Doc::new(d), "6.1.11")));
    let mut out = Vec::new();
    let mut skipped = 0;
    for t in results {
        let describe = |e: &ValidationError| format!("{} (at {})", e.message, e.instance_path);
        match &t.status {
            TestResultStatus::Failure { errors, warnings, .. } => {
                out.extend(errors.iter().map(|e| (t.test_id.clone(), true, describe(e))));
                out.extend(warnings.iter().map(|e| (t.test_id.clone(), false, describe(e))));
            }
            TestResultStatus::Skipped => skipped += 1,
            _ => {}
        }
    }
    // Tests are skipped when the document does not even deserialize; say so once.
    if skipped > 0 && preset != "optional" {
        let msg =
            format!("{skipped} tests could not run: the document does not match the CSAF 2.0 structure");
        out.push(("schema".into(), true, msg));
    }
    out
}

/// Validates a generated document. Errors point at the advisory's source file, since
/// that is where the user must fix them.
pub fn validate(json: Value, source: &Path) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    for (test, is_error, msg) in findings(json, "basic") {
        let d = Diagnostic::error(Code::Csaf, format!("CSAF fails test {test}: {msg}"))
            .in_file(source)
            .help("fix the advisory's front matter; if it looks right, this is a psirt-site bug: please report it");
        if is_error {
            errors.push(d);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Vec::new())
}

/// Recommended-test findings (CSAF 2.0 §6.2) as warnings, for `check`.
pub fn recommended(json: Value, source: &Path) -> Vec<Diagnostic> {
    findings(json, "optional")
        .into_iter()
        .map(|(test, _, msg)| {
            Diagnostic::warning(Code::CsafWarning, format!("CSAF recommended test {test}: {msg}"))
                .in_file(source)
        })
        .collect()
}
