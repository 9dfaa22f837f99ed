//! The record as a vulnerability: aliases (the first CVE id is `cve`, the others are
//! `ids`), the CWE ids GitHub writes in `database_specific.cwe_ids`, and the CVSS vectors
//! of `severity[]` (the record's, or the one all packages share). A vector or CWE id
//! psirt-site would refuse is reported, not written: the advisory must build.

use serde::Serialize;
use serde_json::Value;

use super::super::front::VulnId;
use super::super::reader::Reader;
use crate::model::cvss::{CvssV3, CvssV4};
use crate::model::cvss_more::CvssV2;
use crate::model::cwe::Cwe;
use crate::model::ids::Cve;

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
    cvss_v4: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    remediations: Vec<super::ranges::Remediation>,
}

pub(super) fn vulnerability(
    r: &mut Reader<'_>,
    title: &str,
    remediations: Vec<super::ranges::Remediation>,
) -> Vulnerability {
    let (cve, ids) = aliases(r);
    let cwe = cwe(r);
    let scores = scores(r);
    same_vector_elsewhere(r, &scores);
    Vulnerability {
        cve,
        title: title.to_string(),
        ids,
        cwe,
        cvss_v2: scores.v2,
        cvss_v3: scores.v3,
        cvss_v4: scores.v4,
        remediations,
    }
}

/// RustSec repeats its vector in `affected[].database_specific.cvss`: kept where it is
/// one of the vectors kept.
fn same_vector_elsewhere(r: &mut Reader<'_>, scores: &Scores) {
    for i in 0..r.len("/affected") {
        let at = format!("/affected/{i}/database_specific/cvss");
        let Some(vector) = r.peek(&at).and_then(Value::as_str) else {
            continue;
        };
        if [&scores.v2, &scores.v3, &scores.v4]
            .iter()
            .any(|v| v.as_deref() == Some(vector))
        {
            r.str(&at);
        }
    }
}

/// The CVSS vectors kept, one per CVSS version.
#[derive(Default)]
struct Scores {
    v2: Option<String>,
    v3: Option<String>,
    v4: Option<String>,
}

/// What an informational advisory (no vulnerabilities, CSAF test 6.1.27.3) cannot say.
pub(super) fn explain_informational(r: &mut Reader<'_>) {
    const WHY: &str = "an informational advisory has no vulnerability to hold it";
    for p in ["/aliases", "/severity", "/database_specific/cwe_ids"] {
        take_if_empty(r, p);
        r.explain(p, WHY);
    }
    for i in 0..r.len("/affected") {
        r.explain(&format!("/affected/{i}/severity"), WHY);
    }
}

/// The first CVE id is the vulnerability's `cve`; every other alias an id named by its
/// prefix (`GHSA-…` → system `GHSA`), each once.
fn aliases(r: &mut Reader<'_>) -> (Option<String>, Vec<VulnId>) {
    let (mut cve, mut ids) = (None, Vec::new());
    for i in 0..r.len("/aliases") {
        let at = format!("/aliases/{i}");
        let Some(alias) = r.peek(&at).and_then(Value::as_str) else {
            continue;
        };
        if cve.is_none() && Cve::parse(alias).is_ok() {
            cve = Some(alias.to_string());
            r.str(&at);
            continue;
        }
        let system = alias.split_once('-').map_or("OSV", |(prefix, _)| prefix);
        let id = VulnId {
            system_name: system.to_string(),
            text: alias.to_string(),
        };
        if alias.trim().is_empty() || system.trim().is_empty() {
            r.explain(&at, "an empty alias");
        } else if ids.contains(&id) || cve.as_deref() == Some(alias) {
            r.str(&at);
        } else {
            ids.push(id);
            r.str(&at);
        }
    }
    take_if_empty(r, "/aliases");
    (cve, ids)
}

/// An empty list (or `null`) says nothing the advisory does not say.
pub(super) fn take_if_empty(r: &mut Reader<'_>, at: &str) {
    let empty = match r.peek(at) {
        Some(Value::Array(a)) => a.is_empty(),
        Some(Value::Object(o)) => o.is_empty(),
        Some(Value::Null) => true,
        _ => false,
    };
    if empty {
        r.take_all(at);
    }
}

/// GitHub's `database_specific.cwe_ids`: the first CWE 4.17 weakness; psirt-site holds
/// one CWE per vulnerability.
fn cwe(r: &mut Reader<'_>) -> Option<String> {
    let list = "/database_specific/cwe_ids";
    let mut found = None;
    for i in 0..r.len(list) {
        let at = format!("{list}/{i}");
        let Some(id) = r.peek(&at).and_then(Value::as_str) else {
            continue;
        };
        match (Cwe::lookup(id), &found) {
            (Ok(_), None) => {
                r.str(&at);
                found = Some(id.to_string());
            }
            (Ok(_), Some(_)) => r.explain(&at, "psirt-site holds one CWE per vulnerability"),
            (Err(d), _) => r.explain(&at, &format!("not a CWE psirt-site can write: {}", d.message)),
        }
    }
    take_if_empty(r, list);
    found
}

/// The CVSS vectors: the record's `severity[]`, else the one every package states alike.
fn scores(r: &mut Reader<'_>) -> Scores {
    let mut scores = Scores::default();
    if r.peek("/severity").is_some_and(|s| !s.is_null()) {
        severity_list(r, "/severity", &mut scores);
        take_if_empty(r, "/severity");
        return scores;
    }
    let lists: Vec<Option<&Value>> = (0..r.len("/affected"))
        .map(|i| {
            r.peek(&format!("/affected/{i}/severity"))
                .filter(|s| !s.is_null())
        })
        .collect();
    let first = lists.first().copied().flatten();
    let shared = first.is_some() && lists.iter().all(|l| *l == first);
    for (i, list) in lists.iter().enumerate() {
        let at = format!("/affected/{i}/severity");
        if list.is_none() {
            take_if_empty(r, &at);
        } else if shared {
            // The same vectors for every package are the vulnerability's: read each
            // package's list, so that all of them count as kept.
            severity_list(r, &at, &mut scores);
        } else {
            r.explain(
                &at,
                "packages rated differently: psirt-site has one score per vulnerability",
            );
        }
    }
    scores
}

fn severity_list(r: &mut Reader<'_>, list: &str, v: &mut Scores) {
    for i in 0..r.len(list) {
        let at = format!("{list}/{i}");
        let kind = r
            .peek(&format!("{at}/type"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some(score) = r.peek(&format!("{at}/score")).and_then(Value::as_str) else {
            continue;
        };
        let (slot, parsed) = match kind {
            "CVSS_V2" => (&mut v.v2, CvssV2::parse(score).map(|_| ())),
            "CVSS_V3" => (&mut v.v3, CvssV3::parse(score).map(|_| ())),
            "CVSS_V4" => (&mut v.v4, CvssV4::parse(score).map(|_| ())),
            _ => {
                r.explain(&at, "a rating of its own scale: psirt-site rates with CVSS");
                continue;
            }
        };
        match (parsed, slot.as_deref()) {
            (Ok(()), None) => *slot = Some(score.to_string()),
            (Ok(()), Some(same)) if same == score => {}
            (Ok(()), Some(_)) => {
                r.explain(
                    &at,
                    "a second vector of the same CVSS version: psirt-site keeps one",
                );
                continue;
            }
            (Err(e), _) => {
                r.explain(&at, &format!("a CVSS vector psirt-site cannot read: {e}"));
                continue;
            }
        }
        r.str(&format!("{at}/type"));
        r.str(&format!("{at}/score"));
    }
}
