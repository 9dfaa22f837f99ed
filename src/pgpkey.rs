//! Reading the published OpenPGP public key for the key page, the Web Key Directory and
//! the CSAF provider's `openpgp/` folder.
//!
//! rPGP works at the packet level, so the facts a reader expects (`gpg --list-keys`:
//! expiry, revocation, usage) are derived here from the self-signatures, and only from
//! signatures that verify against the primary key: a file anyone can append packets to
//! must not be able to change what the page claims.

use std::path::Path;

use jiff::{SignedDuration, Timestamp};
use pgp::armor::{BlockType, Dearmor};
use pgp::composed::{Deserializable, SignedPublicKey, SignedPublicSubKey};
use pgp::crypto::public_key::PublicKeyAlgorithm;
use pgp::packet::{KeyFlags, Signature};
use pgp::ser::Serialize as _;
use pgp::types::{KeyDetails, PublicParams, Tag};
use serde::Serialize;

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

/// A primary key or subkey as its newest valid self-signature describes it.
#[derive(Debug, Clone)]
pub(crate) struct Component {
    pub fingerprint: String,
    pub algorithm: String,
    pub created: Timestamp,
    pub expires: Option<Timestamp>,
    pub revoked: bool,
    pub caps: Caps,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Caps {
    pub certify: bool,
    pub sign: bool,
    pub encrypt: bool,
    pub authenticate: bool,
}

impl Caps {
    fn from_flags(flags: &KeyFlags, alg: PublicKeyAlgorithm, primary: bool) -> Caps {
        let caps = Caps {
            certify: flags.certify(),
            sign: flags.sign(),
            encrypt: flags.encrypt_comms() || flags.encrypt_storage(),
            authenticate: flags.authentication(),
        };
        if caps != Caps::default() {
            return caps;
        }
        // Keys older than the key-flags subpacket: what the algorithm can do.
        let sign = !matches!(alg, PublicKeyAlgorithm::ECDH | PublicKeyAlgorithm::ElgamalEncrypt)
            && !matches!(alg, PublicKeyAlgorithm::X25519 | PublicKeyAlgorithm::X448 | PublicKeyAlgorithm::RSAEncrypt);
        let encrypt = matches!(
            alg,
            PublicKeyAlgorithm::RSA
                | PublicKeyAlgorithm::RSAEncrypt
                | PublicKeyAlgorithm::ECDH
                | PublicKeyAlgorithm::ElgamalEncrypt
                | PublicKeyAlgorithm::X25519
                | PublicKeyAlgorithm::X448
        );
        Caps { certify: primary, sign, encrypt, authenticate: false }
    }

