//! The comparison of a hand-written advisory's CSAF document with the real one it restates.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use serde_json::{Value, json};

use super::common;

// --- Real documents, written by hand as psirt-site advisories -------------------------------
//
// Each fixture under `tests/fixtures/real/<name>/` is a small site whose one advisory says what
// a real CSAF document from `../shared/corpus/csaf/` says. The generated CSAF must carry the
// same product tree, relationships, product status, flags, threats, notes, references,
// remediations and scores. Product ids may differ (psirt-site may name them its own way), so
// every product id is replaced by the product's full name before comparing.

/// Every product id of a document with the name it stands for: full product names in the
/// tree and in relationships, and group ids (`group:<summary>`), whose members are named
/// separately in the "product groups" facts.
fn product_names(doc: &Value) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    let mut add = |p: &Value| {
        if let (Some(id), Some(name)) = (p["product_id"].as_str(), p["name"].as_str()) {
            names.insert(id.to_string(), name.to_string());
        }
    };
    let tree = &doc["product_tree"];
    let mut stack: Vec<&Value> = tree["branches"].as_array().into_iter().flatten().collect();
    while let Some(b) = stack.pop() {
        add(&b["product"]);
        stack.extend(b["branches"].as_array().into_iter().flatten());
    }
    for p in tree["full_product_names"].as_array().into_iter().flatten() {
        add(p);
    }
    for r in tree["relationships"].as_array().into_iter().flatten() {
        add(&r["full_product_name"]);
    }
    names
}

/// The members of each product group, by group id.
fn group_members(doc: &Value) -> BTreeMap<String, Vec<Value>> {
    let groups = doc["product_tree"]["product_groups"]
        .as_array()
        .into_iter()
        .flatten();
    groups
        .filter_map(|g| {
            let members = g["product_ids"].as_array()?.clone();
            Some((g["group_id"].as_str()?.to_string(), members))
        })
        .collect()
}

/// A version range as the comparison it states: psirt-site writes comparison lists in the
/// `vers` notation CSAF recommends (test 6.2.18), `<=1.14.0` as `vers:generic/<=1.14.0`;
/// both say the same, so both compare as `<=1.14.0`.
fn range(name: &str) -> String {
    let bare = match name.strip_prefix("vers:").and_then(|r| r.split_once('/')) {
        Some((_, constraints)) => constraints.replace('|', ","),
        None => name.to_string(),
    };
    bare.split_whitespace().collect()
}

