//! CSAF `vulnerabilities[]` → `[[vulnerabilities]]`: ids, CWE, notes, references, dates,
//! the first score's CVSS vectors, remediations and threats. Product ids are mapped through
//! the [`ProductMap`]; VEX flags and impact statements are read with the statuses
//! (`affected.rs`).

use std::collections::HashSet;

use serde::Serialize;
use serde_json::Value;
use toml::value::Datetime;

use super::front::{Acknowledgment, Reference, VulnId};
use super::mapping::{Note, acknowledgments, date, note, references};
use super::reader::Reader;
use super::scope::ProductMap;

#[derive(Serialize)]
pub(super) struct Vulnerability {
    #[serde(skip_serializing_if = "Option::is_none")]
    cve: Option<String>,
    title: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ids: Vec<VulnId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cwe: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cvss_v2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cvss_v3: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cvss_v3_all_scores: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cvss_products: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cvss_product_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    discovery_date: Option<Datetime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    release_date: Option<Datetime>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<Note>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    remediations: Vec<Remediation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    threats: Vec<Threat>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    acknowledgments: Vec<Acknowledgment>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    scores: Vec<OtherScore>,
}

/// A further score (`[[vulnerabilities.scores]]`).
#[derive(Serialize)]
struct OtherScore {
    #[serde(skip_serializing_if = "Option::is_none")]
    cvss_v2: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cvss_v3: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cvss_v3_all_scores: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    products: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    product_ids: Option<Vec<String>>,
}

#[derive(Serialize)]
struct Remediation {
    category: String,
    details: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<Datetime>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    entitlements: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    products: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    product_ids: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    groups: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    restart_required: Option<Restart>,
}

#[derive(Serialize)]
struct Restart {
    category: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<String>,
}

#[derive(Serialize)]
struct Threat {
    category: String,
    details: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<Datetime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    products: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    groups: Vec<String>,
}

/// How each vulnerability is named in entries' `vulnerabilities`: its CVE, else its title
/// (as [`vulnerability`] gives it).
pub(super) fn names(r: &Reader<'_>) -> Vec<String> {
    (0..r.len("/vulnerabilities"))
        .map(|i| {
            let at = format!("/vulnerabilities/{i}");
            let get = |k: &str| r.peek(&format!("{at}/{k}")).and_then(Value::as_str);
            get("cve")
                .or_else(|| get("title"))
                .map_or_else(|| format!("Vulnerability {}", i + 1), str::to_string)
        })
        .collect()
}

/// The vulnerabilities; `groups` are the ids of the product groups import writes, which
/// remediations and threats may name.
pub(super) fn vulnerabilities(
    r: &mut Reader<'_>,
    products: &ProductMap,
    names: &[String],
    groups: &[String],
) -> Vec<Vulnerability> {
    (0..r.len("/vulnerabilities"))
        .map(|i| vulnerability(r, i, products, names, groups))
        .collect()
}

fn vulnerability(
    r: &mut Reader<'_>,
    v: usize,
    products: &ProductMap,
    names: &[String],
    groups: &[String],
) -> Vulnerability {
    let at = format!("/vulnerabilities/{v}");
    let cve = r.str(&format!("{at}/cve")).map(str::to_string);
    let title = r
        .str(&format!("{at}/title"))
        .map_or_else(|| names[v].clone(), str::to_string);
    let (cvss_v2, (cvss_v3, cvss_v3_all_scores), scored) = scores(r, v, products);
    let (cvss_products, cvss_product_ids) = scored_products(scored, products, v);
    Vulnerability {
        cve,
        title,
        ids: ids(r, &at),
        cwe: cwe(r, &at),
        cvss_v2,
        cvss_v3,
        cvss_v3_all_scores,
        cvss_products,
        cvss_product_ids,
        discovery_date: date(r, &format!("{at}/discovery_date")),
        release_date: date(r, &format!("{at}/release_date")),
        notes: (0..r.len(&format!("{at}/notes")))
            .filter_map(|i| note(r, &format!("{at}/notes/{i}")))
            .collect(),
        references: references(r, &format!("{at}/references")),
        remediations: remediations(r, v, products, groups),
        threats: threats(r, v, products, groups),
        acknowledgments: acknowledgments(r, &format!("{at}/acknowledgments")),
        scores: other_scores(r, v, products),
    }
}

