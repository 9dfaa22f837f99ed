//! OpenPGP signing of CSAF documents (detached `.asc`) and security.txt (cleartext).
//!
//! The secret key comes from an environment variable (CI) or a file outside the
//! repository, is unlocked once while loading, and stays in memory only; every problem is
//! reported before anything is written. No message ever contains key material or the
//! passphrase: errors from the OpenPGP library are not passed on while the key is read,
//! because they could quote what they failed to parse.

use std::path::Path;

use jiff::Timestamp;
use pgp::armor::{BlockType, Dearmor};
use pgp::composed::{
    ArmorOptions, CleartextSignedMessage, Deserializable, DetachedSignature, SignedSecretKey, SubpacketConfig,
};
use pgp::packet::{SecretKey, SecretSubkey, SignatureConfig, SignatureType, Subpacket, SubpacketData};
use pgp::types::{KeyVersion, Password, SigningKey};

use crate::config::{CONFIG_FILE, SigningConfig, SiteConfig};
use crate::diag::{Code, Diagnostic};
use crate::pgpkey::{self, Component};

/// A loaded, unlocked signing key. Shared by reference across rayon threads.
pub struct Signer {
    /// Fingerprint of the primary key (the certificate readers import), uppercase hex.
    pub fingerprint: String,
    signing_fingerprint: String,
    key: Unlocked,
    public_armored: String,
    /// The signing key's issuer subpackets (fingerprint, hashed; legacy key id, unhashed),
    /// made once: each is a hash of the public key (~0.5 % of a 10k build's CPU per
    /// signature).
    issuer: Issuer,
    /// Signature creation time, seconds since 1970: the build time (not the wall clock),
    /// so builds with `SOURCE_DATE_EPOCH` are byte-identical (Ed25519 and RSA PKCS#1
    /// signatures are deterministic given the same time).
    created: u32,
}

/// The subpackets that name the signing key, as `gpg` writes them.
struct Issuer {
    fingerprint: Subpacket,
    /// RFC 9580: v6 signatures must not carry the legacy issuer key id.
    key_id: Option<Subpacket>,
}

impl Issuer {
    fn of(key: &dyn SigningKey) -> pgp::errors::Result<Self> {
        let fingerprint = Subpacket::regular(SubpacketData::IssuerFingerprint(key.fingerprint()))?;
        let key_id = if key.version() <= KeyVersion::V4 {
            Some(Subpacket::regular(SubpacketData::IssuerKeyId(
                key.legacy_key_id(),
            ))?)
        } else {
            None
        };
        Ok(Issuer { fingerprint, key_id })
    }
}

/// The component that makes signatures: the primary key, or a signing subkey (the usual
/// setup when the primary key is kept offline).
enum Unlocked {
    Primary(SecretKey),
    Subkey(SecretSubkey),
}

impl Unlocked {
    fn signing_key(&self) -> &dyn SigningKey {
        match self {
            Unlocked::Primary(k) => k,
            Unlocked::Subkey(k) => k,
        }
    }
}

impl std::fmt::Debug for Signer {
    // By hand, so a `{:?}` anywhere can never print secret key material.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("fingerprint", &self.fingerprint)
            .field("signing_fingerprint", &self.signing_fingerprint)
            .finish_non_exhaustive()
    }
}

// Emitters sign from many threads at once.
const _: fn() = || {
    fn sync_and_send<T: Sync + Send>() {}
    sync_and_send::<Signer>();
};

impl Signer {
    /// Primary key fingerprint, uppercase hex without spaces.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Fingerprint of the (sub)key that actually signs.
    pub fn signing_fingerprint(&self) -> &str {
        &self.signing_fingerprint
    }

    /// The public half of the signing key, armored, for publishing next to signatures.
    pub fn public_key_armored(&self) -> &str {
        &self.public_armored
    }

    fn signing_key(&self) -> &dyn SigningKey {
        self.key.signing_key()
    }

