//! Tests against real-world data in `../shared/corpus` (skipped when it is absent).

use crate::common;
#[path = "corpus/facets.rs"]
mod facets;
#[path = "corpus/osv.rs"]
mod osv;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use facets::assert_carries_the_original;
use psirt_site::emit::csaf::{file_name, validate};
use psirt_site::provider_check as check;
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

/// Leaf values of a document by JSON pointer, without the values psirt-site writes itself
/// whatever the original said (the allowed normalisations of docs/import.md): the
/// generator, the publisher, the language, the current release date and version (derived
/// from the revisions), and the TLP URL. A date-time is compared as the instant it names
/// (`2019-02-12T00:00:00.000000Z` and `…00Z` are one value; psirt-site writes RFC 3339
/// without trailing zeros of a fraction). A number is compared as the number it is (`9` and
/// `9.0` are one JSON number), a string without whitespace at either end (psirt-site trims
/// every text it reads; CSAF gives that whitespace no meaning).
fn comparable_leaves(doc: &Value) -> BTreeMap<String, Value> {
    let mut leaves = Vec::new();
    psirt_site::import::reader::flatten(doc, "", &mut leaves);
    const NORMALISED: &[&str] = &[
        "/document/tracking/generator",
        "/document/tracking/current_release_date",
        "/document/tracking/version",
        "/document/publisher",
        "/document/lang",
        "/document/distribution/tlp/url",
    ];
    leaves
        .into_iter()
        .filter(|(p, _)| {
            !NORMALISED
                .iter()
                .any(|n| p == n || p.starts_with(&format!("{n}/")))
        })
        .map(|(p, v)| (p, comparable(v)))
        .collect()
}

/// A leaf value as the round trip compares it (see [`comparable_leaves`]).
fn comparable(v: &Value) -> Value {
    match &v {
        Value::Number(n) => n.as_f64().map_or(v.clone(), Value::from),
        Value::String(s) if s.trim() != s => instant(&Value::String(s.trim().to_string())),
        _ => instant(v),
    }
}

/// Imports every CSAF document of the shared corpus into a new site, builds it, and compares
/// each rebuilt document with its original leaf by leaf (same JSON pointer, same value, after
/// the normalisations above and [`without_own_additions`]). Prints the share kept per
/// document and overall. #16's targets are ≥ 99 % overall and ≥ 95 % per document
/// (docs/import.md says where it stands); this asserts that no document crashes the import,
/// every refusal says why, every imported advisory builds (so every rebuilt document passes
/// the build's CSAF validation), and both targets hold.
#[test]
fn imported_corpus_documents_round_trip() {
    let Some(corpus) = common::corpus() else { return };
    let t = common::SiteTest::empty();
    let report = psirt_site::import::run(&psirt_site::import::ImportOptions {
        root: t.root().to_path_buf(),
        inputs: vec![corpus.join("csaf")],
        ..Default::default()
    });
    for r in &report.refused {
        assert!(!r.reason.is_empty(), "{}", r.path.display());
        eprintln!("refused {}: {}", r.path.display(), r.reason);
    }
    let built = match psirt_site::generate(&t.options()) {
        Ok(b) => b,
        Err(f) => panic!(
            "{}",
            psirt_site::diag::render(&f.diagnostics, &f.sources, psirt_site::diag::Format::Human)
        ),
    };
    let (mut kept_all, mut total_all, mut added_all) = (0usize, 0usize, 0usize);
    let mut below_target = Vec::new();
    let mut shares = Vec::new();
    for i in &report.imported {
        let original: Value =
            serde_json::from_str(&fs::read_to_string(&i.source).expect("read")).expect("JSON");
        let year = original["document"]["tracking"]["initial_release_date"]
            .as_str()
            .unwrap_or("")
            .get(..4)
            .unwrap_or("");
        let path = format!(".well-known/csaf/white/{year}/{}", file_name(&i.id));
        let Some(file) = built.files.iter().find(|f| f.path == path) else {
            eprintln!("held back (not TLP:CLEAR or a draft): {}", i.id);
            continue;
        };
        let mut rebuilt: Value = serde_json::from_slice(&file.bytes).expect("JSON");
        without_own_additions(&original, &mut rebuilt, &i.id);
        let (want, have) = (comparable_leaves(&original), comparable_leaves(&rebuilt));
        let kept = want.iter().filter(|(p, v)| have.get(*p) == Some(v)).count();
        // What the rebuilt document says that the original does not (a product id more in
        // a list, a field psirt-site computes): not a loss, but a claim to look at.
        let added: Vec<&String> = have.keys().filter(|p| !want.contains_key(*p)).collect();
        print_losses_if_asked(&want, &have, &i.source);
        if std::env::var_os("ROUND_TRIP_LOSSES").is_some() {
            for p in &added {
                eprintln!("added {}#{p}: {}", i.source.display(), have[*p]);
            }
        }
        eprintln!(
            "{:5.1} % kept of {:5} values, {:4} added: {}",
            100.0 * kept as f64 / want.len().max(1) as f64,
            want.len(),
            added.len(),
            i.source.display()
        );
        let document_share = kept as f64 / want.len().max(1) as f64;
        shares.push(document_share);
        if document_share < DOCUMENT_FLOOR {
            below_target.push(format!("{:.1} % {}", 100.0 * document_share, i.source.display()));
        }
        kept_all += kept;
        total_all += want.len();
        added_all += added.len();
    }
    print_per_document_figures(&mut shares);
    let share = kept_all as f64 / total_all.max(1) as f64;
    eprintln!(
        "round trip: {} imported, {} refused; {:.1} % of {total_all} values kept overall, {added_all} added",
        report.imported.len(),
        report.refused.len(),
        100.0 * share
    );
    assert!(report.imported.len() >= 195, "most of the corpus imports");
    assert!(share >= ROUND_TRIP_FLOOR, "kept {:.1} %", 100.0 * share);
    assert!(
        below_target.is_empty(),
        "documents below {:.0} % (ROUND_TRIP_LOSSES=1 prints what each loses):\n{}",
        100.0 * DOCUMENT_FLOOR,
        below_target.join("\n")
    );
}

