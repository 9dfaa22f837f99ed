//! Reading the published OpenPGP public key for the key page, the Web Key Directory and
//! the CSAF provider's `openpgp/` folder.
//!
//! rPGP works at the packet level, so the facts a reader expects (`gpg --list-keys`:
//! expiry, revocation, usage) are derived here from the self-signatures, and only from
//! signatures that verify against the primary key: a file anyone can append packets to
//! must not be able to change what the page claims.

use std::path::Path;

mod component;

use jiff::{SignedDuration, Timestamp};
use pgp::armor::{BlockType, Dearmor};
use pgp::composed::{Deserializable, SignedPublicKey};
use pgp::types::Tag;
use serde::Serialize;

pub(crate) use self::component::{Component, fingerprint_hex, primary_component, subkey_component};
use crate::config::{CONFIG_FILE, SiteConfig};
use crate::diag::{Code, Diagnostic};

/// Keys expiring sooner than this after the build get a warning, so there is time to
/// extend the expiry and re-publish before reporters' tools refuse the key.
pub const EXPIRY_WARNING_DAYS: i64 = 90;

/// What the key page shows about the published key.
#[derive(Debug, Clone, Serialize)]
pub struct KeyInfo {
    /// Uppercase hex, no spaces.
    pub fingerprint: String,
    /// Groups of four, for reading aloud.
    pub fingerprint_grouped: String,
    /// E.g. `RSA 4096`, `EdDSA (Ed25519)`.
    pub algorithm: String,
    /// `YYYY-MM-DD`.
    pub created: String,
    pub expires: Option<String>,
    /// The primary user id first.
    pub user_ids: Vec<String>,
    pub subkeys: Vec<SubkeyInfo>,
    /// The key file as the PSIRT exported it (armor headers and all).
    pub armored: String,
    /// The address of the first user id, for `gpg --locate-keys` and the WKD.
    pub wkd_email: Option<String>,
    /// The unarmored key, served by the Web Key Directory.
    #[serde(skip)]
    pub binary: Vec<u8>,
    #[serde(skip)]
    pub expires_at: Option<Timestamp>,
    #[serde(skip)]
    pub revoked: bool,
    /// Whether the primary key itself may encrypt (RSA keys often do).
    #[serde(skip)]
    pub primary_encrypts: bool,
}

/// One (non-revoked) subkey.
#[derive(Debug, Clone, Serialize)]
pub struct SubkeyInfo {
    pub fingerprint: String,
    pub algorithm: String,
    pub created: String,
    pub expires: Option<String>,
    /// `sign`, `encrypt`, `sign, encrypt`, …
    pub capabilities: String,
    #[serde(skip)]
    pub expires_at: Option<Timestamp>,
    #[serde(skip)]
    pub encrypts: bool,
}

/// `ABCD EF01 …`: groups of four hex digits.
pub fn group_fingerprint(hex: &str) -> String {
    hex.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn day(t: Timestamp) -> String {
    t.strftime("%Y-%m-%d").to_string()
}

/// The address in a user id (`Name (comment) <a@b>` or a bare `a@b`).
pub fn email_of(user_id: &str) -> Option<String> {
    let addr = match (user_id.rfind('<'), user_id.rfind('>')) {
        (Some(start), Some(end)) if start < end => &user_id[start + 1..end],
        _ => user_id.trim(),
    };
    let (local, domain) = addr.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !addr
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"'/\\".contains(c));
    ok.then(|| addr.to_string())
}

/// Why a key file cannot be published: message and hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError {
    pub message: String,
    pub help: &'static str,
}

fn key_error(message: impl Into<String>, help: &'static str) -> KeyError {
    KeyError {
        message: message.into(),
        help,
    }
}

const EXPORT_HELP: &str = "export the public key with `gpg --armor --export FINGERPRINT > FILE`";

/// Unarmors `text`, refusing anything but one armored public key block.
fn unarmor(text: &str) -> Result<Vec<u8>, KeyError> {
    let mut dearmor = Dearmor::new(text.as_bytes());
    let mut bytes = Vec::new();
    let read = std::io::Read::read_to_end(&mut dearmor, &mut bytes);
    match (dearmor.typ, read) {
        (Some(BlockType::PublicKey), Ok(_)) => Ok(bytes),
        (Some(BlockType::PrivateKey | BlockType::PrivateKeyPKCS1(_) | BlockType::PrivateKeyPKCS8), _) => {
            Err(key_error(
                "this file holds a SECRET key; refusing to publish it",
                "point [pgp] public_key at the public key (`gpg --armor --export`), and replace the secret key if it was ever shared",
            ))
        }
        (Some(BlockType::PublicKey), Err(_)) | (None, _) => Err(key_error(
            "this is not an ASCII-armored OpenPGP public key",
            EXPORT_HELP,
        )),
        (Some(other), _) => Err(key_error(
            format!("this is a `{other}` block, not a public key"),
            EXPORT_HELP,
        )),
    }
}

