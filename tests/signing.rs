//! Signing, key reading, WKD and security.txt expiry, end to end where possible: every
//! signature is checked with rPGP and, when `gpg` is on PATH, with `gpg --verify` in a
//! throwaway GNUPGHOME (the tests say so and skip that part when gpg is missing).
//!
//! Keys: one generated here with rPGP (primary certify-only + signing and encryption
//! subkeys, the offline-primary layout), the demo key under keys/, and test-only keys
//! under tests/fixtures/keys/ (see generate.sh there).

// Reading keys, in a file of their own so that this one stays readable.
#[path = "signing/keys.rs"]
mod keys;

use std::path::{Path, PathBuf};
use std::process::Command;

use jiff::Timestamp;
use pgp::composed::{
    ArmorOptions, CleartextSignedMessage, Deserializable, DetachedSignature, EncryptionCaps, KeyType,
    SecretKeyParamsBuilder, SignedPublicKey, SubkeyParamsBuilder,
};
use pgp::crypto::ecc_curve::ECCCurve;
use psirt_site::config::{SecurityTxtConfig, SigningConfig};
use psirt_site::diag::{Code, Diagnostic};
use psirt_site::emit::keys::{wkd_hash, wkd_path};
use psirt_site::emit::security_txt::expires;
use psirt_site::pgpkey::KeyInfo;
use psirt_site::signing::{Signer, load_at};

const FIXTURE_PASSPHRASE: &str = "test-only-passphrase";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(repo().join("tests/fixtures/keys").join(name)).expect("fixture key")
}

/// An Ed25519 key whose primary only certifies; signatures come from a subkey.
fn generated_secret_key() -> String {
    let mut sign = SubkeyParamsBuilder::default();
    sign.key_type(KeyType::Ed25519Legacy)
        .can_sign(true)
        .can_encrypt(EncryptionCaps::None);
    let mut encrypt = SubkeyParamsBuilder::default();
    encrypt
        .key_type(KeyType::ECDH(ECCCurve::Curve25519Legacy))
        .can_sign(false)
        .can_encrypt(EncryptionCaps::All);
    let mut params = SecretKeyParamsBuilder::default();
    params
        .key_type(KeyType::Ed25519Legacy)
        .can_certify(true)
        .can_sign(false)
        .can_encrypt(EncryptionCaps::None)
        .primary_user_id("Generated Test Key (TEST ONLY) <generated@test.invalid>".into())
        .subkeys(vec![
            sign.build().expect("sign subkey"),
            encrypt.build().expect("encryption subkey"),
        ]);
    let key = params
        .build()
        .expect("key params")
        .generate(rand::thread_rng())
        .expect("key generation");
    key.to_armored_string(ArmorOptions::default()).expect("armor")
}

/// A throwaway GNUPGHOME with `public_key` imported, or `None` (with a note) without gpg.
struct Gpg {
    home: tempfile::TempDir,
}

impl Gpg {
    fn with_key(public_key: &str) -> Option<Gpg> {
        if Command::new("gpg").arg("--version").output().is_err() {
            eprintln!("NOTE: gpg is not on PATH; skipping the `gpg --verify` part of this test");
            return None;
        }
        let home = tempfile::tempdir().expect("temp GNUPGHOME");
        let gpg = Gpg { home };
        let key = gpg.home.path().join("key.asc");
        std::fs::write(&key, public_key).expect("write key");
        let out = gpg.run(&["--import", path_str(&key)]);
        assert!(
            out.status.success(),
            "gpg --import: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(gpg)
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        Command::new("gpg")
            .env("GNUPGHOME", self.home.path())
            .args(["--batch", "--no-tty"])
            .args(args)
            .output()
            .expect("run gpg")
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.home.path().join(name);
        std::fs::write(&p, bytes).expect("write file");
        p
    }

    fn assert_good(&self, args: &[&str]) {
        let out = self.run(&[&["--verify"], args].concat());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && err.contains("Good signature"),
            "gpg --verify failed:\n{err}"
        );
    }

    fn kill_agent(&self) {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", self.home.path())
            .args(["--kill", "all"])
            .output();
    }
}

