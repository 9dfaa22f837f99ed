//! The CSAF 2.0 provider files (§7.1): provider-metadata.json, index.txt, changes.csv,
//! ROLIE feed, service and category documents, and HTML directory listings.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Value, json};

use super::Emitted;
use crate::diag::Diagnostic;
use crate::emit::OutputFile;
use crate::signing::Signer;
use crate::site::Site;

use crate::routes::{
    self, CSAF_CHANGES_FILE, CSAF_FEED_FILE, CSAF_INDEX_FILE, CSAF_METADATA_FILE,
    CSAF_PRODUCTS_CATEGORY_FILE, CSAF_ROOT, CSAF_SERVICE_FILE, CSAF_VENDORS_CATEGORY_FILE, PUBLIC_TLP_DIR,
};

pub const ROLIE_CSAF_SCHEME: &str = "urn:ietf:params:rolie:category:information-type";

fn json_file(path: String, value: &impl Serialize) -> OutputFile {
    let mut bytes = serde_json::to_vec_pretty(value).expect("values with string keys always serialize");
    bytes.push(b'\n');
    OutputFile::new(path, bytes)
}

pub(super) fn url(site: &Site, rel: &str) -> String {
    site.url(&routes::csaf_file(rel))
}

/// The provider files besides the ROLIE feed ([`super::rolie`]): `index.txt`, `changes.csv`, the
/// service and category documents, `provider-metadata.json` and the signing key.
pub fn files(
    site: &Site,
    docs: &[Emitted<'_>],
    signer: Option<&Signer>,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let tlp = routes::csaf_public_dir();
    let mut out = vec![
        OutputFile::new(format!("{tlp}/{CSAF_INDEX_FILE}"), index_txt(docs)),
        OutputFile::new(format!("{tlp}/{CSAF_CHANGES_FILE}"), changes_csv(docs)),
        json_file(routes::csaf_file(CSAF_SERVICE_FILE), &service(site)),
        json_file(
            routes::csaf_file(CSAF_PRODUCTS_CATEGORY_FILE),
            &category(products(site)),
        ),
        json_file(
            routes::csaf_file(CSAF_VENDORS_CATEGORY_FILE),
            &category(vendors(site)),
        ),
        json_file(routes::csaf_file(CSAF_METADATA_FILE), &metadata(site, signer)),
    ];
    if let Some(s) = signer {
        // The signing key may differ from the contact key on the PGP page; publish it
        // where provider-metadata.json points, unless the key page emitter already does.
        let same = site
            .key
            .as_ref()
            .is_some_and(|k| k.fingerprint == s.fingerprint());
        if !same {
            out.push(OutputFile::new(
                routes::csaf_key(s.fingerprint()),
                s.public_key_armored(),
            ));
        }
    }
    Ok(out)
}

/// One relative path per line, sorted (§7.1.12).
pub fn index_txt(docs: &[Emitted<'_>]) -> String {
    let paths: BTreeSet<&str> = docs.iter().map(|d| d.relative).collect();
    paths.into_iter().map(|p| format!("{p}\n")).collect()
}

/// `"path","current_release_date"`, newest first (§7.1.13). Ties are broken by path so
/// the file is stable.
pub fn changes_csv(docs: &[Emitted<'_>]) -> String {
    let mut rows: Vec<(&str, &str)> = docs.iter().map(|d| (d.current, d.relative)).collect();
    rows.sort_by(|a, b| b.0.cmp(a.0).then_with(|| a.1.cmp(b.1)));
    rows.into_iter()
        .map(|(date, path)| format!("{},{}\n", csv_quote(path), csv_quote(date)))
        .collect()
}

fn csv_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn service(site: &Site) -> Value {
    json!({
        "service": {
            "workspace": [ {
                "title": "Public CSAF feed",
                "collection": [ {
                    "title": format!("{} CSAF feed (TLP:WHITE)", site.config.publisher.name),
                    "href": url(site, CSAF_FEED_FILE),
                    "categories": { "category": [ { "scheme": ROLIE_CSAF_SCHEME, "term": "csaf" } ] }
                } ]
            } ]
        }
    })
}

fn products(site: &Site) -> Vec<String> {
    site.catalog.products.values().map(|p| p.name.clone()).collect()
}

fn vendors(site: &Site) -> Vec<String> {
    let set: BTreeSet<String> = site.catalog.products.values().map(|p| p.vendor.clone()).collect();
    set.into_iter().collect()
}

fn category(terms: Vec<String>) -> Value {
    let items: Vec<Value> = terms.into_iter().map(|t| json!({ "term": t })).collect();
    json!({ "categories": { "category": items } })
}

fn metadata(site: &Site, signer: Option<&Signer>) -> Value {
    let cfg = &site.config;
    let mut publisher = serde_json::Map::new();
    publisher.insert("category".into(), json!(cfg.publisher.category.as_str()));
    if let Some(c) = &cfg.publisher.contact_details {
        publisher.insert("contact_details".into(), json!(c.get_ref()));
    }
    if let Some(i) = &cfg.publisher.issuing_authority {
        publisher.insert("issuing_authority".into(), json!(i));
    }
    publisher.insert("name".into(), json!(cfg.publisher.name));
    publisher.insert("namespace".into(), json!(cfg.publisher.namespace.get_ref()));
    let keys: Vec<Value> = signer
        .map(|s| {
            vec![json!({
                "fingerprint": s.fingerprint(),
                "url": url(site, &format!("openpgp/{}.asc", s.fingerprint())),
            })]
        })
        .unwrap_or_default();
    let role = if signer.is_some() {
        "csaf_trusted_provider"
    } else {
        "csaf_provider"
    };
    json!({
        "canonical_url": url(site, CSAF_METADATA_FILE),
        "distributions": [ {
            "directory_url": url(site, &format!("{PUBLIC_TLP_DIR}/")),
            "rolie": { "feeds": [ {
                "summary": format!("All TLP:WHITE advisories of {}.", cfg.publisher.name),
                "tlp_label": "WHITE",
                "url": url(site, CSAF_FEED_FILE),
            } ] }
        } ],
        "last_updated": crate::model::time::rfc3339(site.last_change()),
        "list_on_CSAF_aggregators": true,
        "metadata_version": "2.0",
        "mirror_on_CSAF_aggregators": true,
        "public_openpgp_keys": keys,
        "publisher": publisher,
        "role": role,
    })
}

pub(super) fn slug(s: &str) -> String {
    crate::markdown::slugify(s)
}

/// A folder of the provider tree (`dir`, below `.well-known/csaf/`, with a final `/`; the
/// root is ""), and what it holds: its files, and its sub-folders with a final `/`.
pub struct Folder<'p> {
    pub dir: &'p str,
    /// Sorted, each once.
    pub entries: Vec<&'p str>,
}

/// Every folder of the provider tree among the output's paths, each with what it holds, for
/// its pre-rendered directory listing ([`listing`]).
pub fn folders(all_paths: &[String]) -> Vec<Folder<'_>> {
    use rayon::prelude::*;
    // In parallel over runs of paths, then merged: each path adds itself to its folder and
    // each of its folders to the one above. A folder's entries are gathered, then sorted
    // once (a set per folder cost ~5 ms per rebuild at 10k: every insert is a search among
    // hundreds of names).
    let mut dirs = all_paths
        .par_chunks(4096)
        .map(folders_of)
        .reduce(Folders::new, |mut all, more| {
            for (dir, entries) in more {
                all.entry(dir).or_default().extend(entries);
            }
            all
        });
    dirs.entry("").or_default();
    dirs.into_iter()
        .map(|(dir, mut entries)| {
            entries.sort_unstable();
            entries.dedup();
            Folder { dir, entries }
        })
        .collect()
}

/// Folders of the provider tree by path below it, each with its entries (unsorted, maybe
/// repeated).
type Folders<'p> = BTreeMap<&'p str, Vec<&'p str>>;

/// The folders among `paths` (see [`folders`]).
fn folders_of(paths: &[String]) -> Folders<'_> {
    let prefix = format!("{CSAF_ROOT}/");
    let paths = paths
        .iter()
        .filter_map(|p| p.strip_prefix(&prefix))
        .filter(|p| !p.ends_with(routes::INDEX_FILE));
    let mut dirs = Folders::new();
    for p in paths {
        let mut start = 0;
        while let Some(slash) = p[start..].find('/') {
            let end = start + slash + 1;
            let folder = dirs.entry(&p[..start]).or_default();
            // Paths of one folder mostly come together: most repeats stop here.
            if folder.last() != Some(&&p[start..end]) {
                folder.push(&p[start..end]);
            }
            start = end;
        }
        dirs.entry(&p[..start]).or_default().push(&p[start..]);
    }
    dirs
}

