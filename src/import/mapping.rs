//! One CSAF 2.0 document → one psirt-site advisory (front matter + Markdown body) and the
//! catalog products it names. Everything is read through a [`Reader`], so what has no
//! home in the model is reported, never dropped silently.

use serde::Serialize;
use serde_json::Value;
use toml::value::Datetime;

use super::products::{CatalogEntry, ProductMap, products};
use super::reader::{Lost, Reader};
use crate::model::ids::AdvisoryId;

/// An advisory file to write, and what the original held that it cannot.
pub(super) struct Mapped {
    pub id: String,
    pub year: String,
    pub text: String,
    /// Products the site's catalog does not have yet.
    pub catalog: Vec<CatalogEntry>,
    /// Every catalog product the advisory names (new or known), to check it with.
    pub named: Vec<CatalogEntry>,
    pub lost: Vec<Lost>,
}

#[derive(Serialize)]
struct Front {
    id: String,
    title: String,
    published: Datetime,
    status: String,
    tlp: String,
    summary: String,
    revisions: Vec<Revision>,
    affected: Vec<super::products::AffectedEntry>,
    vulnerabilities: Vec<Vulnerability>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    acknowledgments: Vec<Acknowledgment>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<Reference>,
}

#[derive(Serialize)]
struct Revision {
    date: Datetime,
    summary: String,
}

#[derive(Serialize)]
struct Vulnerability {
    #[serde(skip_serializing_if = "Option::is_none")]
    cve: Option<String>,
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    cwe: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cvss_v3: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    discovery_date: Option<Datetime>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    products: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    remediations: Vec<Remediation>,
}

#[derive(Serialize)]
struct Remediation {
    category: String,
    details: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    products: Vec<String>,
}

#[derive(Serialize)]
struct Acknowledgment {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    names: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
}

#[derive(Serialize)]
struct Reference {
    url: String,
    summary: String,
}

/// Maps one document; `Err` names what makes it impossible (e.g. no usable date).
/// `known` is the site's catalog so far: its products are reused, not added again.
pub(super) fn map(doc: &Value, known: &[CatalogEntry]) -> Result<Mapped, String> {
    let mut r = Reader::new(doc);
    derived_by_psirt_site(&mut r);
    let id = advisory_id(&mut r)?;
    let published = date(&mut r, "/document/tracking/initial_release_date")
        .ok_or("/document/tracking/initial_release_date is missing or not a date")?;
    let (summary, summary_note) = summary(&mut r);
    let product_map = products(&mut r, known);
    let front = Front {
        id: id.clone(),
        title: r.str("/document/title").unwrap_or(&id).to_string(),
        published,
        status: r.str("/document/tracking/status").unwrap_or("final").to_string(),
        tlp: tlp(&mut r),
        summary,
        revisions: revisions(&mut r),
        affected: product_map.affected.clone(),
        vulnerabilities: vulnerabilities(&mut r, &product_map),
        acknowledgments: acknowledgments(&mut r),
        references: references(&mut r),
    };
    let body = body(&mut r, summary_note);
    let toml = toml::to_string(&front).map_err(|e| format!("cannot write front matter: {e}"))?;
    Ok(Mapped {
        year: published.to_string().chars().take(4).collect(),
        id,
        text: format!("+++\n{toml}+++\n{body}"),
        named: product_map.named(),
        catalog: product_map.catalog[known.len()..].to_vec(),
        lost: r.lost(),
    })
}

/// Values psirt-site writes itself from the site and the advisory: the allowed
/// normalisations of a round trip.
fn derived_by_psirt_site(r: &mut Reader<'_>) {
    for p in [
        "/document/csaf_version",
        "/document/tracking/version",
        "/document/tracking/current_release_date",
        "/document/tracking/generator",
        "/document/publisher",
        "/document/lang",
        "/document/source_lang",
        "/document/distribution/tlp/url",
    ] {
        r.take_all(p);
    }
    if r.peek("/document/category").and_then(Value::as_str) == Some("csaf_security_advisory") {
        r.take_all("/document/category");
    }
}

