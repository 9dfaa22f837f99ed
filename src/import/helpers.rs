//! `product_identification_helper` → an entry's `identification` table (the keys of
//! `docs/content-model.md`). What the model has no key for stays unread, so it is reported.

use serde_json::Value;
use toml::{Table, Value as Toml};

use super::reader::Reader;

/// The helpers at `at`, or `None` when there are none psirt-site can hold.
pub(super) fn identification(r: &mut Reader<'_>, at: &str) -> Option<Table> {
    r.peek(at)?;
    let mut t = Table::new();
    for key in ["cpe", "purl"] {
        if let Some(v) = r.str(&format!("{at}/{key}")) {
            t.insert(key.into(), Toml::String(v.to_string()));
        }
    }
    for key in ["model_numbers", "skus", "serial_numbers", "sbom_urls"] {
        let list = strings(r, &format!("{at}/{key}"));
        if !list.is_empty() {
            t.insert(key.into(), Toml::Array(list));
        }
    }
    let hashes = hashes(r, &format!("{at}/hashes"));
    if !hashes.is_empty() {
        t.insert("hashes".into(), Toml::Array(hashes));
    }
    let uris = generic_uris(r, &format!("{at}/x_generic_uris"));
    if !uris.is_empty() {
        t.insert("x_generic_uris".into(), Toml::Array(uris));
    }
    (!t.is_empty()).then_some(t)
}

/// Unique strings, as the model requires; a repeated one is reported.
fn strings(r: &mut Reader<'_>, at: &str) -> Vec<Toml> {
    let mut out: Vec<Toml> = Vec::new();
    for i in 0..r.len(at) {
        let p = format!("{at}/{i}");
        let Some(s) = r.peek(&p).and_then(Value::as_str) else {
            continue;
        };
        let v = Toml::String(s.to_string());
        if out.contains(&v) {
            r.explain(&p, "the model keeps each identifier once");
            continue;
        }
        r.str(&p);
        out.push(v);
    }
    out
}

/// One hash per file: the model writes `file_hashes` with one entry.
fn hashes(r: &mut Reader<'_>, at: &str) -> Vec<Toml> {
    let mut out = Vec::new();
    for i in 0..r.len(at) {
        let h = format!("{at}/{i}");
        let (Some(file), Some(alg), Some(value)) = (
            r.peek(&format!("{h}/filename")).and_then(Value::as_str),
            r.peek(&format!("{h}/file_hashes/0/algorithm"))
                .and_then(Value::as_str),
            r.peek(&format!("{h}/file_hashes/0/value"))
                .and_then(Value::as_str),
        ) else {
            continue;
        };
        for k in ["filename", "file_hashes/0/algorithm", "file_hashes/0/value"] {
            r.str(&format!("{h}/{k}"));
        }
        let mut t = Table::new();
        t.insert("filename".into(), Toml::String(file.into()));
        t.insert("algorithm".into(), Toml::String(alg.into()));
        t.insert("value".into(), Toml::String(value.into()));
        out.push(Toml::Table(t));
    }
    out
}

fn generic_uris(r: &mut Reader<'_>, at: &str) -> Vec<Toml> {
    let mut out = Vec::new();
    for i in 0..r.len(at) {
        let u = format!("{at}/{i}");
        let (Some(ns), Some(uri)) = (
            r.peek(&format!("{u}/namespace")).and_then(Value::as_str),
            r.peek(&format!("{u}/uri")).and_then(Value::as_str),
        ) else {
            continue;
        };
        r.str(&format!("{u}/namespace"));
        r.str(&format!("{u}/uri"));
        let mut t = Table::new();
        t.insert("namespace".into(), Toml::String(ns.into()));
        t.insert("uri".into(), Toml::String(uri.into()));
        out.push(Toml::Table(t));
    }
    out
}