fn ids(r: &mut Reader<'_>, at: &str) -> Vec<VulnId> {
    let mut out: Vec<VulnId> = Vec::new();
    for i in 0..r.len(&format!("{at}/ids")) {
        let p = format!("{at}/ids/{i}");
        let (Some(system_name), Some(text)) = (
            r.peek(&format!("{p}/system_name")).and_then(Value::as_str),
            r.peek(&format!("{p}/text")).and_then(Value::as_str),
        ) else {
            continue;
        };
        if out.iter().any(|x| x.system_name == system_name && x.text == text) {
            continue;
        }
        r.str(&format!("{p}/system_name"));
        r.str(&format!("{p}/text"));
        out.push(VulnId {
            system_name: system_name.to_string(),
            text: text.to_string(),
        });
    }
    out
}

/// A CWE that CWE 4.17 has as a weakness; its name is looked up there, so a name that
/// differs is reported. Another id (a category, a removed entry) would be refused.
fn cwe(r: &mut Reader<'_>, at: &str) -> Option<String> {
    let id = r.peek(&format!("{at}/cwe/id")).and_then(Value::as_str)?;
    let (cwe, _) = crate::model::cwe::Cwe::lookup(id).ok()?;
    r.str(&format!("{at}/cwe/id"));
    if r.peek(&format!("{at}/cwe/name")).and_then(Value::as_str) == Some(cwe.name.as_str()) {
        r.str(&format!("{at}/cwe/name"));
    }
    Some(id.to_string())
}

/// The first score's vectors and the products it is for (psirt-site writes one score per
/// vulnerability); every other field of the CVSS objects follows from the vector, and is
/// kept when psirt-site computes the same.
fn scores(
    r: &mut Reader<'_>,
    v: usize,
    products: &ProductMap,
) -> (Option<String>, CvssV3Read, Option<ProductList>) {
    let at = format!("/vulnerabilities/{v}/scores/0");
    let v2 = vector(r, &format!("{at}/cvss_v2"), |s| {
        crate::model::cvss_more::CvssV2::parse(s).map(|c| Value::Object(c.json))
    });
    let v3 = cvss_v3(r, &format!("{at}/cvss_v3"));
    let scored =
        (v2.is_some() || v3.0.is_some()).then(|| product_list(r, products, &format!("{at}/products"), v));
    (v2, v3, scored)
}

/// How a score names its products: not at all for the vulnerability's products, else by
/// catalog products or by explicit ids.
fn scored_products(
    scored: Option<ProductList>,
    products: &ProductMap,
    v: usize,
) -> (Option<Vec<String>>, Option<Vec<String>>) {
    match scored {
        Some(ProductList::Ids(ids)) => (None, Some(ids)),
        Some(ProductList::Products(named)) if !named.is_empty() && !is_default(&named, products, v) => {
            (Some(named), None)
        }
        _ => (None, None),
    }
}

/// The scores after the first, each with its vectors and products; one whose products
/// cannot be named is reported.
fn other_scores(r: &mut Reader<'_>, v: usize, products: &ProductMap) -> Vec<OtherScore> {
    let list = format!("/vulnerabilities/{v}/scores");
    let mut out = Vec::new();
    for i in 1..r.len(&list) {
        let at = format!("{list}/{i}");
        let cvss_v2 = vector(r, &format!("{at}/cvss_v2"), |s| {
            crate::model::cvss_more::CvssV2::parse(s).map(|c| Value::Object(c.json))
        });
        let (cvss_v3, cvss_v3_all_scores) = cvss_v3(r, &format!("{at}/cvss_v3"));
        if cvss_v2.is_none() && cvss_v3.is_none() {
            continue;
        }
        let listed = product_list(r, products, &format!("{at}/products"), v);
        if matches!(&listed, ProductList::Products(named) if named.is_empty()) {
            r.take_back(&at);
            r.explain(&at, "a score for products psirt-site cannot name");
            continue;
        }
        let (products, product_ids) = scored_products(Some(listed), products, v);
        out.push(OtherScore {
            cvss_v2,
            cvss_v3,
            cvss_v3_all_scores,
            products,
            product_ids,
        });
    }
    out
}