/// Where a folder's listing is written.
pub fn listing_path(folder: &Folder<'_>) -> String {
    format!("{CSAF_ROOT}/{}{}", folder.dir, routes::INDEX_FILE)
}

/// The key of a folder's listing: what it holds, and `context`, which covers the rest it
/// reads (the site's title, whether it is a preview, minification, psirt-site's version).
pub fn listing_key(context: &crate::digest::Key, folder: &Folder<'_>) -> crate::digest::Key {
    let mut h = crate::digest::Hasher::default();
    h.part(b"csaf listing").part(context).part(folder.dir.as_bytes());
    for e in &folder.entries {
        h.part(e.as_bytes());
    }
    h.finish()
}

/// The pre-rendered directory listing (`index.html`) of a folder of the provider tree:
/// crawlers that do not read ROLIE follow them, and CSAF forbids script-built listings.
/// `noindex` (previews) asks search engines to keep the listings out of their index, as
/// every other page of a preview does.
pub fn listing(folder: &Folder<'_>, title: &str, noindex: bool) -> OutputFile {
    OutputFile::new(
        listing_path(folder),
        listing_html(title, folder.dir, &folder.entries, noindex),
    )
}

fn listing_html(title: &str, dir: &str, entries: &[&str], noindex: bool) -> String {
    let heading = crate::escape::markup(&format!("Index of /{CSAF_ROOT}/{dir}"));
    let mut items = String::new();
    if !dir.is_empty() {
        items.push_str("<li><a href=\"../\">../</a></li>\n");
    }
    for e in entries {
        let href = e
            .split('/')
            .map(crate::url::encode_segment)
            .collect::<Vec<_>>()
            .join("/");
        items.push_str(&format!(
            "<li><a href=\"{href}\">{}</a></li>\n",
            crate::escape::markup(e)
        ));
    }
    let robots = if noindex {
        "<meta name=\"robots\" content=\"noindex\">\n"
    } else {
        ""
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n{robots}<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{heading} · {}</title>\n</head>\n<body>\n<main>\n<h1>{heading}</h1>\n<ul>\n{items}</ul>\n</main>\n</body>\n</html>\n",
        crate::escape::markup(title)
    )
}