impl Drop for Gpg {
    fn drop(&mut self) {
        self.kill_agent();
    }
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

/// Checks both signature kinds with rPGP, and with gpg when present.
fn assert_signatures_verify(signer: &Signer) {
    let data = b"{\"document\": {\"title\": \"CSAF bytes, signed exactly\"}}  \r\n";
    let detached = signer.detached(data).expect("detached signature");
    assert!(
        detached.starts_with("-----BEGIN PGP SIGNATURE-----"),
        "{detached}"
    );
    // Trailing blanks and CRLF on purpose: the rPGP 0.21 clear-signing bug (CRATES.md §3).
    let text = "Contact: mailto:psirt@test.invalid   \r\nExpires: 2027-05-17T10:13:20Z\t\n- dashed line\n";
    let signed = signer.clearsign(text).expect("cleartext signature");
    assert!(
        signed.starts_with("-----BEGIN PGP SIGNED MESSAGE-----\n"),
        "{signed}"
    );
    assert!(
        signed.contains("\nContact: mailto:psirt@test.invalid\nExpires:"),
        "{signed}"
    );

    let (public, _) = SignedPublicKey::from_string(signer.public_key_armored()).expect("public key");
    let verifies =
        |f: &dyn Fn(&pgp::packet::PublicSubkey) -> bool| public.public_subkeys.iter().any(|s| f(&s.key));
    let (sig, _) = DetachedSignature::from_string(&detached).expect("parse detached");
    assert!(verifies(&|k| sig.verify(k, data).is_ok()) || sig.verify(&public.primary_key, data).is_ok());
    let (msg, _) = CleartextSignedMessage::from_string(&signed).expect("parse cleartext");
    assert!(verifies(&|k| msg.verify(k).is_ok()) || msg.verify(&public.primary_key).is_ok());

    if let Some(gpg) = Gpg::with_key(signer.public_key_armored()) {
        let file = gpg.file("doc.json", data);
        let asc = gpg.file("doc.json.asc", detached.as_bytes());
        gpg.assert_good(&[path_str(&asc), path_str(&file)]);
        let tampered = gpg.file("tampered.json", b"{}");
        let out = gpg.run(&["--verify", path_str(&asc), path_str(&tampered)]);
        assert!(!out.status.success(), "gpg accepted a signature over other bytes");
        let txt = gpg.file("security.txt", signed.as_bytes());
        gpg.assert_good(&[path_str(&txt)]);
    }
}

#[test]
fn generated_key_signs_with_its_subkey() {
    let signer = Signer::from_armored(&generated_secret_key(), None, Timestamp::now()).expect("signer");
    assert_ne!(
        signer.fingerprint(),
        signer.signing_fingerprint(),
        "the signing subkey signs"
    );
    assert_eq!(signer.fingerprint().len(), 40);
    assert!(
        signer
            .fingerprint()
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
    );
    assert_signatures_verify(&signer);
}

#[test]
fn demo_key_signs_and_matches_the_published_key() {
    let cfg = SigningConfig {
        key_file: Some("keys/demo-signing-key.asc".into()),
        key_env: "PSIRT_SITE_TEST_NEVER_SET_1".into(),
        passphrase_env: "PSIRT_SITE_TEST_NEVER_SET_2".into(),
    };
    let signer = load_at(&repo(), &cfg, Timestamp::now()).expect("demo signer");
    let published = std::fs::read_to_string(repo().join("static/keys/psirt-public.asc")).expect("public key");
    let info = KeyInfo::from_armored(&published).expect("key info");
    assert_eq!(signer.fingerprint(), info.fingerprint);
    assert!(info.user_ids[0].contains("EXAMPLE KEY"), "{:?}", info.user_ids);
    assert_eq!(info.wkd_email.as_deref(), Some("psirt@acme-networks.example"));
    assert_eq!(info.algorithm, "EdDSA (Ed25519)");
    assert_signatures_verify(&signer);
}

/// docs/signing.md: signatures carry the build time, not the wall clock, so two builds at
/// the same `SOURCE_DATE_EPOCH` sign byte for byte alike.
#[test]
fn signatures_carry_the_build_time_and_repeat_exactly() {
    let cfg = SigningConfig {
        key_file: Some("keys/demo-signing-key.asc".into()),
        key_env: "PSIRT_SITE_TEST_NEVER_SET_1".into(),
        passphrase_env: "PSIRT_SITE_TEST_NEVER_SET_2".into(),
    };
    let at: Timestamp = "2026-11-23T00:00:00Z".parse().expect("valid");
    let sign = || {
        let signer = load_at(&repo(), &cfg, at).expect("demo signer");
        (
            signer.detached(b"document").expect("sign"),
            signer.clearsign("text\n").expect("sign"),
        )
    };
    let first = sign();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(first, sign(), "a second later, the same signatures");
}

#[test]
fn signing_from_many_threads() {
    let signer = Signer::from_armored(&generated_secret_key(), None, Timestamp::now()).expect("signer");
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let signer = &signer;
                s.spawn(move || signer.detached(format!("document {i}").as_bytes()).expect("sign"))
            })
            .collect();
        for h in handles {
            assert!(h.join().expect("thread").contains("BEGIN PGP SIGNATURE"));
        }
    });
}

/// #18: a CSAF document is signed at its own `current_release_date`, so an unchanged
/// document has a byte-identical `.asc` in every build, whatever the build time: the demo
/// site built an hour apart differs in no CSAF signature, and they verify (gpg when present).
#[test]
fn csaf_signatures_do_not_change_with_the_build_time() {
    let build_at = |at: &str| {
        let out = tempfile::tempdir().expect("temp dir");
        let opts = psirt_site::BuildOptions {
            root: repo(),
            output: Some(out.path().join("public")),
            now: Some(at.parse().expect("valid")),
            cache_dir: Some(out.path().join("cache")),
            ..Default::default()
        };
        psirt_site::build(&opts).unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
        out
    };
    let (first, second) = (build_at("2026-11-23T12:00:00Z"), build_at("2026-11-23T13:00:00Z"));
    let signatures = |dir: &Path| -> Vec<(String, Vec<u8>)> {
        let tree = dir.join("public/.well-known/csaf");
        walkdir::WalkDir::new(&tree)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "asc"))
            .map(|e| {
                let rel = e.path().strip_prefix(&tree).expect("below").display().to_string();
                (rel, std::fs::read(e.path()).expect("read"))
            })
            .collect()
    };
    let (a, b) = (signatures(first.path()), signatures(second.path()));
    assert!(a.len() >= 10, "{} signatures", a.len());
    assert_eq!(a, b, "the same documents, the same signatures");
    let public = std::fs::read_to_string(repo().join("static/keys/psirt-public.asc")).expect("key");
    if let Some(gpg) = Gpg::with_key(&public) {
        let (rel, sig) = a
            .iter()
            .find(|(rel, _)| rel.ends_with(".json.asc"))
            .expect("a document signature");
        let doc = first
            .path()
            .join("public/.well-known/csaf")
            .join(rel.trim_end_matches(".asc"));
        let file = gpg.file("doc.json", &std::fs::read(doc).expect("document"));
        let asc = gpg.file("doc.json.asc", sig);
        gpg.assert_good(&[path_str(&asc), path_str(&file)]);
    }
}
