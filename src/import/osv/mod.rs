//! OSV records (the format of GitHub's, RustSec's, Go's and PyPI's advisory databases)
//! → psirt-site advisories, where the products are packages. The record is checked against
//! the OSV schema's structure (`validate`), its packages become catalog products
//! (`packages`), its version ranges `[[affected]]` entries (`ranges`), its aliases,
//! weaknesses and CVSS vectors one vulnerability (`vuln`), its references and credits
//! links and acknowledgments (`links`), its `details` the Markdown body. Everything is read
//! through the same recording [`Reader`] as CSAF, so what has no home is reported by
//! JSON pointer; the advisory is then checked like an imported CSAF document.

pub(super) mod detect;
mod links;
mod packages;
mod ranges;
mod validate;
mod vuln;

use serde::Serialize;
use serde_json::Value;
use toml::value::Datetime;

use super::front::{Acknowledgment, Reference, Revision, VendorSeverity};
use super::mapping::Mapped;
use super::products::CatalogEntry;
use super::reader::Reader;
use crate::model::ids::AdvisoryId;

/// The front matter, keys in the order of `docs/content-model.md`.
#[derive(Serialize)]
struct Front {
    id: String,
    title: String,
    published: Datetime,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'static str>,
    summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    distribution_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vendor_severity: Option<VendorSeverity>,
    revisions: Vec<Revision>,
    affected: Vec<ranges::Entry>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    vulnerabilities: Vec<vuln::Vulnerability>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    acknowledgments: Vec<Acknowledgment>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<Reference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    withdrawn: Option<Withdrawn>,
}

#[derive(Serialize)]
struct Withdrawn {
    date: Datetime,
    reason: &'static str,
}

/// Maps one OSV record; `Err` says why it cannot be an advisory (invalid OSV, an id
/// psirt-site refuses, no version it can express).
pub(in crate::import) fn map(doc: &Value, known: &[CatalogEntry]) -> Result<Mapped, String> {
    validate::check(doc).map_err(|e| format!("not valid OSV: {e}"))?;
    let mut r = Reader::new(doc);
    // The format's version: psirt-site writes CSAF, not OSV.
    r.take_all("/schema_version");
    let id = advisory_id(&mut r)?;
    let dates = dates(&mut r)?;
    let mut products = packages::Products::new(known);
    let packages = packages::packages(&mut r, &mut products);
    let affected = ranges::entries(&mut r, &packages);
    products.keep_named_by(&affected);
    if affected.is_empty() {
        return Err("no affected package version psirt-site can express (GIT ranges, or ecosystems without a `vers` scheme, are not imported)".into());
    }
    let title = r
        .str("/summary")
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(&id)
        .to_string();
    let informational = informational(&mut r);
    let distribution_text = license(&mut r);
    let vulnerabilities = if informational {
        vuln::explain_informational(&mut r);
        Vec::new()
    } else {
        let fixes = ranges::remediations(&affected, &products.named());
        vec![vuln::vulnerability(&mut r, &title, fixes)]
    };
    let front = Front {
        id: id.clone(),
        summary: title.clone(),
        title,
        published: dates.published,
        status: "final",
        category: informational.then_some("csaf_informational_advisory"),
        distribution_text,
        vendor_severity: vendor_severity(&mut r),
        revisions: dates.revisions,
        affected,
        vulnerabilities,
        acknowledgments: links::credits(&mut r),
        references: links::references(&mut r, &id),
        withdrawn: dates.withdrawn,
    };
    let toml = toml::to_string(&front).map_err(|e| format!("cannot write front matter: {e}"))?;
    let body = body(&mut r);
    explain_the_rest(&mut r);
    Ok(Mapped {
        year: dates.published.to_string().chars().take(4).collect(),
        id,
        text: format!("+++\n{toml}+++\n{body}"),
        catalog: products.added(),
        named: products.named(),
        lost: r.lost(),
    })
}

/// The record's id, when psirt-site's id rules allow it as it is.
fn advisory_id(r: &mut Reader<'_>) -> Result<String, String> {
    let id = r.peek("/id").and_then(Value::as_str).unwrap_or_default();
    match AdvisoryId::parse(id) {
        Ok(_) => Ok(r.str("/id").unwrap_or(id).to_string()),
        Err(why) => Err(format!(
            "OSV id `{}` cannot be an advisory id: {why}",
            id.escape_debug()
        )),
    }
}

struct Dates {
    published: Datetime,
    revisions: Vec<Revision>,
    withdrawn: Option<Withdrawn>,
}

/// A time of the record, not marked used.
fn time(r: &Reader<'_>, pointer: &str) -> Option<(Datetime, jiff::Timestamp)> {
    let parsed: Datetime = r.peek(pointer)?.as_str()?.parse().ok()?;
    let instant = crate::model::time::to_timestamp(&parsed).ok()?;
    Some((parsed, instant))
}

