//! The state of a primary key or subkey, derived from the self-signatures that verify
//! (rPGP gives packets; `gpg --list-keys` facts such as expiry and usage live in them).

use jiff::{SignedDuration, Timestamp};
use pgp::composed::{SignedPublicKey, SignedPublicSubKey};
use pgp::crypto::public_key::PublicKeyAlgorithm;
use pgp::packet::{KeyFlags, Signature};
use pgp::ser::Serialize as _;
use pgp::types::{KeyDetails, PublicParams, Tag};

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
            && !matches!(
                alg,
                PublicKeyAlgorithm::X25519 | PublicKeyAlgorithm::X448 | PublicKeyAlgorithm::RSAEncrypt
            );
        let encrypt = matches!(
            alg,
            PublicKeyAlgorithm::RSA
                | PublicKeyAlgorithm::RSAEncrypt
                | PublicKeyAlgorithm::ECDH
                | PublicKeyAlgorithm::ElgamalEncrypt
                | PublicKeyAlgorithm::X25519
                | PublicKeyAlgorithm::X448
        );
        Caps {
            certify: primary,
            sign,
            encrypt,
            authenticate: false,
        }
    }

    pub(crate) fn describe(self) -> String {
        let names = [
            (self.certify, "certify"),
            (self.sign, "sign"),
            (self.encrypt, "encrypt"),
            (self.authenticate, "authenticate"),
        ];
        let used: Vec<&str> = names.iter().filter(|(on, _)| *on).map(|(_, n)| *n).collect();
        if used.is_empty() {
            "none".into()
        } else {
            used.join(", ")
        }
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
    created
        .checked_add(SignedDuration::from_secs(i64::from(secs)))
        .ok()
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
        .flat_map(|u| {
            u.signatures
                .iter()
                .filter(|s| s.verify_certification(primary, Tag::UserId, &u.id).is_ok())
        })
        .collect();
    self_sigs.extend(
        key.details
            .direct_signatures
            .iter()
            .filter(|s| s.verify_key(primary).is_ok()),
    );
    let newest = self_sigs.into_iter().max_by_key(|s| sig_time(s))?;
    let created = to_jiff(primary.created_at());
    let revoked = key
        .details
        .revocation_signatures
        .iter()
        .any(|s| s.verify_key(primary).is_ok());
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
    let newest = valid
        .iter()
        .filter(|s| !is_revocation(s))
        .max_by_key(|s| sig_time(s))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_capabilities() {
        let c = Caps {
            sign: true,
            encrypt: true,
            ..Caps::default()
        };
        assert_eq!(c.describe(), "sign, encrypt");
    }
}