/// The per-document shares: minimum, percentiles, and how many meet the target.
fn print_per_document_figures(shares: &mut [f64]) {
    shares.sort_by(f64::total_cmp);
    let at = |q: f64| {
        shares
            .get(((shares.len() as f64 - 1.0) * q).round() as usize)
            .map_or(0.0, |s| 100.0 * s)
    };
    let meeting = shares.iter().filter(|s| **s >= DOCUMENT_FLOOR).count();
    eprintln!(
        "per document: minimum {:.1} %, 10th percentile {:.1} %, 25th percentile {:.1} %, median {:.1} %; {meeting} of {} ≥ {:.0} %",
        at(0.0),
        at(0.1),
        at(0.25),
        at(0.5),
        shares.len(),
        100.0 * DOCUMENT_FLOOR
    );
}

/// With `ROUND_TRIP_LOSSES=1` in the environment, prints every original value the rebuilt
/// document does not carry at the same pointer (and what it has there instead): the list to
/// work from when raising the round-trip share.
fn print_losses_if_asked(want: &BTreeMap<String, Value>, have: &BTreeMap<String, Value>, source: &Path) {
    if std::env::var_os("ROUND_TRIP_LOSSES").is_none() {
        return;
    }
    for (pointer, value) in want {
        if have.get(pointer) != Some(value) {
            let instead = have.get(pointer).map_or("-".to_string(), Value::to_string);
            eprintln!(
                "lost {}#{pointer}: {value} (rebuilt: {instead})",
                source.display()
            );
        }
    }
}

/// #16's target for the whole corpus (99.7 % measured when it was reached).
const ROUND_TRIP_FLOOR: f64 = 0.99;

/// #16's target for every single document.
const DOCUMENT_FLOOR: f64 = 0.95;