/// `published` (else `modified`) is the release and the first revision; a later
/// `modified` is a second revision, unless the record is withdrawn by then: the withdrawal
/// is the last revision psirt-site writes.
fn dates(r: &mut Reader<'_>) -> Result<Dates, String> {
    let modified = time(r, "/modified").ok_or("/modified is not a time psirt-site accepts (from 1970 on)")?;
    let published = time(r, "/published").map_or(modified, |p| {
        r.str("/published");
        p
    });
    let withdrawn = time(r, "/withdrawn");
    let mut revisions = vec![Revision {
        date: published.0,
        summary: "Initial public release".to_string(),
        number: None,
        legacy_version: None,
    }];
    if modified.1 == published.1 {
        r.str("/modified");
    } else if modified.1 < published.1 {
        r.explain(
            "/modified",
            "it is before the publication: psirt-site's revisions follow the release",
        );
    } else if withdrawn.is_some_and(|w| modified.1 >= w.1) {
        r.explain(
            "/modified",
            "it is not before the withdrawal, which is psirt-site's last revision",
        );
    } else {
        r.str("/modified");
        revisions.push(Revision {
            date: modified.0,
            summary: "Updated".to_string(),
            number: None,
            legacy_version: None,
        });
    }
    if withdrawn.is_some() {
        r.str("/withdrawn");
    }
    Ok(Dates {
        published: published.0,
        revisions,
        withdrawn: withdrawn.map(|(date, _)| Withdrawn {
            date,
            reason: "Withdrawn by the publisher of the OSV record.",
        }),
    })
}

/// RustSec's informational advisories (`unmaintained`, `unsound`, `notice`) are no
/// vulnerability: CSAF's informational advisory, which has none. One with a CVE id or a
/// score stays a security advisory (an informational advisory could not hold them), and
/// its kind of notice is reported.
fn informational(r: &mut Reader<'_>) -> bool {
    let has_vulnerability_data = r.len("/aliases") > 0 || r.len("/severity") > 0;
    let mut any = false;
    for i in 0..r.len("/affected") {
        let at = format!("/affected/{i}/database_specific/informational");
        if r.peek(&at).and_then(Value::as_str).is_some() {
            any = true;
            let why = if has_vulnerability_data {
                "an informational advisory cannot hold the record's aliases and scores: it is a security advisory"
            } else {
                "the advisory is informational (csaf_informational_advisory); the kind of notice has no field"
            };
            r.explain(&at, why);
        } else if r.peek(&at).is_some_and(Value::is_null) {
            r.take_all(&at);
        }
    }
    any && !has_vulnerability_data
}

/// RustSec's `database_specific.license` is the record's redistribution terms: CSAF's
/// distribution text.
fn license(r: &mut Reader<'_>) -> Option<String> {
    let license = r
        .str("/database_specific/license")
        .filter(|l| !l.trim().is_empty())?;
    Some(format!("License: {license}"))
}

/// GitHub's own rating (`database_specific.severity`, e.g. `MODERATE`).
fn vendor_severity(r: &mut Reader<'_>) -> Option<VendorSeverity> {
    let text = r
        .str("/database_specific/severity")
        .filter(|s| !s.trim().is_empty())?;
    Some(VendorSeverity {
        text: text.to_string(),
        namespace: None,
    })
}

/// `details` is Markdown, as psirt-site's body: text before a `##` heading becomes the
/// "Details" note, each `##` section a note of its own.
fn body(r: &mut Reader<'_>) -> String {
    match r.str("/details").map(str::trim) {
        Some(details) if !details.is_empty() => format!("{details}\n"),
        Some(_) => String::new(),
        None => String::new(),
    }
}

/// Reasons for the values no field holds, where a better one than the default is known.
fn explain_the_rest(r: &mut Reader<'_>) {
    r.explain(
        "/related",
        "related records are other vulnerabilities; psirt-site has no field for their ids",
    );
    r.explain(
        "/upstream",
        "upstream records are other vulnerabilities; psirt-site has no field for their ids",
    );
    take_empty_leaves(r, "/affected");
    for i in 0..r.len("/affected") {
        let at = format!("/affected/{i}");
        r.explain(&format!("{at}/ecosystem_specific"), "no field of psirt-site's model holds what one ecosystem says (affected functions, imports, platforms)");
        vuln::take_if_empty(r, &format!("{at}/ranges"));
        vuln::take_if_empty(r, &format!("{at}/ecosystem_specific"));
        vuln::take_if_empty(r, &format!("{at}/database_specific"));
    }
    for p in ["/related", "/upstream", "/database_specific", "/affected"] {
        vuln::take_if_empty(r, p);
    }
}

/// Empty lists, empty objects and `null` below `at` say that there is nothing (RustSec's
/// `"arch": []`: no architecture restriction), which the advisory says too.
fn take_empty_leaves(r: &mut Reader<'_>, at: &str) {
    let Some(value) = r.peek(at) else {
        return;
    };
    let mut leaves = Vec::new();
    super::reader::flatten(value, at, &mut leaves);
    for (pointer, leaf) in leaves {
        let empty = match leaf {
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            Value::Null => true,
            _ => false,
        };
        if empty {
            r.take_all(&pointer);
        }
    }
}
