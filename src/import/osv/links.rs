//! OSV `references[]` → `[[references]]` and `credits[]` → `[[acknowledgments]]`. The
//! reference type becomes the link text (CSAF references have a summary, not a type), and
//! an `ADVISORY` link to this very record (its id in the URL) is category `self`.

use serde_json::Value;

use super::super::front::{Acknowledgment, Reference};
use super::super::reader::Reader;
use super::vuln::take_if_empty;

/// The link text of each OSV reference type.
fn link_text(kind: &str) -> &'static str {
    match kind {
        "ADVISORY" => "Advisory",
        "ARTICLE" => "Article",
        "DETECTION" => "Detection",
        "DISCUSSION" => "Discussion",
        "REPORT" => "Report",
        "FIX" => "Fix",
        "INTRODUCED" => "Change that introduced the vulnerability",
        "GIT" => "Source repository",
        "PACKAGE" => "Package",
        "EVIDENCE" => "Evidence",
        _ => "Web page",
    }
}

/// What each OSV credit type says the person did.
fn contribution(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "FINDER" => "Found the vulnerability",
        "REPORTER" => "Reported the vulnerability",
        "ANALYST" => "Analysed the vulnerability",
        "COORDINATOR" => "Coordinated the disclosure",
        "REMEDIATION_DEVELOPER" => "Developed the fix",
        "REMEDIATION_REVIEWER" => "Reviewed the fix",
        "REMEDIATION_VERIFIER" => "Verified the fix",
        "TOOL" => "Tool that found the vulnerability",
        "SPONSOR" => "Sponsored the work",
        _ => return None,
    })
}

pub(super) fn references(r: &mut Reader<'_>, id: &str) -> Vec<Reference> {
    let mut out: Vec<Reference> = Vec::new();
    for i in 0..r.len("/references") {
        let at = format!("/references/{i}");
        let (Some(kind), Some(url)) = (
            r.peek(&format!("{at}/type")).and_then(Value::as_str),
            r.peek(&format!("{at}/url")).and_then(Value::as_str),
        ) else {
            continue;
        };
        if crate::url::check_url(url, &["https", "http"]).is_err() {
            r.explain(&at, "psirt-site links only http(s) URLs");
            continue;
        }
        r.str(&format!("{at}/type"));
        r.str(&format!("{at}/url"));
        // The same URL twice (under two types) is one link.
        if out.iter().any(|o| o.url == url) {
            continue;
        }
        let own = kind == "ADVISORY" && url.contains(id);
        out.push(Reference {
            url: url.to_string(),
            summary: link_text(kind).to_string(),
            category: if own { "self" } else { "external" }.to_string(),
        });
    }
    take_if_empty(r, "/references");
    out
}

pub(super) fn credits(r: &mut Reader<'_>) -> Vec<Acknowledgment> {
    let mut out = Vec::new();
    for i in 0..r.len("/credits") {
        let at = format!("/credits/{i}");
        let Some(name) = r.str(&format!("{at}/name")) else {
            continue;
        };
        let summary = match r.peek(&format!("{at}/type")).and_then(Value::as_str) {
            Some(kind) => {
                r.str(&format!("{at}/type"));
                contribution(kind).map(str::to_string)
            }
            None => None,
        };
        out.push(Acknowledgment {
            names: vec![name.to_string()],
            organization: None,
            url: contact_url(r, &format!("{at}/contact")),
            summary,
        });
    }
    take_if_empty(r, "/credits");
    out
}

/// The first http(s) contact; psirt-site's credits have one link and no addresses.
fn contact_url(r: &mut Reader<'_>, list: &str) -> Option<String> {
    let mut url = None;
    for k in 0..r.len(list) {
        let at = format!("{list}/{k}");
        let Some(contact) = r.peek(&at).and_then(Value::as_str) else {
            continue;
        };
        if url.is_none() && crate::url::check_url(contact, &["https", "http"]).is_ok() {
            r.str(&at);
            url = Some(contact.to_string());
        } else {
            r.explain(&at, "psirt-site keeps one http(s) link per credit");
        }
    }
    take_if_empty(r, list);
    url
}