    fn describe(self) -> String {
        let names = [
            (self.certify, "certify"),
            (self.sign, "sign"),
            (self.encrypt, "encrypt"),
            (self.authenticate, "authenticate"),
        ];
        let used: Vec<&str> = names.iter().filter(|(on, _)| *on).map(|(_, n)| *n).collect();
        if used.is_empty() { "none".into() } else { used.join(", ") }
    }
}

impl Component {
    /// Usable for new signatures or encryption at `now`.
    pub(crate) fn is_valid_at(&self, now: Timestamp) -> bool {
        !self.revoked && self.expires.is_none_or(|e| e > now) && self.created <= now
    }
}

fn to_jiff(t: pgp::types::Timestamp) -> Timestamp {
    Timestamp::from_second(i64::from(t.as_secs())).unwrap_or_default()
}

fn sig_time(sig: &Signature) -> Timestamp {
    sig.created().map(to_jiff).unwrap_or_default()
}

/// `created + key expiration time`; zero means "never" (RFC 9580 §5.2.3.13).
fn expiry(created: Timestamp, sig: &Signature) -> Option<Timestamp> {
    let secs = sig.key_expiration_time()?.as_secs();
    if secs == 0 {
        return None;
    }
    created.checked_add(SignedDuration::from_secs(i64::from(secs))).ok()
}

pub(crate) fn fingerprint_hex(key: &impl KeyDetails) -> String {
    format!("{:X}", key.fingerprint())
}

/// The primary key's state, or `None` when no self-signature verifies.
pub(crate) fn primary_component(key: &SignedPublicKey) -> Option<Component> {
    let primary = &key.primary_key;
    let mut self_sigs: Vec<&Signature> = key
        .details
        .users
        .iter()
        .flat_map(|u| u.signatures.iter().filter(|s| s.verify_certification(primary, Tag::UserId, &u.id).is_ok()))
        .collect();
    self_sigs.extend(key.details.direct_signatures.iter().filter(|s| s.verify_key(primary).is_ok()));
    let newest = self_sigs.into_iter().max_by_key(|s| sig_time(s))?;
    let created = to_jiff(primary.created_at());
    let revoked = key.details.revocation_signatures.iter().any(|s| s.verify_key(primary).is_ok());
    Some(Component {
        fingerprint: fingerprint_hex(primary),
        algorithm: algorithm_name(primary.algorithm(), primary.public_params()),
        created,
        expires: expiry(created, newest),
        revoked,
        caps: Caps::from_flags(&newest.key_flags(), primary.algorithm(), true),
    })
}

/// A subkey's state, or `None` when no binding signature verifies.
pub(crate) fn subkey_component(key: &SignedPublicKey, sub: &SignedPublicSubKey) -> Option<Component> {
    let valid: Vec<&Signature> = sub
        .signatures
        .iter()
        .filter(|s| s.verify_subkey_binding(&key.primary_key, &sub.key).is_ok())
        .collect();
    let is_revocation = |s: &&Signature| s.typ() == Some(pgp::packet::SignatureType::SubkeyRevocation);
    let newest = valid.iter().filter(|s| !is_revocation(s)).max_by_key(|s| sig_time(s))?;
    let created = to_jiff(sub.key.created_at());
    Some(Component {
        fingerprint: fingerprint_hex(&sub.key),
        algorithm: algorithm_name(sub.key.algorithm(), sub.key.public_params()),
        created,
        expires: expiry(created, newest),
        revoked: valid.iter().any(is_revocation),
        caps: Caps::from_flags(&newest.key_flags(), sub.key.algorithm(), false),
    })
}

/// Human name of a key algorithm as `gpg` users know it.
pub(crate) fn algorithm_name(alg: PublicKeyAlgorithm, params: &PublicParams) -> String {
    let bits = || mpi_bits(params).map(|b| format!(" {b}")).unwrap_or_default();
    match params {
        PublicParams::RSA(_) => format!("RSA{}", bits()),
        PublicParams::DSA(_) => format!("DSA{}", bits()),
        PublicParams::Elgamal(_) => format!("ElGamal{}", bits()),
        PublicParams::EdDSALegacy(p) => format!("EdDSA ({})", curve_name(p.curve().name())),
        PublicParams::ECDSA(p) => format!("ECDSA ({})", curve_name(p.curve().name())),
        PublicParams::ECDH(p) => format!("ECDH ({})", curve_name(p.curve().name())),
        PublicParams::Ed25519(_) => "Ed25519".into(),
        PublicParams::Ed448(_) => "Ed448".into(),
        PublicParams::X25519(_) => "X25519".into(),
        PublicParams::X448(_) => "X448".into(),
        _ => format!("{alg:?}"),
    }
}

/// Bit length of the first MPI (the modulus or prime), read from the wire encoding,
/// which starts with the big-endian bit count.
fn mpi_bits(params: &PublicParams) -> Option<u16> {
    let bytes = params.to_bytes().ok()?;
    Some(u16::from_be_bytes([*bytes.first()?, *bytes.get(1)?]))
}

fn curve_name(name: &str) -> String {
    match name {
        "Ed25519Legacy" => "Ed25519".into(),
        "Curve25519Legacy" => "Curve25519".into(),
        "P-256" | "P-384" | "P-521" => format!("NIST {name}"),
        other => other.to_string(),
    }
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
        && !addr.chars().any(|c| c.is_whitespace() || c.is_control() || "<>\"'/\\".contains(c));
    ok.then(|| addr.to_string())
}

/// Why a key file cannot be published: message and hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError {
    pub message: String,
    pub help: &'static str,
}

fn key_error(message: impl Into<String>, help: &'static str) -> KeyError {
    KeyError { message: message.into(), help }
}

const EXPORT_HELP: &str = "export the public key with `gpg --armor --export FINGERPRINT > FILE`";