/// Whether the catalog products are those a score is for without `cvss_products`: the
/// vulnerability's (maybe) vulnerable products.
fn is_default(named: &[String], products: &ProductMap, v: usize) -> bool {
    let default = products.vulnerable(v);
    named.len() == default.len() && named.iter().all(|p| default.contains(p))
}

/// How a list of CSAF product ids (`scores[].products`, a remediation's `product_ids`) is
/// written back.
enum ProductList {
    /// Catalog products, when psirt-site derives exactly the original list from them.
    Products(Vec<String>),
    /// The original ids as they are, those the rebuilt product tree defines
    /// (`cvss_product_ids`, `product_ids`): another order, or some leaves of a product only.
    Ids(Vec<String>),
}

/// The list at `pointer` as catalog products where they give it exactly, else as the
/// explicit ids; an id the rebuilt tree does not define is left out (reported), and the
/// ids after it are kept but counted as moved.
fn product_list(r: &mut Reader<'_>, products: &ProductMap, pointer: &str, v: usize) -> ProductList {
    let named = products.products(r, pointer, v);
    let len = r.len(pointer);
    if (0..len).all(|i| r.is_used(&format!("{pointer}/{i}"))) {
        return ProductList::Products(named);
    }
    let defined: HashSet<&str> = products.affected.iter().map(|e| e.status_id.as_str()).collect();
    let mut ids: Vec<String> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for i in 0..len {
        let at = format!("{pointer}/{i}");
        r.unuse(&at);
        let Some(id) = r.peek(&at).and_then(Value::as_str) else {
            continue;
        };
        if defined.contains(id) && seen.insert(id) {
            if ids.len() == i {
                r.str(&at);
            }
            ids.push(id.to_string());
        }
    }
    if ids.is_empty() {
        ProductList::Products(named)
    } else {
        ProductList::Ids(ids)
    }
}