    /// Signatures made from now on carry `time` (the build time) as their creation time,
    /// but never a time before the signing key was created, which verifiers reject.
    pub fn at_time(mut self, time: Timestamp) -> Self {
        self.created = self.creation_at(time);
        self
    }

    /// The creation time for a signature at `time`: never before the signing key was
    /// created, which verifiers reject.
    fn creation_at(&self, time: Timestamp) -> u32 {
        let at = u32::try_from(time.as_second().max(0)).unwrap_or(u32::MAX);
        at.max(self.signing_key().created_at().as_secs())
    }

    /// The hashed and unhashed subpackets that `gpg` writes too, with creation time `created`.
    fn subpackets(&self, created: u32) -> pgp::errors::Result<(Vec<Subpacket>, Vec<Subpacket>)> {
        let time = pgp::types::Timestamp::from_secs(created);
        let hashed = vec![
            Subpacket::regular(SubpacketData::SignatureCreationTime(time))?,
            self.issuer.fingerprint.clone(),
        ];
        Ok((hashed, self.issuer.key_id.iter().cloned().collect()))
    }

    /// An ASCII-armored detached signature over `data` (binary mode, so the bytes are
    /// signed exactly as served), made at the build time.
    pub fn detached(&self, data: &[u8]) -> Result<String, Diagnostic> {
        self.detached_with(data, self.created)
    }

    /// As [`Signer::detached`], with `time` as the signature's creation time (never before
    /// the key's creation). A CSAF document is signed at its own `current_release_date`:
    /// the same document then has the same signature in every build, so mirrors and
    /// `rsync`/`s3 sync` deployments see nothing new when nothing changed.
    pub fn detached_at(&self, data: &[u8], time: Timestamp) -> Result<String, Diagnostic> {
        self.detached_with(data, self.creation_at(time))
    }

    fn detached_with(&self, data: &[u8], created: u32) -> Result<String, Diagnostic> {
        let key = Box::new(self.signing_key());
        let hash = key.hash_alg();
        self.subpackets(created)
            .and_then(|(hashed, unhashed)| {
                let config = SubpacketConfig::UserDefined { hashed, unhashed };
                DetachedSignature::sign_binary_data_with_subpackets(
                    rand::thread_rng(),
                    &key,
                    &Password::empty(),
                    hash,
                    data,
                    config,
                )
            })
            .and_then(|s| s.to_armored_string(ArmorOptions::default()))
            .map_err(|e| sign_failed(&e))
    }

    /// An OpenPGP cleartext-signed copy of `text`. Lines are normalized first (LF, no
    /// trailing blanks): verifiers ignore trailing blanks, and rPGP 0.21 would otherwise
    /// sign them and produce a signature nobody can verify. The final line break belongs
    /// to the armor framing (RFC 9580 §7.1), as in `gpg --clearsign` output.
    pub fn clearsign(&self, text: &str) -> Result<String, Diagnostic> {
        let normalized = normalize_for_clearsign(text);
        let normalized = normalized.strip_suffix('\n').unwrap_or(&normalized);
        let key = Box::new(self.signing_key());
        self.subpackets(self.created)
            .and_then(|(hashed, unhashed)| {
                let mut config = SignatureConfig::from_key(rand::thread_rng(), &key, SignatureType::Text)?;
                config.hashed_subpackets = hashed;
                config.unhashed_subpackets = unhashed;
                CleartextSignedMessage::new(normalized, config, &key, &Password::empty())
            })
            .and_then(|m| m.to_armored_string(ArmorOptions::default()))
            .map_err(|e| sign_failed(&e))
    }
}

fn sign_failed(e: &pgp::errors::Error) -> Diagnostic {
    Diagnostic::error(Code::Signing, format!("OpenPGP signing failed: {e}"))
        .help("check that the key's algorithm is supported; regenerate the signing subkey if this persists")
}

/// LF line endings, no trailing spaces or tabs, and a final newline.
pub fn normalize_for_clearsign(text: &str) -> String {
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(unified.len() + 1);
    for line in unified.lines() {
        out.push_str(line.trim_end_matches([' ', '\t']));
        out.push('\n');
    }
    out
}