/// psirt-site's own provider tree imports into a new site: read through `index.txt`, hashes
/// checked, a dry run writes nothing, an existing advisory is kept without `--force`, and
/// a document changed after hashing is refused.
#[test]
fn a_provider_tree_imports_with_its_hashes_checked() {
    let source = common::SiteTest::minimal();
    source.build().expect("builds");
    let target = common::SiteTest::empty();
    let mut opts = psirt_site::import::ImportOptions {
        root: target.root().to_path_buf(),
        inputs: vec![source.out()],
        dry_run: true,
        force: false,
    };
    let dry = psirt_site::import::run(&opts);
    assert_eq!(dry.imported.len(), 1, "{:?}", dry.refused);
    let advisory = target.root().join("content/advisories/2026/EX-2026-0001.md");
    assert!(!advisory.exists(), "a dry run writes nothing");

    opts.dry_run = false;
    let report = psirt_site::import::run(&opts);
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    let text = fs::read_to_string(&advisory).expect("written");
    assert!(text.contains("cve = \"CVE-2026-40001\""), "{text}");
    target.build().expect("the imported advisory builds");

    let again = psirt_site::import::run(&opts);
    assert!(again.refused[0].reason.contains("--force"), "{:?}", again.refused);
    opts.force = true;
    assert!(psirt_site::import::run(&opts).refused.is_empty());

    let doc = source.out().join(".well-known/csaf/white/2026/ex-2026-0001.json");
    let changed = fs::read_to_string(&doc)
        .expect("read")
        .replace("XSS in Widget", "Changed");
    fs::write(&doc, changed).expect("write");
    let tampered = psirt_site::import::run(&opts);
    assert!(
        tampered.refused[0].reason.contains("sha256 hash does not match"),
        "{:?}",
        tampered.refused
    );
}

// --- Real documents, written by hand as psirt-site advisories (harness in corpus/facets.rs)

#[test]
fn a_cisa_ics_advisory_written_by_hand_carries_the_original() {
    assert_carries_the_original(
        "cisa-icsa-19-073-01",
        "cisa/csaf_files/OT/white/2019/icsa-19-073-01.json",
    );
}

#[test]
fn an_oasis_vex_with_flags_written_by_hand_carries_the_original() {
    assert_carries_the_original(
        "oasis-sec-vex-2022-0001",
        "oasis/csaf_2.0/examples/csaf/csaf_vex/sec-vex-2022-0001.json",
    );
}

#[test]
fn an_oasis_vex_use_case_written_by_hand_carries_the_original() {
    assert_carries_the_original(
        "oasis-2022-evd-uc-01-na-001",
        "oasis/csaf_2.0/examples/csaf/csaf_vex/2022-evd-uc-01-na-001.json",
    );
}

/// No document of the shared corpus has `product_groups`, so the original is hand-made
/// (`tests/fixtures/real/spec-product-groups/original.json`) around the product group
/// example of the CSAF 2.0 specification: groups named by remediations and a threat, and
/// a score for one group's products only.
#[test]
fn product_groups_of_the_specification_example_written_by_hand_carry_the_original() {
    assert_carries_the_original("spec-product-groups", "fixture:original.json");
}

/// Red Hat's tree: the platform is a leaf at its product name (`tree = "product"`), the
/// package a version leaf under the vendor (`tree = "packages"`), joined by a relationship.
#[test]
fn a_red_hat_vex_written_by_hand_carries_the_original() {
    assert_carries_the_original("redhat-cve-2024-34502", "redhat/CVE-2024-34502.json");
}

/// A date-time string as its instant (RFC 3339, UTC, no fraction digits that are zero).
fn instant(v: &Value) -> Value {
    let Some(s) = v.as_str() else { return v.clone() };
    let looks_like_date =
        s.len() >= 20 && s.as_bytes().get(10) == Some(&b'T') && s[..4].bytes().all(|b| b.is_ascii_digit());
    match s.parse::<jiff::Timestamp>() {
        Ok(t) if looks_like_date => Value::String(t.to_string()),
        _ => v.clone(),
    }
}

