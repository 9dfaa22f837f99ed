//! The checks of the documents themselves: hashes, signatures, schema and mandatory tests.

use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256, Sha512};

use super::Doc;

fn hex<D: Digest>(bytes: &[u8]) -> String {
    D::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether the hash file `<path>.<ext>` (the hex digest, optionally followed by the name, as
/// `sha256sum` writes it) matches `bytes`; `None` when there is no such file. Shared with
/// `import`, which checks a provider's documents the same way.
pub fn hash_file_matches<D: Digest>(path: &Path, bytes: &[u8], ext: &str) -> Option<bool> {
    let text = fs::read_to_string(format!("{}.{ext}", path.display())).ok()?;
    let given = text.split_whitespace().next().unwrap_or("").to_ascii_lowercase();
    Some(given == hex::<D>(bytes))
}

/// CSAF 2.0 §7.1.18 asks for at least one of SHA-256 and SHA-512; every hash file that
/// exists must match. The file holds the hex digest, optionally followed by the name.
pub(super) fn hashes(docs: &[Doc]) -> Vec<String> {
    let mut out = Vec::new();
    for d in docs {
        let mut present = 0;
        for (ext, matches) in [
            ("sha256", hash_file_matches::<Sha256>(&d.path, &d.bytes, "sha256")),
            ("sha512", hash_file_matches::<Sha512>(&d.path, &d.bytes, "sha512")),
        ] {
            let Some(matches) = matches else { continue };
            present += 1;
            if !matches {
                out.push(format!("{}.{ext} does not match the document", d.relative));
            }
        }
        if present == 0 {
            out.push(format!("{} has neither a .sha256 nor a .sha512 file", d.relative));
        }
    }
    out
}

pub(super) fn signatures(docs: &[Doc], key: Option<&str>) -> Vec<String> {
    let Some(key) = key else {
        return vec!["no public key in openpgp/ (a csaf_provider without signatures)".into()];
    };
    docs.iter()
        .filter_map(|d| {
            let sig = fs::read_to_string(format!("{}.asc", d.path.display()));
            match sig {
                Ok(sig) => crate::signing::verify_detached(key, &sig, &d.bytes)
                    .err()
                    .map(|e| format!("{}.asc: {e}", d.relative)),
                Err(_) => Some(format!("{}.asc is missing", d.relative)),
            }
        })
        .collect()
}

pub(super) fn validity(docs: &[Doc]) -> Vec<String> {
    docs.iter()
        .flat_map(|d| match &d.json {
            None => vec![format!("{} is not JSON", d.relative)],
            Some(j) => crate::emit::csaf::validate::validate(j.clone(), &d.path)
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|diag| format!("{}: {}", d.relative, diag.message))
                .collect(),
        })
        .collect()
}