impl KeyInfo {
    /// Parses an armored public key (exactly one) into what the key page shows.
    pub fn from_armored(text: &str) -> Result<KeyInfo, KeyError> {
        let binary = unarmor(text)?;
        let mut keys = SignedPublicKey::from_bytes_many(&binary[..])
            .map_err(|e| key_error(format!("cannot read the key: {e}"), EXPORT_HELP))?;
        let key = match keys.next() {
            Some(Ok(k)) => k,
            Some(Err(e)) => {
                return Err(key_error(format!("cannot read the key: {e}"), EXPORT_HELP));
            }
            None => return Err(key_error("the armor holds no key", EXPORT_HELP)),
        };
        if keys.next().is_some() {
            return Err(key_error(
                "the file holds more than one key",
                "publish one key: `gpg --armor --export FINGERPRINT` with the PSIRT key's fingerprint",
            ));
        }
        let primary = primary_component(&key).ok_or_else(|| {
            key_error(
                "the key has no valid self-signature (no user id signed with a current hash algorithm)",
                "refresh the key's self-signatures, e.g. `gpg --quick-set-expire FINGERPRINT 2y`, and export it again",
            )
        })?;
        let subs: Vec<Component> = key
            .public_subkeys
            .iter()
            .filter_map(|s| subkey_component(&key, s))
            .filter(|c| !c.revoked)
            .collect();
        drop(keys);
        Ok(KeyInfo::assemble(&key, primary, subs, text, binary))
    }

    fn assemble(
        key: &SignedPublicKey,
        primary: Component,
        subs: Vec<Component>,
        text: &str,
        binary: Vec<u8>,
    ) -> KeyInfo {
        let user_ids = user_ids(key);
        let wkd_email = user_ids.first().and_then(|u| email_of(u));
        let mut armored = text.replace("\r\n", "\n");
        if !armored.ends_with('\n') {
            armored.push('\n');
        }
        KeyInfo {
            fingerprint_grouped: group_fingerprint(&primary.fingerprint),
            fingerprint: primary.fingerprint,
            algorithm: primary.algorithm,
            created: day(primary.created),
            expires: primary.expires.map(day),
            user_ids,
            subkeys: subs
                .iter()
                .map(|s| SubkeyInfo {
                    fingerprint: s.fingerprint.clone(),
                    algorithm: s.algorithm.clone(),
                    created: day(s.created),
                    expires: s.expires.map(day),
                    capabilities: s.caps.describe(),
                    expires_at: s.expires,
                    encrypts: s.caps.encrypt,
                })
                .collect(),
            armored,
            wkd_email,
            binary,
            expires_at: primary.expires,
            revoked: primary.revoked,
            primary_encrypts: primary.caps.encrypt,
        }
    }

    /// Problems with the key at `now`: errors when it is revoked or expired, a warning
    /// when it expires soon or nobody can encrypt to it.
    pub fn problems(&self, now: Timestamp) -> Vec<Diagnostic> {
        let fpr = &self.fingerprint;
        let mut out = Vec::new();
        if self.revoked {
            out.push(
                Diagnostic::error(Code::Key, format!("the published key {fpr} is revoked"))
                    .help(NEW_KEY_HELP),
            );
        }
        let soon = now
            .checked_add(SignedDuration::from_hours(24 * EXPIRY_WARNING_DAYS))
            .unwrap_or(Timestamp::MAX);
        match self.expires_at {
            Some(e) if e <= now => out.push(
                Diagnostic::error(
                    Code::Key,
                    format!("the published key {fpr} expired on {}", day(e)),
                )
                .help(EXTEND_HELP),
            ),
            Some(e) if e < soon => out.push(
                Diagnostic::warning(
                    Code::Key,
                    format!("the published key {fpr} expires on {}", day(e)),
                )
                .help(EXTEND_HELP),
            ),
            _ => {}
        }
        let can_encrypt = self.primary_encrypts
            || self
                .subkeys
                .iter()
                .any(|s| s.encrypts && s.expires_at.is_none_or(|e| e > now));
        if !can_encrypt {
            out.push(
                Diagnostic::warning(
                    Code::Key,
                    "the published key has no valid encryption (sub)key: reporters cannot encrypt to it",
                )
                .help(
                    "add one with `gpg --quick-add-key FINGERPRINT cv25519 encr 2y` and export the key again",
                ),
            );
        }
        out
    }
}