/// Removes from a rebuilt document what psirt-site adds of its own where the original had
/// nothing, so that it does not shift the positions of the original's values: the two
/// `self` references to the document and page it publishes, the summary note it writes
/// when the original has none (the title), and the description note it writes for a
/// vulnerability that has none (the title). Nothing of the original is removed.
fn without_own_additions(original: &Value, rebuilt: &mut Value, id: &str) {
    if let Some(refs) = rebuilt
        .pointer_mut("/document/references")
        .and_then(Value::as_array_mut)
    {
        let own = [
            format!("Canonical CSAF document of {id}"),
            format!("Human-readable advisory {id}"),
        ];
        refs.retain(|r| !(r["category"] == "self" && own.iter().any(|o| r["summary"] == o.as_str())));
    }
    let has = |notes: &Value, category: &str| {
        notes
            .as_array()
            .is_some_and(|n| n.iter().any(|x| x["category"] == category))
    };
    let title = rebuilt["document"]["title"].clone();
    if !has(&original["document"]["notes"], "summary")
        && let Some(notes) = rebuilt
            .pointer_mut("/document/notes")
            .and_then(Value::as_array_mut)
        && notes
            .first()
            .is_some_and(|n| n["category"] == "summary" && n["text"] == title)
    {
        notes.remove(0);
    }
    let Some(vulns) = rebuilt.get_mut("vulnerabilities").and_then(Value::as_array_mut) else {
        return;
    };
    for (i, v) in vulns.iter_mut().enumerate() {
        let title = v["title"].clone();
        let original_notes = original.pointer(&format!("/vulnerabilities/{i}/notes"));
        if original_notes.is_some_and(|n| has(n, "description")) {
            continue;
        }
        if let Some(notes) = v.get_mut("notes").and_then(Value::as_array_mut)
            && notes
                .first()
                .is_some_and(|n| n["category"] == "description" && n["text"] == title)
        {
            notes.remove(0);
        }
    }
}

/// Import never takes in a document that fails a mandatory CSAF test: every document of
/// the OASIS and csaf-validator-lib suites labelled as failing one is refused, naming the
/// test; documents that fail only a recommended or informative test are not refused for it.
#[test]
fn labelled_invalid_documents_are_refused_by_import() {
    let Some(corpus) = common::corpus() else { return };
    let t = common::SiteTest::empty();
    let run = |group: &str, fails: bool| {
        let inputs: Vec<_> = labels(&corpus)
            .iter()
            .filter(|l| l["group"] == group && l["fails_test"] == fails)
            .map(|l| {
                corpus
                    .join("invalid-csaf")
                    .join(l["file"].as_str().expect("file"))
            })
            .filter(|p| p.exists())
            .collect();
        let n = inputs.len();
        let report = psirt_site::import::run(&psirt_site::import::ImportOptions {
            root: t.root().to_path_buf(),
            inputs,
            dry_run: true,
            force: false,
        });
        (n, report)
    };
    let (n, mandatory) = run("mandatory", true);
    assert!(n > 50, "only {n} labelled documents found");
    let taken: Vec<_> = mandatory
        .imported
        .iter()
        .map(|i| i.source.display().to_string())
        .collect();
    assert!(
        taken.is_empty(),
        "imported despite failing a mandatory test: {taken:?}"
    );
    assert!(mandatory.refused.iter().all(|r| !r.reason.is_empty()));
    // The labels call the recommended tests (6.2) `optional`.
    let (n, recommended) = run("optional", true);
    assert!(n > 20, "only {n} documents failing a recommended test found");
    let refused_for_it = recommended
        .refused
        .iter()
        .filter(|r| r.reason.contains("test 6.2."))
        .map(|r| format!("{}: {}", r.path.display(), r.reason))
        .collect::<Vec<_>>();
    assert!(
        refused_for_it.is_empty(),
        "refused for a recommendation: {refused_for_it:?}"
    );
    eprintln!(
        "{n} documents failing a recommended test: {} imported, {} refused for other reasons",
        recommended.imported.len(),
        recommended.refused.len()
    );
}

/// A Red Hat advisory with relationships: one source package, fixed on three RHEL 9
/// repositories (no entry calls it vulnerable), with remediations, score and threat tied to
/// the fixed packages, as Red Hat writes them.
#[test]
fn a_red_hat_advisory_with_relationships_written_by_hand_carries_the_original() {
    assert_carries_the_original("redhat-rhsa-2024-6163", "redhat/rhsa-2024_6163.json");
}