/// Loads and unlocks the signing key when `[signing]` is configured.
pub fn load(root: &Path, config: &SiteConfig) -> Result<Option<Signer>, Vec<Diagnostic>> {
    let Some(signing) = &config.signing else {
        return Ok(None);
    };
    load_at(root, signing, Timestamp::now())
        .map(Some)
        .map_err(|d| vec![d])
}

/// [`load`] with an explicit clock, checking expiry against `now`.
pub fn load_at(root: &Path, cfg: &SigningConfig, now: Timestamp) -> Result<Signer, Diagnostic> {
    let (text, origin) = key_text(root, cfg)?;
    let unlock = Unlock {
        password: passphrase(cfg),
        passphrase_env: &cfg.passphrase_env,
        origin: &origin,
    };
    build(&text, &unlock, now)
}

/// How to unlock a key, and what to call things in messages.
struct Unlock<'a> {
    password: Option<Password>,
    passphrase_env: &'a str,
    /// Where the key came from: `$VAR` or a quoted path.
    origin: &'a str,
}

impl Signer {
    /// A signer from armored secret key text, for tests and library users; `passphrase`
    /// is `None` for an unprotected key. Expiry and revocation are checked against `now`.
    pub fn from_armored(text: &str, passphrase: Option<&str>, now: Timestamp) -> Result<Signer, Diagnostic> {
        let unlock = Unlock {
            password: passphrase.map(Password::from),
            passphrase_env: "PSIRT_SITE_SIGNING_PASSPHRASE",
            origin: "the given key",
        };
        build(text, &unlock, now)
    }
}

fn build(text: &str, how: &Unlock<'_>, now: Timestamp) -> Result<Signer, Diagnostic> {
    let origin = how.origin;
    let secret = parse_secret(text, origin)?;
    let public = secret.to_public_key();
    let primary = pgpkey::primary_component(&public).ok_or_else(|| {
        error(format!(
            "the signing key from {origin} has no valid self-signature"
        ))
        .help(
            "refresh its self-signatures, e.g. `gpg --quick-set-expire FINGERPRINT 2y`, and export it again",
        )
    })?;
    check_usable(&primary, "signing key", origin, now)?;
    let candidates = candidates(&secret, &public, &primary, now);
    if candidates.is_empty() {
        return Err(error(format!(
            "the key from {origin} has no valid signing key or subkey"
        ))
        .help("add one with `gpg --quick-add-key FINGERPRINT ed25519 sign 2y`, or extend an expired one"));
    }
    let (key, signing_fingerprint) = unlock(&secret, &candidates, how)?;
    let public_armored = public.to_armored_string(ArmorOptions::default()).map_err(|e| {
        error(format!("cannot armor the public part of the signing key: {e}"))
            .help("export the key again with `gpg --armor --export-secret-keys`")
    })?;
    let issuer = Issuer::of(key.signing_key())
    // Not the library's message: nothing it says while the key is read is passed on.
    .map_err(|_| {
        error("cannot name the signing key in signatures (its issuer subpackets)".to_string())
            .help("export the key again with `gpg --armor --export-secret-keys`; if that does not help, please report it")
    })?;
    let signer = Signer {
        fingerprint: primary.fingerprint,
        signing_fingerprint,
        key,
        public_armored,
        issuer,
        created: u32::try_from(now.as_second()).unwrap_or(u32::MAX),
    };
    let signer = signer.at_time(now);
    self_test(&signer, &public)?;
    Ok(signer)
}

fn error(message: String) -> Diagnostic {
    Diagnostic::error(Code::Signing, message)
}