/// Unarmors `text`, refusing anything but one armored public key block.
fn unarmor(text: &str) -> Result<Vec<u8>, KeyError> {
    let mut dearmor = Dearmor::new(text.as_bytes());
    let mut bytes = Vec::new();
    let read = std::io::Read::read_to_end(&mut dearmor, &mut bytes);
    match (dearmor.typ, read) {
        (Some(BlockType::PublicKey), Ok(_)) => Ok(bytes),
        (Some(BlockType::PrivateKey | BlockType::PrivateKeyPKCS1(_) | BlockType::PrivateKeyPKCS8), _) => Err(key_error(
            "this file holds a SECRET key; refusing to publish it",
            "point [pgp] public_key at the public key (`gpg --armor --export`), and replace the secret key if it was ever shared",
        )),
        (Some(BlockType::PublicKey), Err(_)) | (None, _) => Err(key_error("this is not an ASCII-armored OpenPGP public key", EXPORT_HELP)),
        (Some(other), _) => Err(key_error(format!("this is a `{other}` block, not a public key"), EXPORT_HELP)),
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
            Some(Err(e)) => return Err(key_error(format!("cannot read the key: {e}"), EXPORT_HELP)),
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

    fn assemble(key: &SignedPublicKey, primary: Component, subs: Vec<Component>, text: &str, binary: Vec<u8>) -> KeyInfo {
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
    pub fn problems(&self, now: Timestamp) -> Vec<(bool, String, &'static str)> {
        let mut out = Vec::new();
        if self.revoked {
            out.push((true, format!("the published key {} is revoked", self.fingerprint), NEW_KEY_HELP));
        }
        let soon = now
            .checked_add(SignedDuration::from_hours(24 * EXPIRY_WARNING_DAYS))
            .unwrap_or(Timestamp::MAX);
        match self.expires_at {
            Some(e) if e <= now => {
                out.push((true, format!("the published key {} expired on {}", self.fingerprint, day(e)), EXTEND_HELP));
            }
            Some(e) if e < soon => {
                out.push((false, format!("the published key {} expires on {}", self.fingerprint, day(e)), EXTEND_HELP));
            }
            _ => {}
        }
        let can_encrypt = self.primary_encrypts
            || self.subkeys.iter().any(|s| s.encrypts && s.expires_at.is_none_or(|e| e > now));
        if !can_encrypt {
            out.push((
                false,
                "the published key has no valid encryption (sub)key: reporters cannot encrypt to it".into(),
                "add one with `gpg --quick-add-key FINGERPRINT cv25519 encr 2y` and export the key again",
            ));
        }
        out
    }
}

const NEW_KEY_HELP: &str = "publish the PSIRT's current key (see docs/signing.md, \"Rotating the key\")";
const EXTEND_HELP: &str =
    "extend it with `gpg --quick-set-expire FINGERPRINT 2y` (and `… 2y '*'` for subkeys), then export and commit the public key again";

/// User ids as text, the primary one (by the primary-user-id flag) first; gpg does not
/// set the flag on a single user id, so otherwise the first in the file leads.
fn user_ids(key: &SignedPublicKey) -> Vec<String> {
    let mut users: Vec<(bool, String)> = key
        .details
        .users
        .iter()
        .filter_map(|u| {
            let text = String::from_utf8_lossy(u.id.id()).into_owned();
            let signed = u
                .signatures
                .iter()
                .any(|s| s.verify_certification(&key.primary_key, Tag::UserId, &u.id).is_ok());
            signed.then(|| (u.is_primary(), text))
        })
        .collect();
    users.sort_by_key(|(primary, _)| !primary);
    users.into_iter().map(|(_, t)| t).collect()
}

/// Loads the configured public key: `Ok(None)` when none is configured; warnings ride
/// along with the key.
pub fn load(root: &Path, config: &SiteConfig, now: Timestamp) -> Result<Option<(KeyInfo, Vec<Diagnostic>)>, Vec<Diagnostic>> {
    let Some(pgp) = &config.pgp else {
        return Ok(None);
    };
    let rel = pgp.public_key.get_ref();
    let here = |d: Diagnostic| d.at(CONFIG_FILE, pgp.public_key.span());
    let text = std::fs::read_to_string(crate::site_path(root, rel)).map_err(|e| {
        vec![here(
            Diagnostic::error(Code::Key, format!("cannot read the OpenPGP public key `{}`: {e}", rel.display()))
                .help("the path is relative to the site root; export the key with `gpg --armor --export FINGERPRINT > FILE`"),
        )]
    })?;
    let info = KeyInfo::from_armored(&text).map_err(|e| {
        vec![here(Diagnostic::error(Code::Key, format!("{}: {}", rel.display(), e.message)).help(e.help))]
    })?;
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    for (is_error, message, help) in info.problems(now) {
        let d = if is_error { Diagnostic::error(Code::Key, message) } else { Diagnostic::warning(Code::Key, message) };
        let d = here(d.help(help));
        if is_error { errors.push(d) } else { warnings.push(d) }
    }
    if errors.is_empty() { Ok(Some((info, warnings))) } else { Err(errors) }
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
        assert_eq!(email_of("psirt@acme.example").as_deref(), Some("psirt@acme.example"));
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

    #[test]
    fn describes_capabilities() {
        let c = Caps { sign: true, encrypt: true, ..Caps::default() };
        assert_eq!(c.describe(), "sign, encrypt");
    }
}
