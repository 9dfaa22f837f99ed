//! `content/acknowledgments.toml`: hall-of-fame credits that have no advisory (silent
//! fixes, hardening reports, …).

use std::path::Path;

use jiff::Timestamp;
use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use super::time::to_timestamp;
use crate::diag::{Code, Diagnostic};
use crate::toml_input;
use crate::url::check_url;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    credits: Vec<RawCredit>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCredit {
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    organization: Option<String>,
    #[serde(default)]
    url: Option<Spanned<String>>,
    summary: String,
    date: Spanned<Datetime>,
    #[serde(default)]
    anonymous: bool,
}

/// A credit without an advisory.
#[derive(Debug, Clone)]
pub struct ExtraCredit {
    pub names: Vec<String>,
    pub organization: Option<String>,
    pub url: Option<String>,
    pub summary: String,
    pub date: Timestamp,
    pub anonymous: bool,
}

pub fn parse(text: &str, file: &Path) -> (Vec<ExtraCredit>, Vec<Diagnostic>) {
    let (raw, mut diags) = toml_input::parse_keeping::<RawFile>(text, 0, file);
    let Some(raw) = raw else {
        return (Vec::new(), diags);
    };
    let mut out = Vec::new();
    for c in raw.credits {
        let date = match to_timestamp(c.date.get_ref()) {
            Ok(d) => d,
            Err(msg) => {
                diags.push(
                    Diagnostic::error(Code::InvalidDate, msg)
                        .at(file, c.date.span())
                        .help("write the date of the credit, e.g. 2026-03-10"),
                );
                continue;
            }
        };
        let url = match &c.url {
            Some(u) => match check_url(u.get_ref(), &["https", "http"]) {
                Ok(()) => Some(u.get_ref().clone()),
                Err(msg) => {
                    diags.push(Diagnostic::error(Code::InvalidUrl, msg).at(file, u.span()));
                    None
                }
            },
            None => None,
        };
        if c.anonymous && !c.names.is_empty() {
            diags.push(
                Diagnostic::error(Code::InvalidValue, "an anonymous credit must not carry names")
                    .at(file, c.date.span())
                    .help("remove `names` or `anonymous`"),
            );
            continue;
        }
        out.push(ExtraCredit {
            names: c.names.iter().map(|n| n.trim().to_string()).collect(),
            organization: c.organization,
            url,
            summary: c.summary,
            date,
            anonymous: c.anonymous,
        });
    }
    (out, diags)
}