/// The armored key text and a description of where it came from (for messages).
fn key_text(root: &Path, cfg: &SigningConfig) -> Result<(String, String), Diagnostic> {
    match std::env::var(&cfg.key_env) {
        Ok(v) if !v.trim().is_empty() => return Ok((v, format!("${}", cfg.key_env))),
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(error(format!("${} is not valid UTF-8", cfg.key_env)).help(
                "put the ASCII-armored key text (`gpg --armor --export-secret-keys`) in the variable",
            ));
        }
        _ => {}
    }
    let Some(file) = &cfg.key_file else {
        return Err(error(format!("{CONFIG_FILE} has [signing] but no key was given: ${} is not set and there is no key_file", cfg.key_env))
            .help(format!("set ${} to the armored secret key (in CI: from a secret), or set [signing] key_file, or remove [signing]", cfg.key_env)));
    };
    let origin = format!("`{}`", file.display());
    pgpkey::read_key_file(&crate::source::site_path(root, file))
        .map(|t| (t, origin.clone()))
        .map_err(|e| {
            error(format!(
                "cannot read the signing key {origin} ([signing] key_file in {CONFIG_FILE}): {e}"
            ))
            .help(format!(
                "key_file is relative to the site root and names an armored key file; or pass the key in ${} instead",
                cfg.key_env
            ))
        })
}

fn parse_secret(text: &str, origin: &str) -> Result<SignedSecretKey, Diagnostic> {
    let export_help = "export it with `gpg --armor --export-secret-keys FINGERPRINT` (or `--export-secret-subkeys` to leave the primary key offline)";
    let mut dearmor = Dearmor::new(text.as_bytes());
    let _ = std::io::Read::read_to_end(&mut dearmor, &mut Vec::new());
    match dearmor.typ {
        Some(BlockType::PrivateKey) => {}
        Some(BlockType::PublicKey) => {
            return Err(error(format!(
                "{origin} holds a public key; signing needs the secret key"
            ))
            .help(export_help));
        }
        _ => {
            let hint = if text.trim().len() < 256 && !text.contains('\n') {
                " (the variable must hold the armored key text itself, not a path)"
            } else {
                ""
            };
            return Err(error(format!(
                "{origin} is not an ASCII-armored OpenPGP secret key{hint}"
            ))
            .help(export_help));
        }
    }
    // The library's error text is deliberately dropped: it may quote the input.
    SignedSecretKey::from_string(text).map(|(k, _)| k).map_err(|_| {
        error(format!(
            "{origin} holds an OpenPGP secret key that cannot be read"
        ))
        .help(export_help)
    })
}

fn check_usable(c: &Component, what: &str, origin: &str, now: Timestamp) -> Result<(), Diagnostic> {
    if c.revoked {
        return Err(
            error(format!("the {what} {} from {origin} is revoked", c.fingerprint))
                .help("configure the PSIRT's current key (docs/signing.md, \"Rotating the key\")"),
        );
    }
    if let Some(e) = c.expires.filter(|e| *e <= now) {
        return Err(error(format!("the {what} {} from {origin} expired on {}", c.fingerprint, e.strftime("%Y-%m-%d")))
            .help("extend it with `gpg --quick-set-expire FINGERPRINT 2y '*'` and export it again; publish the refreshed public key too"));
    }
    Ok(())
}

/// Fingerprints of the components that may sign now, best first: the newest valid
/// signing subkey with secret material, then the primary key if it may sign.
fn candidates(
    secret: &SignedSecretKey,
    public: &pgp::composed::SignedPublicKey,
    primary: &Component,
    now: Timestamp,
) -> Vec<String> {
    let mut subs: Vec<Component> = public
        .public_subkeys
        .iter()
        .filter_map(|s| pgpkey::subkey_component(public, s))
        .filter(|c| c.caps.sign && c.is_valid_at(now))
        .filter(|c| {
            secret
                .secret_subkeys
                .iter()
                .any(|s| pgpkey::fingerprint_hex(&s.key) == c.fingerprint)
        })
        .collect();
    subs.sort_by_key(|c| std::cmp::Reverse(c.created));
    let mut out: Vec<String> = subs.into_iter().map(|c| c.fingerprint).collect();
    if primary.caps.sign {
        out.push(primary.fingerprint.clone());
    }
    out
}