const NEW_KEY_HELP: &str = "publish the PSIRT's current key (see docs/signing.md, \"Rotating the key\")";
const EXTEND_HELP: &str = "extend it with `gpg --quick-set-expire FINGERPRINT 2y` (and `… 2y '*'` for subkeys), then export and commit the public key again";

/// User ids as text, the primary one (by the primary-user-id flag) first; gpg does not
/// set the flag on a single user id, so otherwise the first in the file leads.
fn user_ids(key: &SignedPublicKey) -> Vec<String> {
    let mut users: Vec<(bool, String)> = key
        .details
        .users
        .iter()
        .filter_map(|u| {
            let text = String::from_utf8_lossy(u.id.id()).into_owned();
            let signed = u.signatures.iter().any(|s| {
                s.verify_certification(&key.primary_key, Tag::UserId, &u.id)
                    .is_ok()
            });
            signed.then(|| (u.is_primary(), text))
        })
        .collect();
    users.sort_by_key(|(primary, _)| !primary);
    users.into_iter().map(|(_, t)| t).collect()
}

/// Armored OpenPGP keys, secret or public, are a few kilobytes; even a key with many
/// subkeys and certifications stays far below this.
pub const MAX_KEY_BYTES: u64 = 1024 * 1024;

/// Reads an armored key file: a regular file of at most [`MAX_KEY_BYTES`], in UTF-8 (so
/// `key_file = "/dev/zero"` is refused instead of read until memory runs out).
pub fn read_key_file(path: &Path) -> Result<String, String> {
    let bytes = crate::source::read_limited(path, MAX_KEY_BYTES).map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|_| "the file is not UTF-8 text (an armored key is ASCII)".into())
}

/// Loads the configured public key: `Ok(None)` when none is configured; warnings ride
/// along with the key.
pub fn load(
    root: &Path,
    config: &SiteConfig,
    now: Timestamp,
) -> Result<Option<(KeyInfo, Vec<Diagnostic>)>, Vec<Diagnostic>> {
    let Some(pgp) = &config.pgp else {
        return Ok(None);
    };
    let rel = pgp.public_key.get_ref();
    let here = |d: Diagnostic| d.at(CONFIG_FILE, pgp.public_key.span());
    let text = read_key_file(&crate::source::site_path(root, rel)).map_err(|e| {
        vec![here(
            Diagnostic::error(Code::Key, format!("cannot read the OpenPGP public key `{}`: {e}", rel.display()))
                .help("the path is relative to the site root; export the key with `gpg --armor --export FINGERPRINT > FILE`"),
        )]
    })?;
    let info = KeyInfo::from_armored(&text).map_err(|e| {
        vec![here(
            Diagnostic::error(Code::Key, format!("{}: {}", rel.display(), e.message)).help(e.help),
        )]
    })?;
    let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = info
        .problems(now)
        .into_iter()
        .map(here)
        .partition(Diagnostic::is_error);
    if errors.is_empty() {
        Ok(Some((info, warnings)))
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_emails() {
        assert_eq!(group_fingerprint("ABCDEF0123456789"), "ABCD EF01 2345 6789");
        assert_eq!(
            email_of("Acme PSIRT (EXAMPLE) <psirt@acme.example>").as_deref(),
            Some("psirt@acme.example")
        );
        assert_eq!(
            email_of("psirt@acme.example").as_deref(),
            Some("psirt@acme.example")
        );
        assert_eq!(email_of("Just a name"), None);
        assert_eq!(email_of("Bad <a b@c.d>"), None);
    }

    #[test]
    fn refuses_secret_keys_and_garbage() {
        let secret = "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nAAAA\n-----END PGP PRIVATE KEY BLOCK-----\n";
        let e = KeyInfo::from_armored(secret).expect_err("secret key");
        assert!(e.message.contains("SECRET"), "{}", e.message);
        let e = KeyInfo::from_armored("hello").expect_err("garbage");
        assert!(e.message.contains("not an ASCII-armored"), "{}", e.message);
    }
}