/// The tracking id, when psirt-site's id rules allow it as it is.
fn advisory_id(r: &mut Reader<'_>) -> Result<String, String> {
    let id = r
        .peek("/document/tracking/id")
        .and_then(Value::as_str)
        .ok_or("/document/tracking/id is missing")?;
    match AdvisoryId::parse(id) {
        Ok(_) => Ok(r.str("/document/tracking/id").unwrap_or(id).to_string()),
        Err(why) => Err(format!("tracking id `{id}` cannot be an advisory id: {why}")),
    }
}

fn date(r: &mut Reader<'_>, pointer: &str) -> Option<Datetime> {
    let text = r.peek(pointer)?.as_str()?;
    let parsed: Datetime = text.parse().ok()?;
    r.str(pointer);
    Some(parsed)
}

fn tlp(r: &mut Reader<'_>) -> String {
    match r.str("/document/distribution/tlp/label") {
        Some("WHITE") | None => "CLEAR".into(),
        Some(label) => label.to_string(),
    }
}

/// The first `summary` note is the advisory's summary (psirt-site writes it back as the
/// first note); without one, the title stands in.
fn summary(r: &mut Reader<'_>) -> (String, Option<usize>) {
    for i in 0..r.len("/document/notes") {
        let at = format!("/document/notes/{i}");
        if r.peek(&format!("{at}/category")).and_then(Value::as_str) == Some("summary") {
            r.str(&format!("{at}/category"));
            let text = r.str(&format!("{at}/text")).unwrap_or_default().to_string();
            r.explain(
                &format!("{at}/title"),
                "the summary note's title is always `Summary`",
            );
            return (text, Some(i));
        }
    }
    let title = r
        .peek("/document/title")
        .and_then(Value::as_str)
        .unwrap_or_default();
    (title.to_string(), None)
}

fn revisions(r: &mut Reader<'_>) -> Vec<Revision> {
    let mut out = Vec::new();
    for i in 0..r.len("/document/tracking/revision_history") {
        let at = format!("/document/tracking/revision_history/{i}");
        let Some(date) = date(r, &format!("{at}/date")) else {
            continue;
        };
        // psirt-site numbers revisions 1, 2, …: a number that says the same is kept.
        if r.peek(&format!("{at}/number")).and_then(Value::as_str) == Some(&(out.len() + 1).to_string()) {
            r.str(&format!("{at}/number"));
        }
        let summary = r.str(&format!("{at}/summary")).unwrap_or_default().to_string();
        out.push(Revision { date, summary });
    }
    out
}

fn references(r: &mut Reader<'_>) -> Vec<Reference> {
    let mut out = Vec::new();
    for i in 0..r.len("/document/references") {
        let at = format!("/document/references/{i}");
        if r.peek(&format!("{at}/category")).and_then(Value::as_str) == Some("self") {
            r.explain(
                &at,
                "psirt-site writes its own `self` references (the document and its page)",
            );
            continue;
        }
        r.str(&format!("{at}/category"));
        let url = r.str(&format!("{at}/url")).unwrap_or_default().to_string();
        let summary = r.str(&format!("{at}/summary")).unwrap_or_default().to_string();
        out.push(Reference { url, summary });
    }
    out
}

fn acknowledgments(r: &mut Reader<'_>) -> Vec<Acknowledgment> {
    let mut out = Vec::new();
    for i in 0..r.len("/document/acknowledgments") {
        let at = format!("/document/acknowledgments/{i}");
        let names = (0..r.len(&format!("{at}/names")))
            .filter_map(|n| r.str(&format!("{at}/names/{n}")).map(str::to_string))
            .collect();
        out.push(Acknowledgment {
            names,
            organization: r.str(&format!("{at}/organization")).map(str::to_string),
            url: r.str(&format!("{at}/urls/0")).map(str::to_string),
            summary: r.str(&format!("{at}/summary")).map(str::to_string),
        });
    }
    out
}