fn passphrase(cfg: &SigningConfig) -> Option<Password> {
    std::env::var_os(&cfg.passphrase_env).map(|v| Password::from(v.as_encoded_bytes()))
}

/// Unlocks the first candidate whose secret material is present.
fn unlock(
    secret: &SignedSecretKey,
    candidates: &[String],
    how: &Unlock<'_>,
) -> Result<(Unlocked, String), Diagnostic> {
    let (origin, var) = (how.origin, how.passphrase_env);
    let empty = Password::empty();
    let pw = how.password.as_ref().unwrap_or(&empty);
    let primary_fp = pgpkey::fingerprint_hex(&secret.primary_key);
    let mut first_error = None;
    for fp in candidates {
        let attempt = if *fp == primary_fp {
            let mut k = secret.primary_key.clone();
            let locked = k.secret_params().is_encrypted();
            (locked, k.remove_password(pw).map(|()| Unlocked::Primary(k)))
        } else if let Some(s) = secret
            .secret_subkeys
            .iter()
            .find(|s| pgpkey::fingerprint_hex(&s.key) == *fp)
        {
            let mut k = s.key.clone();
            let locked = k.secret_params().is_encrypted();
            (locked, k.remove_password(pw).map(|()| Unlocked::Subkey(k)))
        } else {
            continue;
        };
        match attempt {
            (_, Ok(key)) => return Ok((key, fp.clone())),
            (locked, Err(_)) => first_error.get_or_insert((locked, fp.clone())),
        };
    }
    let (locked, fp) = first_error.unwrap_or((false, primary_fp));
    Err(match (locked, how.password.is_some()) {
        (true, false) => error(format!("the signing key {fp} from {origin} is passphrase-protected and ${var} is not set"))
            .help(format!("set ${var} to the key's passphrase (in CI: from a secret)")),
        (true, true) => error(format!("wrong passphrase for the signing key {fp} from {origin} (from ${var})"))
            .help("check the secret that sets the variable; a gpg stub (key on a smartcard or offline) cannot sign either"),
        (false, _) => error(format!("the secret material of signing key {fp} from {origin} cannot be used"))
            .help("export the secret key again; keys on a smartcard cannot be used by psirt-site"),
    })
}

/// Signs and verifies a short text, so a broken key fails the build before any output.
fn self_test(signer: &Signer, public: &pgp::composed::SignedPublicKey) -> Result<(), Diagnostic> {
    let probe = b"psirt-site signing self-test\n";
    let armored = signer.detached(probe)?;
    let verified = DetachedSignature::from_string(&armored)
        .ok()
        .is_some_and(|(sig, _)| {
            sig.verify(&public.primary_key, probe).is_ok()
                || public
                    .public_subkeys
                    .iter()
                    .any(|s| sig.verify(&s.key, probe).is_ok())
        });
    if verified {
        Ok(())
    } else {
        Err(error(format!(
            "signatures made with key {} do not verify",
            signer.fingerprint
        ))
        .help("the key file may be corrupt; export it again"))
    }
}

/// Verifies an armored detached signature over `data` with the primary key or any subkey
/// of the armored public key.
pub fn verify_detached(key: &str, signature: &str, data: &[u8]) -> Result<(), String> {
    use pgp::composed::{Deserializable, DetachedSignature, SignedPublicKey};
    let (key, _) = SignedPublicKey::from_string(key).map_err(|e| format!("unreadable public key: {e}"))?;
    let (sig, _) =
        DetachedSignature::from_string(signature).map_err(|e| format!("unreadable signature: {e}"))?;
    if sig.verify(&key, data).is_ok() || key.public_subkeys.iter().any(|k| sig.verify(k, data).is_ok()) {
        Ok(())
    } else {
        Err("signature does not verify".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_lines() {
        assert_eq!(normalize_for_clearsign("a  \r\nb\t\n\nc"), "a\nb\n\nc\n");
        assert_eq!(normalize_for_clearsign("- dash \n"), "- dash\n");
    }
}