/// Whitespace collapsed, so a note's text compares equal however its lines were wrapped.
fn text(v: &Value) -> String {
    v.as_str()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Names products and groups of one document the same way in every fact.
struct Namer {
    /// Product id → full product name.
    names: BTreeMap<String, String>,
    /// Group id → member ids.
    members: BTreeMap<String, Vec<Value>>,
    /// Group id → summary.
    summaries: BTreeMap<String, String>,
}

impl Namer {
    fn new(doc: &Value) -> Self {
        let groups = doc["product_tree"]["product_groups"]
            .as_array()
            .into_iter()
            .flatten();
        let summaries = groups
            .map(|g| {
                (
                    g["group_id"].as_str().unwrap_or_default().to_string(),
                    text(&g["summary"]),
                )
            })
            .collect();
        Namer {
            names: product_names(doc),
            members: group_members(doc),
            summaries,
        }
    }

    fn name(&self, id: &Value) -> String {
        let id = id.as_str().unwrap_or_default();
        self.names.get(id).cloned().unwrap_or_else(|| format!("?{id}"))
    }

    /// The products a statement is about, named directly or through groups alike: a
    /// statement about a group is one about each of its products (which groups were used
    /// is a fact of its own, [`Namer::groups`]).
    fn products(&self, x: &Value) -> String {
        let ids = x["product_ids"]
            .as_array()
            .or(x["products"].as_array())
            .into_iter()
            .flatten();
        let via = x["group_ids"].as_array().into_iter().flatten();
        let members = via
            .filter_map(|g| self.members.get(g.as_str().unwrap_or_default()))
            .flatten();
        let mut n: Vec<String> = ids.chain(members).map(|id| self.name(id)).collect();
        n.sort();
        n.dedup();
        n.join(", ")
    }

    /// The groups a statement names, by summary (group ids may differ).
    fn groups(&self, x: &Value) -> String {
        let via = x["group_ids"].as_array().into_iter().flatten();
        let mut s: Vec<String> = via
            .map(|g| {
                self.summaries
                    .get(g.as_str().unwrap_or_default())
                    .cloned()
                    .unwrap_or_default()
            })
            .collect();
        s.sort();
        s.join(", ")
    }
}

type Facts = BTreeMap<&'static str, BTreeSet<String>>;

fn put(f: &mut Facts, kind: &'static str, line: String) {
    f.entry(kind).or_default().insert(line);
}

/// One line per fact of the document, grouped by kind, with product ids replaced by names.
fn facets(doc: &Value) -> Facts {
    let n = Namer::new(doc);
    let mut f = Facts::new();
    let tree = &doc["product_tree"];
    tree_facets(tree, "", &mut |line| put(&mut f, "product tree", line));
    for g in tree["product_groups"].as_array().into_iter().flatten() {
        let members = json!({ "product_ids": g["product_ids"] });
        put(
            &mut f,
            "product groups",
            format!("{} | {}", text(&g["summary"]), n.products(&members)),
        );
    }
    for r in tree["relationships"].as_array().into_iter().flatten() {
        let (from, to) = (
            n.name(&r["product_reference"]),
            n.name(&r["relates_to_product_reference"]),
        );
        let line = format!(
            "{} | {from} | {to} | {}",
            r["category"],
            text(&r["full_product_name"]["name"])
        );
        put(&mut f, "relationships", line);
    }
    notes_and_references(&mut f, "document", &doc["document"]);
    for v in doc["vulnerabilities"].as_array().into_iter().flatten() {
        vulnerability_facets(&mut f, &n, v);
    }
    f
}

fn notes_and_references(f: &mut Facts, key: &str, x: &Value) {
    for n in x["notes"].as_array().into_iter().flatten() {
        let line = format!(
            "{key} | {} | {} | {}",
            n["category"],
            text(&n["title"]),
            text(&n["text"])
        );
        put(f, "notes", line);
    }
    for r in x["references"].as_array().into_iter().flatten() {
        put(
            f,
            "references",
            format!(
                "{key} | {} | {} | {}",
                r["category"],
                r["url"],
                text(&r["summary"])
            ),
        );
    }
}

fn vulnerability_facets(f: &mut Facts, n: &Namer, v: &Value) {
    let key = v["cve"]
        .as_str()
        .map_or_else(|| text(&v["title"]), str::to_string);
    for (category, ids) in v["product_status"].as_object().into_iter().flatten() {
        for id in ids.as_array().into_iter().flatten() {
            put(
                f,
                "product status",
                format!("{key} | {category} | {}", n.name(id)),
            );
        }
    }
    for fl in v["flags"].as_array().into_iter().flatten() {
        let line = format!(
            "{key} | {} | {} | groups: {}",
            fl["label"],
            n.products(fl),
            n.groups(fl)
        );
        put(f, "flags", line);
    }
    for t in v["threats"].as_array().into_iter().flatten() {
        let (category, details) = (&t["category"], text(&t["details"]));
        let line = format!(
            "{key} | {category} | {details} | {} | groups: {}",
            n.products(t),
            n.groups(t)
        );
        put(f, "threats", line);
    }
    notes_and_references(f, &key, v);
    for r in v["remediations"].as_array().into_iter().flatten() {
        let (category, details, url) = (&r["category"], text(&r["details"]), &r["url"]);
        let line = format!(
            "{key} | {category} | {details} | {url} | {} | groups: {}",
            n.products(r),
            n.groups(r)
        );
        put(f, "remediations", line);
    }
    for s in v["scores"].as_array().into_iter().flatten() {
        for cvss in ["cvss_v2", "cvss_v3"] {
            if let Some(vector) = s[cvss]["vectorString"].as_str() {
                put(f, "scores", format!("{key} | {vector} | {}", n.products(s)));
            }
        }
    }
}

/// One line per product leaf: the branch path (category and name of each level) and the
/// leaf product's name and identification helpers.
fn tree_facets(node: &Value, path: &str, put: &mut dyn FnMut(String)) {
    for b in node["branches"].as_array().into_iter().flatten() {
        let category = b["category"].as_str().unwrap_or_default();
        let branch = if category == "product_version_range" {
            range(b["name"].as_str().unwrap_or_default())
        } else {
            text(&b["name"])
        };
        let here = format!("{path}/{category}={branch}");
        if b["product"].is_object() {
            let helper =
                serde_json::to_string(&b["product"]["product_identification_helper"]).unwrap_or_default();
            put(format!("{here} → {} {helper}", text(&b["product"]["name"])));
        }
        tree_facets(b, &here, put);
    }
    for p in node["full_product_names"].as_array().into_iter().flatten() {
        let helper = serde_json::to_string(&p["product_identification_helper"]).unwrap_or_default();
        put(format!("(full product name) → {} {helper}", text(&p["name"])));
    }
}

/// Kinds of facts the generated document must state exactly as the original, nothing more:
/// which products exist, how they relate, what is true of each and why it is not affected
/// are what a consumer matches its assets against, so an extra product, relationship,
/// status or flag would be a claim the original does not make. Notes, references, threats,
/// remediations and scores may have more: psirt-site adds its summary note, its `self`
/// references and the description note of each vulnerability, which claim nothing about
/// any product.
const EXACT: &[&str] = &[
    "product tree",
    "product groups",
    "relationships",
    "product status",
    "flags",
];

/// Builds the fixture site `tests/fixtures/real/<fixture>` and compares its one CSAF document
/// with `original`, a path below `../shared/corpus/csaf/` or (for a hand-made original,
/// where the corpus has no document of the kind) below the fixture: every fact of the
/// original must be in the generated document, and for the [`EXACT`] kinds no other.
pub(crate) fn assert_carries_the_original(fixture: &str, original: &str) {
    let Some(corpus) = common::corpus() else { return };
    let site = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(fixture);
    let original_path = match original.strip_prefix("fixture:") {
        Some(rel) => site.join(rel),
        None => corpus.join("csaf").join(original),
    };
    let original: Value =
        serde_json::from_str(&fs::read_to_string(&original_path).expect("original")).expect("JSON");
    let opts = psirt_site::BuildOptions {
        root: site,
        now: Some(common::now()),
        ..psirt_site::BuildOptions::default()
    };
    let built = match psirt_site::generate(&opts) {
        Ok(b) => b,
        Err(f) => panic!(
            "{fixture}: {}",
            psirt_site::diag::render(&f.diagnostics, &f.sources, psirt_site::diag::Format::Human)
        ),
    };
    let doc = built
        .files
        .iter()
        .find(|f| f.path.starts_with(".well-known/csaf/white/") && f.path.ends_with(".json"))
        .unwrap_or_else(|| panic!("{fixture}: no CSAF document"));
    let generated: Value = serde_json::from_slice(&doc.bytes).expect("JSON");
    let (want, have) = (facets(&original), facets(&generated));
    let empty = BTreeSet::new();
    let mut wrong = Vec::new();
    for kind in want.keys().chain(have.keys()).collect::<BTreeSet<_>>() {
        let (w, h) = (want.get(kind).unwrap_or(&empty), have.get(kind).unwrap_or(&empty));
        wrong.extend(w.difference(h).map(|l| format!("lacks {kind}: {l}")));
        if EXACT.contains(kind) {
            wrong.extend(h.difference(w).map(|l| format!("adds {kind}: {l}")));
        }
    }
    assert!(
        wrong.is_empty(),
        "{fixture}: the generated document\n{}",
        wrong.join("\n")
    );
    assert!(
        !want.get("product status").unwrap_or(&empty).is_empty(),
        "{fixture}: nothing compared"
    );
}
