//! CSAF 2.0: one validated `csaf_security_advisory` per published advisory, with hashes
//! and signatures, in the trusted-provider layout of CSAF 2.0 §7.1.

pub mod document;
pub mod product_tree;
pub mod provider;
pub mod rolie;
pub mod validate;
mod vex;
mod vulnerabilities;

use sha2::{Digest, Sha256, Sha512};

use super::OutputFile;
use crate::diag::Diagnostic;
use crate::digest::Key;
use crate::model::Advisory;
use crate::model::advisory::Section;
use crate::routes::{self, advisory_path};
use crate::signing::Signer;
use crate::site::Site;
use crate::view::DownloadView;

/// The CSAF file name of a tracking id (CSAF 2.0 §5.1); see [`routes::csaf_file_name`].
pub fn file_name(tracking_id: &str) -> String {
    routes::csaf_file_name(tracking_id)
}

/// `2026/acme-sa-2026-0001.json`: the path below the TLP folder.
pub fn relative_path(a: &Advisory) -> String {
    routes::csaf_relative_path(a.year(), a.id.as_str())
}

/// Path of the document in the output tree.
pub fn document_path(a: &Advisory) -> String {
    format!("{}/{}", routes::csaf_public_dir(), relative_path(a))
}

/// Links to the machine-readable versions, for the advisory page.
pub fn downloads(site: &Site, a: &Advisory) -> Vec<DownloadView> {
    let url = site.url(&document_path(a));
    let mut out = vec![
        DownloadView {
            label: "CSAF 2.0 (JSON)".into(),
            url: url.clone(),
        },
        DownloadView {
            label: "SHA-256".into(),
            url: format!("{url}.sha256"),
        },
        DownloadView {
            label: "SHA-512".into(),
            url: format!("{url}.sha512"),
        },
    ];
    if site.signing {
        out.push(DownloadView {
            label: "OpenPGP signature".into(),
            url: format!("{url}.asc"),
        });
    }
    out
}

/// One emitted document: what the provider files need to list it.
#[derive(Debug, Clone)]
pub struct Emitted<'a> {
    pub relative: &'a str,
    pub id: &'a str,
    pub title: &'a str,
    pub initial: &'a str,
    pub current: &'a str,
    /// The advisory summary, for the ROLIE entry.
    pub summary: &'a str,
    /// The key of its ROLIE entry ([`rolie::entry_key`] of the fields above).
    pub entry_key: crate::digest::Key,
}

/// The `##` sections of an advisory's body, for its notes. The build takes them from the
/// page's rendering of the body instead (one Markdown pass per advisory); this is for the
/// documents that have no page (held back, restricted, `check`).
pub fn sections(site: &Site, a: &Advisory) -> Vec<Section> {
    crate::markdown::outline(a.body.markdown(), site.config.raw_html).sections
}

/// The CSAF JSON of an advisory, as published (also used by tests and `check`).
pub fn csaf_json(site: &Site, a: &Advisory) -> serde_json::Value {
    csaf_json_with(site, a, &site.catalog, &sections(site, a))
}

/// As `csaf_json`, with another catalog (held-back advisories may name products that the
/// public site does not show yet) and the body's sections given.
pub fn csaf_json_with(
    site: &Site,
    a: &Advisory,
    catalog: &crate::model::Catalog,
    sections: &[Section],
) -> serde_json::Value {
    let urls = document::Urls {
        json: site.url(&document_path(a)),
        html: site.url(advisory_path(a.id.as_str()).trim_start_matches('/')),
    };
    let version = env!("CARGO_PKG_VERSION");
    document::to_csaf(a, sections, &site.config, catalog, &urls, version)
}

/// Sorts object keys recursively: CSAF recommends alphabetically sorted keys (test
/// 6.2.13), and sorted keys make documents diff and hash stably.
pub fn sort_keys(value: &mut serde_json::Value) {
    value.sort_all_objects();
}

fn serialize(site: &Site, value: &serde_json::Value) -> Vec<u8> {
    // Room for a typical document (10–20 KB pretty-printed), instead of growing from 128
    // bytes by doubling.
    let mut bytes = Vec::with_capacity(32 * 1024);
    if site.config.csaf.pretty {
        serde_json::to_writer_pretty(&mut bytes, value)
    } else {
        serde_json::to_writer(&mut bytes, value)
    }
    .expect("a serde_json::Value always serializes into memory");
    bytes.push(b'\n');
    bytes
}

/// `<hex>  <file name>\n`, the format `sha256sum -c` reads (CSAF 2.0 §7.1.18).
pub fn hash_file<D: Digest>(bytes: &[u8], name: &str) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = D::digest(bytes);
    let mut out = Vec::with_capacity(digest.len() * 2 + name.len() + 3);
    for b in digest.iter() {
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 0xf)]);
    }
    out.extend_from_slice(b"  ");
    out.extend_from_slice(name.as_bytes());
    out.push(b'\n');
    out
}