/// Every document note but the summary becomes a `##` section of the body, in order.
/// The heading decides the category psirt-site gives the note back, so a category that
/// another heading would give is reported.
fn body(r: &mut Reader<'_>, summary_note: Option<usize>) -> String {
    let mut out = String::new();
    for i in (0..r.len("/document/notes")).filter(|i| Some(*i) != summary_note) {
        let at = format!("/document/notes/{i}");
        let category = r
            .peek(&format!("{at}/category"))
            .and_then(Value::as_str)
            .unwrap_or("other");
        let title = r.str(&format!("{at}/title")).unwrap_or(category).to_string();
        if crate::emit::csaf::document::note_category(&title) == category {
            r.str(&format!("{at}/category"));
        } else {
            r.explain(
                &format!("{at}/category"),
                "the note category follows from the section heading",
            );
        }
        let text = r.str(&format!("{at}/text")).unwrap_or_default();
        out.push_str(&format!("\n## {}\n\n{}\n", title.trim(), text.trim()));
    }
    out
}

fn vulnerabilities(r: &mut Reader<'_>, products: &ProductMap) -> Vec<Vulnerability> {
    (0..r.len("/vulnerabilities"))
        .map(|i| vulnerability(r, &format!("/vulnerabilities/{i}"), products))
        .collect()
}

fn vulnerability(r: &mut Reader<'_>, at: &str, products: &ProductMap) -> Vulnerability {
    let cve = r.str(&format!("{at}/cve")).map(str::to_string);
    let cwe = r.str(&format!("{at}/cwe/id")).map(str::to_string);
    // The name follows from the id (psirt-site looks it up in the CWE catalog).
    r.take_all(&format!("{at}/cwe/name"));
    let title = r
        .str(&format!("{at}/title"))
        .map(str::to_string)
        .or_else(|| cve.clone())
        .unwrap_or_else(|| "Vulnerability".into());
    Vulnerability {
        description: description(r, at),
        cvss_v3: cvss_v3(r, at),
        discovery_date: date(r, &format!("{at}/discovery_date")),
        products: products.concerned(r, at),
        remediations: remediations(r, at, products),
        cve,
        title,
        cwe,
    }
}

/// The first `description` note; psirt-site writes it back titled `Description`.
fn description(r: &mut Reader<'_>, at: &str) -> Option<String> {
    for i in 0..r.len(&format!("{at}/notes")) {
        let note = format!("{at}/notes/{i}");
        if r.peek(&format!("{note}/category")).and_then(Value::as_str) == Some("description") {
            r.str(&format!("{note}/category"));
            if r.peek(&format!("{note}/title")).and_then(Value::as_str) == Some("Description") {
                r.str(&format!("{note}/title"));
            }
            return r.str(&format!("{note}/text")).map(str::to_string);
        }
    }
    None
}

/// The CVSS v3 vector of the first score; every other field of that score follows from it.
fn cvss_v3(r: &mut Reader<'_>, at: &str) -> Option<String> {
    let vector = r.str(&format!("{at}/scores/0/cvss_v3/vectorString"))?.to_string();
    r.take_all(&format!("{at}/scores/0/cvss_v3"));
    r.take_all(&format!("{at}/scores/0/products"));
    Some(vector)
}

fn remediations(r: &mut Reader<'_>, at: &str, products: &ProductMap) -> Vec<Remediation> {
    let mut out = Vec::new();
    for i in 0..r.len(&format!("{at}/remediations")) {
        let rem = format!("{at}/remediations/{i}");
        let category = r
            .str(&format!("{rem}/category"))
            .unwrap_or("vendor_fix")
            .to_string();
        out.push(Remediation {
            category,
            details: r.str(&format!("{rem}/details")).unwrap_or_default().to_string(),
            url: r.str(&format!("{rem}/url")).map(str::to_string),
            products: products.catalog_ids(r, &format!("{rem}/product_ids")),
        });
    }
    out
}
