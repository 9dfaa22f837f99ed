//! Tests against real-world data in `../shared/corpus` (skipped when it is absent).

mod common;

use std::fs;
use std::path::Path;

use psirt_site::emit::csaf::{check, file_name, validate};
use serde_json::Value;

fn labels(corpus: &Path) -> Vec<Value> {
    let text = fs::read_to_string(corpus.join("invalid-csaf/LABELS.json")).expect("labels");
    let v: Value = serde_json::from_str(&text).expect("labels are JSON");
    v["labels"].as_array().cloned().unwrap_or_default()
}

#[test]
fn filename_rule_matches_the_oasis_test_cases() {
    let Some(corpus) = common::corpus() else { return };
    let mut checked = 0;
    for l in labels(&corpus)
        .iter()
        .filter(|l| l["check"].as_str().unwrap_or("").starts_with("filename"))
    {
        let rel = l["file"].as_str().expect("file");
        let path = corpus.join("invalid-csaf").join(rel);
        let doc: Value = serde_json::from_str(&fs::read_to_string(&path).expect("read")).expect("json");
        let id = doc["document"]["tracking"]["id"].as_str().expect("tracking id");
        let actual = path.file_name().expect("name").to_string_lossy().into_owned();
        let follows_rule = file_name(id) == actual;
        assert_eq!(
            follows_rule,
            l["fails_test"] == false,
            "{rel}: id {id:?} → {}",
            file_name(id)
        );
        checked += 1;
    }
    assert_eq!(checked, 6);
}

/// Our build-time validation (csaf-rs) must fail exactly the labelled mandatory test for
/// every document the OASIS and csaf-validator-lib suites label as failing it, and must not
/// fail that test for the documents labelled as passing it. (A "passing" fixture may still
/// break another test: the official validator rejects two of them for other reasons.)
#[test]
fn validation_agrees_with_the_labelled_mandatory_test_cases() {
    let Some(corpus) = common::corpus() else { return };
    let mut disagreements = Vec::new();
    let mut checked = 0;
    for l in labels(&corpus).iter().filter(|l| l["group"] == "mandatory") {
        let rel = l["file"].as_str().expect("file");
        let Ok(text) = fs::read_to_string(corpus.join("invalid-csaf").join(rel)) else {
            continue;
        };
        let Ok(doc) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        let test = l["test_id"].as_str().expect("test id");
        let needle = format!("test {test}:");
        let failed = validate::validate(doc, Path::new(rel))
            .err()
            .unwrap_or_default()
            .iter()
            .any(|d| d.message.contains(&needle));
        let expected = l["fails_test"] == true;
        if failed != expected {
            disagreements.push(format!(
                "{rel}: test {test} failed={failed}, labelled fails_test={expected}"
            ));
        }
        checked += 1;
    }
    assert!(checked > 100, "only {checked} labelled documents found");
    assert!(
        disagreements.is_empty(),
        "{} of {checked} disagree:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

#[test]
fn provider_check_finds_the_real_problems_of_a_real_provider() {
    let Some(corpus) = common::corpus() else { return };
    let results = check::check(&corpus.join("csaf/owasp-juice-shop"));
    let status = |n: u8| {
        results
            .iter()
            .find(|r| r.number == n)
            .map(|r| r.passed())
            .expect("requirement")
    };
    assert!(status(5), "file names are right");
    assert!(status(18), "its SHA-512 files match");
    assert!(!status(12), "index.txt names a file that does not exist");
    assert!(!status(13), "changes.csv is unquoted");
    assert!(!status(11), "documents are filed under the wrong year");
}