/// The document (last), its hashes and its signature, made and validated.
fn new_document_files(
    site: &Site,
    a: &Advisory,
    sections: &[Section],
    signer: Option<&Signer>,
    path: &str,
    catalog: &crate::model::Catalog,
) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let mut json = csaf_json_with(site, a, catalog, sections);
    sort_keys(&mut json);
    let bytes = serialize(site, &json);
    validate::validate(json, &a.source)?;
    let name = file_name(a.id.as_str());
    let mut files = vec![
        OutputFile::new(format!("{path}.sha256"), hash_file::<Sha256>(&bytes, &name)),
        OutputFile::new(format!("{path}.sha512"), hash_file::<Sha512>(&bytes, &name)),
    ];
    if let Some(s) = signer {
        let sig = s.detached_at(&bytes, a.updated()).map_err(|d| vec![d])?;
        files.push(OutputFile::new(format!("{path}.asc"), sig));
    }
    files.push(OutputFile::new(path, bytes));
    Ok(files)
}

/// A released advisory's CSAF document with hashes and signature, and what the provider
/// files (index, changes, ROLIE feed) say of it; `None` for advisories held back. The
/// provider files themselves come from [`rolie::feed`] and [`provider::files`].
/// `sections` are the body's `##` sections, from the page's rendering of it.
pub fn advisory_files(
    site: &Site,
    a: &Advisory,
    sections: &[Section],
    signer: Option<&Signer>,
) -> Result<Option<Vec<OutputFile>>, Vec<Diagnostic>> {
    if !site.is_published(a) {
        return Ok(None);
    }
    let path = format!("{}/{}", routes::csaf_public_dir(), relative_path(a));
    new_document_files(site, a, sections, signer, &path, &site.catalog).map(Some)
}

/// Published advisories are validated when their CSAF is emitted; held-back ones are
/// converted and validated here, so an embargoed advisory cannot fail on release day.
/// Held-back advisories are checked as thoroughly as published ones.
///
/// A document the last build checked under the same key ([`crate::emit::reuse::held_check_key`]) passes
/// again: `passed` says which keys did. Returns the problems, and the keys of the documents
/// that passed (for the next build's cache).
pub fn check_held_back(site: &Site, passed: &(dyn Fn(&Key) -> bool + Sync)) -> (Vec<Diagnostic>, Vec<Key>) {
    use rayon::prelude::*;
    let catalog = &site.full_catalog;
    let context = crate::emit::reuse::held_check_context(site);
    let results: Vec<(Key, Vec<Diagnostic>)> = site
        .held
        .par_iter()
        .map(|a| {
            let key = crate::emit::reuse::held_check_key(site, &context, a);
            if passed(&key) {
                return (key, Vec::new());
            }
            let mut json = csaf_json_with(site, a, catalog, &sections(site, a));
            sort_keys(&mut json);
            (key, validate::validate(json, &a.source).err().unwrap_or_default())
        })
        .collect();
    let mut diags = Vec::new();
    let mut keys = Vec::new();
    for (key, found) in results {
        if found.is_empty() {
            keys.push(key);
        }
        diags.extend(found);
    }
    (diags, keys)
}

/// CSAF for released advisories whose TLP is not CLEAR, for upload to an access-controlled
/// location: one folder per CSAF 2.0 TLP label (`green/`, `amber/`, `red/`) with year
/// folders, hashes, signatures, `index.txt` and `changes.csv`. Never part of the public site.
pub fn restricted(site: &Site, signer: Option<&Signer>) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    use crate::site::{HoldReason, Visibility};
    let catalog = &site.full_catalog;
    let restricted: Vec<&Advisory> = site
        .held
        .iter()
        .map(std::sync::Arc::as_ref)
        .filter(|a| {
            matches!(
                site.visibility(a),
                Visibility::Held(HoldReason::Restricted { .. })
            )
        })
        .collect();
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let mut labels: Vec<&str> = restricted.iter().map(|a| a.tlp.csaf20_label()).collect();
    labels.sort_unstable();
    labels.dedup();
    for label in labels {
        let dir = routes::csaf_tlp_dir(label);
        let mut documents = Vec::new();
        for a in restricted.iter().filter(|a| a.tlp.csaf20_label() == label) {
            let path = format!("{dir}/{}", relative_path(a));
            match new_document_files(site, a, &sections(site, a), signer, &path, catalog) {
                Ok(made) => {
                    documents.push((*a, super::derived::Document::of(a)));
                    files.extend(made);
                }
                Err(d) => diags.extend(d),
            }
        }
        let emitted: Vec<Emitted<'_>> = documents.iter().map(|(a, d)| d.emitted(a)).collect();
        files.push(OutputFile::new(
            format!("{dir}/{}", routes::CSAF_INDEX_FILE),
            provider::index_txt(&emitted),
        ));
        files.push(OutputFile::new(
            format!("{dir}/{}", routes::CSAF_CHANGES_FILE),
            provider::changes_csv(&emitted),
        ));
    }
    if diags.is_empty() { Ok(files) } else { Err(diags) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_files_are_what_sha256sum_reads() {
        assert_eq!(
            String::from_utf8(hash_file::<Sha256>(b"abc", "x.json")).expect("ASCII"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  x.json\n"
        );
    }
}