/// The vector at `at/vectorString` when psirt-site reads it; the object's fields computed
/// alike (`json`, when the parser gives the object) are kept.
fn vector(r: &mut Reader<'_>, at: &str, parse: impl Fn(&str) -> Result<Value, String>) -> Option<String> {
    let s = r.peek(&format!("{at}/vectorString")).and_then(Value::as_str)?;
    let computed = parse(s).ok()?;
    let original = r.peek(at).and_then(Value::as_object)?;
    for (k, value) in original {
        // `9` and `9.0` are one JSON number.
        let same = computed
            .get(k)
            .is_some_and(|c| c == value || (c.is_number() && c.as_f64() == value.as_f64()));
        if same {
            r.take_all(&format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")));
        }
    }
    Some(s.to_string())
}

/// A `cvss_v3` vector and its `cvss_v3_all_scores`.
type CvssV3Read = (Option<String>, Option<bool>);

/// A `cvss_v3` object's vector, and `Some(true)` where the original writes the temporal and
/// environmental scores psirt-site writes only with `cvss_v3_all_scores` (fields that
/// follow from the vector where it has no such metrics).
fn cvss_v3(r: &mut Reader<'_>, at: &str) -> CvssV3Read {
    use crate::model::cvss::CvssV3;
    let plain = |s: &str| CvssV3::parse(s).map(|c| c.json());
    let all = |s: &str| {
        CvssV3::parse(s)
            .and_then(CvssV3::with_all_scores)
            .map(|c| c.json())
    };
    let matching = |json: Result<Value, String>| {
        let (Ok(json), Some(original)) = (json, r.peek(at).and_then(Value::as_object)) else {
            return 0;
        };
        original
            .iter()
            .filter(|(k, v)| {
                json.get(*k)
                    .is_some_and(|c| c == *v || c.as_f64().is_some_and(|f| Some(f) == v.as_f64()))
            })
            .count()
    };
    let vector = r
        .peek(&format!("{at}/vectorString"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if matching(all(vector)) > matching(plain(vector)) {
        (self::vector(r, at, all), Some(true))
    } else {
        (self::vector(r, at, plain), None)
    }
}

fn remediations(r: &mut Reader<'_>, v: usize, products: &ProductMap, groups: &[String]) -> Vec<Remediation> {
    let list = format!("/vulnerabilities/{v}/remediations");
    let mut out = Vec::new();
    for i in 0..r.len(&list) {
        let at = format!("{list}/{i}");
        let (Some(category), Some(details)) = (
            r.peek(&format!("{at}/category")).and_then(Value::as_str),
            r.peek(&format!("{at}/details")).and_then(Value::as_str),
        ) else {
            continue;
        };
        let (named, product_ids) = match product_list(r, products, &format!("{at}/product_ids"), v) {
            ProductList::Products(named) => (named, Vec::new()),
            ProductList::Ids(ids) => (Vec::new(), ids),
        };
        let groups = group_ids(r, &format!("{at}/group_ids"), groups);
        if (named.is_empty() && product_ids.is_empty() && groups.is_empty()) || details.trim().is_empty() {
            r.explain(
                &at,
                "a remediation names products, and psirt-site names only products the vulnerability concerns",
            );
            continue;
        }
        r.str(&format!("{at}/category"));
        r.str(&format!("{at}/details"));
        out.push(Remediation {
            category: category.to_string(),
            details: details.to_string(),
            url: remediation_url(r, &format!("{at}/url")),
            date: date(r, &format!("{at}/date")),
            entitlements: unique(r, &format!("{at}/entitlements")),
            products: named,
            product_ids,
            groups,
            restart_required: r
                .str(&format!("{at}/restart_required/category"))
                .map(|c| Restart {
                    category: c.to_string(),
                    details: r
                        .str(&format!("{at}/restart_required/details"))
                        .map(str::to_string),
                }),
        });
    }
    out
}

/// The remediation's URL when psirt-site accepts it: http(s), or a `mailto:` address.
fn remediation_url(r: &mut Reader<'_>, at: &str) -> Option<String> {
    let u = r.peek(at).and_then(Value::as_str)?;
    crate::url::check_url(u, &["https", "http", "mailto"]).ok()?;
    r.str(at).map(str::to_string)
}

/// The `group_ids` at `at` that name a group import writes, each once.
fn group_ids(r: &mut Reader<'_>, at: &str, written: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in 0..r.len(at) {
        let p = format!("{at}/{i}");
        let Some(id) = r.peek(&p).and_then(Value::as_str) else {
            continue;
        };
        if written.iter().any(|w| w == id) && !out.iter().any(|x| x == id) {
            if out.len() == i {
                r.str(&p);
            }
            out.push(id.to_string());
        }
    }
    out
}

fn unique(r: &mut Reader<'_>, at: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in 0..r.len(at) {
        let p = format!("{at}/{i}");
        let Some(s) = r.peek(&p).and_then(Value::as_str) else {
            continue;
        };
        if s.trim().is_empty() || out.iter().any(|x| x == s) {
            continue;
        }
        r.str(&p);
        out.push(s.to_string());
    }
    out
}

/// Threats but the VEX impact statements (read as entries' `impact`).
fn threats(r: &mut Reader<'_>, v: usize, products: &ProductMap, groups: &[String]) -> Vec<Threat> {
    let list = format!("/vulnerabilities/{v}/threats");
    let mut out = Vec::new();
    for i in 0..r.len(&list) {
        if super::affected::is_impact_statement(r, v, i) {
            continue;
        }
        let at = format!("{list}/{i}");
        let (Some(category), Some(details)) = (
            r.peek(&format!("{at}/category")).and_then(Value::as_str),
            r.peek(&format!("{at}/details")).and_then(Value::as_str),
        ) else {
            continue;
        };
        let ids = format!("{at}/product_ids");
        let named = r.peek(&ids).map(|_| products.products(r, &ids, v));
        let groups = group_ids(r, &format!("{at}/group_ids"), groups);
        // A threat to some products must not become one to the whole vulnerability.
        let named_none = named.as_ref().is_some_and(Vec::is_empty) && groups.is_empty();
        if named_none || details.trim().is_empty() {
            r.explain(&at, "a threat to products the vulnerability does not concern");
            continue;
        }
        r.str(&format!("{at}/category"));
        r.str(&format!("{at}/details"));
        out.push(Threat {
            category: category.to_string(),
            details: details.to_string(),
            date: date(r, &format!("{at}/date")),
            products: named.filter(|n| !n.is_empty()),
            groups,
        });
    }
    out
}
