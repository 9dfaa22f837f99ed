//! The PGP key page, the published key and the Web Key Directory.
//!
//! Outputs, when `[pgp]` is configured:
//! * `pgp-key.asc` — the armored key, linked from the page and security.txt `Encryption`;
//! * `.well-known/csaf/openpgp/<FINGERPRINT>.asc` — where CSAF provider-metadata points;
//! * `pgp/index.html` — the key page (template `pgp.html`);
//! * `.well-known/openpgpkey/hu/<hash>` and `.well-known/openpgpkey/policy` — the WKD
//!   "direct method", so `gpg --locate-keys psirt@example.com` finds the key.

use sha1::{Digest, Sha1};

use super::page::page;
use super::{EmitOptions, OutputFile};
use crate::diag::Diagnostic;
use crate::routes::{self, KEY_FILE, KEY_PAGE};
use crate::site::Site;
use crate::theme::Theme;
use crate::view::{Common, KeyContext, KeyView, root_path};

pub fn emit(site: &Site, theme: &Theme, opts: EmitOptions) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let Some(key) = &site.key else {
        return Ok(Vec::new());
    };
    let root = root_path(site.config.base());
    let ctx = KeyContext {
        common: Common::new(site, opts, "pgp", "PGP key", KEY_PAGE)
            .describe("The OpenPGP key of the product security team: fingerprint, download, and how to encrypt a report or verify a signed advisory."),
        key: KeyView {
            fingerprint: &key.fingerprint,
            fingerprint_grouped: &key.fingerprint_grouped,
            algorithm: &key.algorithm,
            created: &key.created,
            expires: key.expires.as_deref(),
            user_ids: &key.user_ids,
            subkeys: &key.subkeys,
            download_url: format!("{root}/{KEY_FILE}"),
            wkd_email: key.wkd_email.as_deref(),
            signs: site.signing,
        },
    };
    let html = page(theme, "pgp.html", &ctx, KEY_PAGE, "rendering the PGP key page").map_err(|d| vec![d])?;
    let mut files = vec![
        html,
        OutputFile::new(KEY_FILE, key.armored.clone()),
        OutputFile::new(routes::csaf_key(&key.fingerprint), key.armored.clone()),
    ];
    if let Some(path) = key.wkd_email.as_deref().and_then(wkd_path) {
        files.push(OutputFile::new(path, key.binary.clone()));
        // An empty policy file tells WKD clients the directory exists (draft §4.5).
        files.push(OutputFile::new(routes::WKD_POLICY, Vec::new()));
    }
    Ok(files)
}

/// The WKD direct-method file of `email`: `.well-known/openpgpkey/hu/<hash>`.
pub fn wkd_path(email: &str) -> Option<String> {
    let (local, _domain) = email.rsplit_once('@')?;
    (!local.is_empty()).then(|| routes::wkd_key(&wkd_hash(local)))
}

/// z-base-32 of the SHA-1 of the local part, with ASCII letters lowercased (only those:
/// the WKD draft maps nothing else).
pub fn wkd_hash(local: &str) -> String {
    zbase32(&Sha1::digest(local.to_ascii_lowercase().as_bytes()))
}

/// z-base-32 (RFC 6189 §5.1.6 alphabet), most significant bit first, no padding.
pub fn zbase32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ybndrfg8ejkmcpqxot1uwisza345h769";
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wkd_hash_matches_the_draft_example() {
        // draft-koch-openpgp-webkey-service §3.1: "Joe.Doe@Example.ORG".
        assert_eq!(wkd_hash("Joe.Doe"), "iy9q119eutrkn8s1mk4r39qejnbu3n5q");
        assert_eq!(
            wkd_path("Joe.Doe@Example.ORG").as_deref(),
            Some(".well-known/openpgpkey/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q")
        );
        assert_eq!(wkd_path("@example.org"), None);
    }

    #[test]
    fn zbase32_known_vectors() {
        // From the z-base-32 specification (Zooko), byte-aligned inputs.
        assert_eq!(zbase32(&[0xf0, 0xbf, 0xc7]), "6n9hq");
        assert_eq!(zbase32(&[0xd4, 0x7a, 0x04]), "4t7ye");
        assert_eq!(zbase32(&[]), "");
    }
}
