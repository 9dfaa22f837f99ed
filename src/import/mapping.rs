//! One CSAF 2.0 document → one psirt-site advisory (front matter + Markdown body) and the
//! catalog products it names. Everything is read through a [`Reader`], so what has no
//! home in the model is reported, never dropped silently.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::Value;
use toml::value::Datetime;

use super::affected::{AffectedEntry, entries};
use super::front::{Acknowledgment, Reference, Revision, VendorSeverity};
use super::products::{CatalogEntry, tree};
use super::reader::{Lost, Reader};
use super::scope::ProductMap;
use super::vulns::{Vulnerability, vulnerabilities};
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

/// The front matter, keys in the order of `docs/content-model.md`.
#[derive(Serialize)]
struct Front {
    id: String,
    title: String,
    published: Datetime,
    status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<String>,
    tlp: String,
    summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    distribution_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vendor_severity: Option<VendorSeverity>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<Note>,
    revisions: Vec<Revision>,
    #[serde(skip_serializing_if = "crate::model::shape::ProductIdOrder::is_entries")]
    product_id_order: crate::model::shape::ProductIdOrder,
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    product_ids: std::collections::BTreeMap<String, String>,
    affected: Vec<AffectedEntry>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    product_groups: Vec<ProductGroup>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    vulnerabilities: Vec<Vulnerability>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    acknowledgments: Vec<Acknowledgment>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<Reference>,
}

#[derive(Serialize)]
pub(super) struct Note {
    category: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    /// `None` only for the place of the summary note.
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
}

/// A product group, its members as exact ids (`[[product_groups]]` with `product_ids`).
#[derive(Serialize)]
struct ProductGroup {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    product_ids: Vec<String>,
}

/// Maps one document; `Err` names what makes it impossible (e.g. no usable date).
/// `known` is the site's catalog so far: its products are reused, not added again.
pub(super) fn map(doc: &Value, known: &[CatalogEntry]) -> Result<Mapped, String> {
    let mut r = Reader::new(doc);
    derived_by_psirt_site(&mut r);
    let id = advisory_id(&mut r)?;
    let published = published(&mut r)?;
    let (summary, summary_note) = summary(&mut r);
    let names = super::vulns::names(&r);
    let t = tree(&mut r, known);
    let affected = entries(&mut r, &t, &names);
    let products = ProductMap::new(t, affected);
    let product_groups = product_groups(&mut r, &products);
    let group_ids: Vec<String> = product_groups.iter().map(|g| g.id.clone()).collect();
    let front = Front {
        id: id.clone(),
        title: r.str("/document/title").unwrap_or(&id).to_string(),
        published,
        status: r.str("/document/tracking/status").unwrap_or("final").to_string(),
        category: category(&mut r),
        tlp: tlp(&mut r),
        summary,
        distribution_text: r.str("/document/distribution/text").map(str::to_string),
        vendor_severity: vendor_severity(&mut r),
        notes: notes(&mut r, summary_note),
        revisions: revisions(&mut r),
        vulnerabilities: vulnerabilities(&mut r, &products, &names, &group_ids),
        product_id_order: products.tree.product_id_order,
        product_ids: products.tree.product_ids.clone(),
        affected: products.affected.clone(),
        product_groups,
        acknowledgments: acknowledgments(&mut r, "/document/acknowledgments"),
        references: references(&mut r, "/document/references"),
    };
    let toml = super::write::front_matter(&front)?;
    Ok(Mapped {
        year: published.to_string().chars().take(4).collect(),
        id,
        text: format!("+++\n{toml}+++\n"),
        named: products.named(),
        catalog: products.tree.catalog[known.len()..].to_vec(),
        lost: r.lost(),
    })
}

/// The initial release date; one after the first revision's date (which psirt-site
/// refuses: revisions follow the release) gives way to that date, and is reported.
fn published(r: &mut Reader<'_>) -> Result<Datetime, String> {
    let at = "/document/tracking/initial_release_date";
    let initial = date(r, at).ok_or("/document/tracking/initial_release_date is missing or not a date")?;
    let first = r
        .peek("/document/tracking/revision_history/0/date")
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<Datetime>().ok());
    let instant = |d: &Datetime| crate::model::time::to_timestamp(d).ok();
    match first {
        Some(f) if instant(&f).is_some() && instant(&f) < instant(&initial) => {
            r.explain(at, "psirt-site's initial release is not after the first revision");
            r.unuse(at);
            Ok(f)
        }
        _ => Ok(initial),
    }
}

/// The profiles psirt-site writes; any other category is CSAF's base profile (CSAF 2.0
/// §4: a category that names no profile is validated as `csaf_base`), reported.
fn category(r: &mut Reader<'_>) -> Option<String> {
    let c = r.peek("/document/category").and_then(Value::as_str)?;
    match c {
        "csaf_security_advisory" => None,
        "csaf_vex" | "csaf_base" | "csaf_informational_advisory" => {
            r.str("/document/category");
            Some(c.to_string())
        }
        _ => Some("csaf_base".into()),
    }
}

fn vendor_severity(r: &mut Reader<'_>) -> Option<VendorSeverity> {
    let text = r.str("/document/aggregate_severity/text")?.to_string();
    let namespace = r
        .peek("/document/aggregate_severity/namespace")
        .and_then(Value::as_str)
        .filter(|u| crate::url::check_url(u, &["https", "http"]).is_ok())
        .map(str::to_string);
    if namespace.is_some() {
        r.str("/document/aggregate_severity/namespace");
    }
    Some(VendorSeverity { text, namespace })
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

/// A CSAF date-time as a TOML datetime (fractions of a second kept); `None`, and the
/// value reported, when it is not one or predates the Unix epoch (psirt-site refuses
/// such dates as typos).
pub(super) fn date(r: &mut Reader<'_>, pointer: &str) -> Option<Datetime> {
    let text = r.peek(pointer)?.as_str()?;
    let parsed: Datetime = text.parse().ok()?;
    crate::model::time::to_timestamp(&parsed).ok()?;
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
/// first note, titled `Summary`); without one, the title stands in.
fn summary(r: &mut Reader<'_>) -> (String, Option<usize>) {
    for i in 0..r.len("/document/notes") {
        let at = format!("/document/notes/{i}");
        if r.peek(&format!("{at}/category")).and_then(Value::as_str) == Some("summary") {
            r.str(&format!("{at}/category"));
            let text = r.str(&format!("{at}/text")).unwrap_or_default().to_string();
            r.str(&format!("{at}/title"));
            return (text, Some(i));
        }
    }
    let title = r
        .peek("/document/title")
        .and_then(Value::as_str)
        .unwrap_or_default();
    (title.to_string(), None)
}

/// Every other document note, in order, as `[[notes]]`, so their order, categories and
/// titles are kept; the summary note's place and title are a `[[notes]]` entry without
/// text where they are not psirt-site's own (first, "Summary").
fn notes(r: &mut Reader<'_>, summary_note: Option<usize>) -> Vec<Note> {
    let mut out = Vec::new();
    for i in 0..r.len("/document/notes") {
        let at = format!("/document/notes/{i}");
        if Some(i) != summary_note {
            out.extend(note(r, &at));
            continue;
        }
        let title = r.peek(&format!("{at}/title")).and_then(Value::as_str);
        if i > 0 || title != Some("Summary") {
            out.push(Note {
                category: "summary".into(),
                title: title.filter(|t| !t.trim().is_empty()).map(str::to_string),
                text: None,
            });
        }
    }
    out
}

/// One note; `None` (reported) when its text is empty, which the model refuses.
pub(super) fn note(r: &mut Reader<'_>, at: &str) -> Option<Note> {
    let text = r.peek(&format!("{at}/text")).and_then(Value::as_str)?;
    let category = r.peek(&format!("{at}/category")).and_then(Value::as_str)?;
    if text.trim().is_empty() {
        return None;
    }
    let title = r
        .peek(&format!("{at}/title"))
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .map(str::to_string);
    if title.is_some() {
        r.str(&format!("{at}/title"));
    }
    r.str(&format!("{at}/category"));
    r.str(&format!("{at}/text"));
    Some(Note {
        category: category.to_string(),
        title,
        text: Some(text.to_string()),
    })
}

fn revisions(r: &mut Reader<'_>) -> Vec<Revision> {
    let list = "/document/tracking/revision_history";
    let mut out = Vec::new();
    let mut numbers = Vec::new();
    for i in 0..r.len(list) {
        let at = format!("{list}/{i}");
        let Some(date) = date(r, &format!("{at}/date")) else {
            continue;
        };
        numbers.push(
            r.peek(&format!("{at}/number"))
                .and_then(Value::as_str)
                .map(|n| (at.clone(), n.to_string())),
        );
        let summary = r.str(&format!("{at}/summary")).unwrap_or_default().to_string();
        let legacy_version = r.str(&format!("{at}/legacy_version")).map(str::to_string);
        out.push(Revision {
            date,
            summary,
            number: None,
            legacy_version,
        });
    }
    // psirt-site numbers revisions 1, 2, …: numbers that say the same are not written, other
    // ones (semantic versioning, `1.0.0`) are, on every revision.
    let own = numbers
        .iter()
        .enumerate()
        .all(|(i, n)| n.as_ref().is_some_and(|(_, n)| *n == (i + 1).to_string()));
    let all_given = numbers.iter().all(Option::is_some);
    for (revision, number) in out.iter_mut().zip(numbers) {
        let Some((at, number)) = number else { continue };
        if own || all_given {
            r.str(&format!("{at}/number"));
        }
        if !own && all_given {
            revision.number = Some(number);
        }
    }
    out
}

/// `product_tree.product_groups`, each with the members the rebuilt tree defines, in
/// their order; a group left with fewer than two (a CSAF group needs two) is reported.
fn product_groups(r: &mut Reader<'_>, products: &ProductMap) -> Vec<ProductGroup> {
    let list = "/product_tree/product_groups";
    let defined: HashSet<&str> = products.affected.iter().map(|e| e.status_id.as_str()).collect();
    let mut out = Vec::new();
    for i in 0..r.len(list) {
        let at = format!("{list}/{i}");
        let id = r.peek(&format!("{at}/group_id")).and_then(Value::as_str);
        let fits =
            |id: &&str| !id.is_empty() && id.trim() == *id && !out.iter().any(|g: &ProductGroup| g.id == *id);
        let Some(id) = id.filter(fits) else {
            continue;
        };
        let members = format!("{at}/product_ids");
        let mut ids: Vec<String> = Vec::new();
        for j in 0..r.len(&members) {
            let member = format!("{members}/{j}");
            let Some(p) = r.peek(&member).and_then(Value::as_str) else {
                continue;
            };
            if defined.contains(p) && !ids.iter().any(|x| x == p) {
                if ids.len() == j {
                    r.str(&member);
                }
                ids.push(p.to_string());
            }
        }
        if ids.len() < 2 {
            r.take_back(&members);
            r.explain(
                &at,
                "a product group needs two members the rebuilt product tree defines",
            );
            continue;
        }
        r.str(&format!("{at}/group_id"));
        let summary = r.peek(&format!("{at}/summary")).and_then(Value::as_str);
        let summary = summary
            .filter(|s| !s.is_empty() && s.trim() == *s)
            .map(str::to_string);
        if summary.is_some() {
            r.str(&format!("{at}/summary"));
        }
        out.push(ProductGroup {
            id: id.to_string(),
            summary,
            product_ids: ids,
        });
    }
    out
}

/// References with their category; one whose URL psirt-site refuses (`mailto:`, relative)
/// is reported.
pub(super) fn references(r: &mut Reader<'_>, list: &str) -> Vec<Reference> {
    let mut out = Vec::new();
    for i in 0..r.len(list) {
        let at = format!("{list}/{i}");
        let (Some(url), Some(summary)) = (
            r.peek(&format!("{at}/url")).and_then(Value::as_str),
            r.peek(&format!("{at}/summary")).and_then(Value::as_str),
        ) else {
            continue;
        };
        if crate::url::check_url(url, &["https", "http"]).is_err() || summary.trim().is_empty() {
            r.explain(&at, "psirt-site links only http(s) URLs");
            continue;
        }
        let category = r.str(&format!("{at}/category")).unwrap_or("external").to_string();
        r.str(&format!("{at}/url"));
        r.str(&format!("{at}/summary"));
        out.push(Reference {
            url: url.to_string(),
            summary: summary.to_string(),
            category,
        });
    }
    out
}

/// The acknowledgments at `list` (the document's or a vulnerability's).
pub(super) fn acknowledgments(r: &mut Reader<'_>, list: &str) -> Vec<Acknowledgment> {
    let mut out = Vec::new();
    for i in 0..r.len(list) {
        let at = format!("{list}/{i}");
        let names = (0..r.len(&format!("{at}/names")))
            .filter_map(|n| r.str(&format!("{at}/names/{n}")).map(str::to_string))
            .collect();
        let url = r
            .peek(&format!("{at}/urls/0"))
            .and_then(Value::as_str)
            .filter(|u| crate::url::check_url(u, &["https", "http"]).is_ok())
            .map(str::to_string);
        if url.is_some() {
            r.str(&format!("{at}/urls/0"));
        }
        out.push(Acknowledgment {
            names,
            organization: r.str(&format!("{at}/organization")).map(str::to_string),
            url,
            summary: r.str(&format!("{at}/summary")).map(str::to_string),
        });
    }
    out
}
