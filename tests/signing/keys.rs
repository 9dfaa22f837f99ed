//! Reading keys: passphrases from the config or the environment, keys that are missing,
//! of the wrong kind, expired, revoked, expiring or oversized; WKD hashes and
//! security.txt's Expires. No diagnostic ever shows a secret.

use super::*;

/// The diagnostic must never contain the passphrase or any line of the key.
fn assert_no_secrets(d: &Diagnostic, key: &str, passphrase: Option<&str>) {
    let shown = format!("{} {}", d.message, d.help.as_deref().unwrap_or(""));
    if let Some(p) = passphrase {
        assert!(!shown.contains(p), "passphrase leaked: {shown}");
    }
    for line in key
        .lines()
        .filter(|l| l.len() > 16 && !l.starts_with("-----") && !l.starts_with("Comment"))
    {
        assert!(!shown.contains(line), "key material leaked: {shown}");
    }
}

#[test]
fn protected_key_needs_the_right_passphrase() {
    let key = fixture("test-protected.asc");
    let now = Timestamp::now();
    let missing = Signer::from_armored(&key, None, now).expect_err("no passphrase");
    assert_eq!(missing.code, Code::Signing);
    assert!(
        missing.message.contains("passphrase-protected"),
        "{}",
        missing.message
    );
    assert!(
        missing
            .help
            .as_deref()
            .is_some_and(|h| h.contains("$PSIRT_SITE_SIGNING_PASSPHRASE"))
    );
    assert_no_secrets(&missing, &key, None);

    let wrong_pass = "wrong-horse-battery-staple";
    let wrong = Signer::from_armored(&key, Some(wrong_pass), now).expect_err("wrong passphrase");
    assert_eq!(wrong.code, Code::Signing);
    assert!(wrong.message.contains("wrong passphrase"), "{}", wrong.message);
    assert_no_secrets(&wrong, &key, Some(wrong_pass));

    let signer = Signer::from_armored(&key, Some(FIXTURE_PASSPHRASE), now).expect("right passphrase");
    assert!(!format!("{signer:?}").contains(FIXTURE_PASSPHRASE));
    assert_signatures_verify(&signer);
}

#[test]
fn passphrase_and_key_from_environment() {
    // Unique variable names: no other test reads them. std serializes its own env access.
    let (key_var, pass_var) = ("PSIRT_SITE_TEST_KEY_ENV_3", "PSIRT_SITE_TEST_PASS_ENV_3");
    let key = fixture("test-protected.asc");
    unsafe {
        std::env::set_var(key_var, &key);
        std::env::set_var(pass_var, "not-it");
    }
    let cfg = SigningConfig {
        key_file: Some("does/not/matter.asc".into()),
        key_env: key_var.into(),
        passphrase_env: pass_var.into(),
    };
    let wrong = load_at(&repo(), &cfg, Timestamp::now()).expect_err("wrong passphrase");
    assert!(
        wrong.message.contains(&format!("${key_var}")),
        "{}",
        wrong.message
    );
    assert!(
        wrong.message.contains(&format!("${pass_var}")),
        "{}",
        wrong.message
    );
    assert_no_secrets(&wrong, &key, Some("not-it"));
    unsafe { std::env::set_var(pass_var, FIXTURE_PASSPHRASE) };
    let signer = load_at(&repo(), &cfg, Timestamp::now()).expect("env signer");
    assert_eq!(signer.fingerprint().len(), 40);
    unsafe {
        std::env::remove_var(key_var);
        std::env::remove_var(pass_var);
    }
}

#[test]
fn missing_key_is_a_signing_error() {
    let none = SigningConfig {
        key_file: None,
        key_env: "PSIRT_SITE_TEST_NEVER_SET_4".into(),
        passphrase_env: "PSIRT_SITE_TEST_NEVER_SET_5".into(),
    };
    let d = load_at(&repo(), &none, Timestamp::now()).expect_err("no key");
    assert_eq!(d.code, Code::Signing);
    assert!(
        d.message.contains("$PSIRT_SITE_TEST_NEVER_SET_4"),
        "{}",
        d.message
    );
    let absent = SigningConfig {
        key_file: Some("keys/no-such-key.asc".into()),
        ..none
    };
    let d = load_at(&repo(), &absent, Timestamp::now()).expect_err("missing file");
    assert_eq!(d.code, Code::Signing);
    assert!(d.message.contains("keys/no-such-key.asc"), "{}", d.message);
}

#[test]
fn wrong_kinds_of_key_are_refused() {
    let public = std::fs::read_to_string(repo().join("static/keys/psirt-public.asc")).expect("public key");
    let d = Signer::from_armored(&public, None, Timestamp::now()).expect_err("public key as signing key");
    assert!(d.message.contains("public key"), "{}", d.message);
    let d = Signer::from_armored("/run/secrets/key.asc", None, Timestamp::now()).expect_err("a path");
    assert!(d.message.contains("not a path"), "{}", d.message);
    let secret = fixture("test-protected.asc");
    let e = KeyInfo::from_armored(&secret).expect_err("secret key as public key");
    assert!(e.message.contains("SECRET"), "{}", e.message);
}

#[test]
fn expired_and_revoked_keys_are_refused() {
    let now = Timestamp::now();
    let d = Signer::from_armored(&fixture("test-expired.asc"), None, now).expect_err("expired");
    assert_eq!(d.code, Code::Signing);
    assert!(d.message.contains("expired on 2020-01-02"), "{}", d.message);
    let d = Signer::from_armored(&fixture("test-revoked.asc"), None, now).expect_err("revoked");
    assert!(d.message.contains("revoked"), "{}", d.message);

    let expired = KeyInfo::from_armored(&fixture("test-expired-public.asc")).expect("parses");
    assert_eq!(expired.expires.as_deref(), Some("2020-01-02"));
    assert!(
        expired
            .problems(now)
            .iter()
            .any(|d| d.is_error() && d.message.contains("expired"))
    );
    let revoked = KeyInfo::from_armored(&fixture("test-revoked-public.asc")).expect("parses");
    assert!(
        revoked
            .problems(now)
            .iter()
            .any(|d| d.is_error() && d.message.contains("revoked"))
    );
}

#[test]
fn expiring_key_warns_ninety_days_ahead() {
    let info = KeyInfo::from_armored(&fixture("test-expired-public.asc")).expect("parses");
    let before: Timestamp = "2019-12-01T00:00:00Z".parse().expect("time");
    let problems = info.problems(before);
    assert!(
        problems
            .iter()
            .any(|d| !d.is_error() && d.message.contains("expires on 2020-01-02")),
        "{problems:?}"
    );
    assert!(!problems.iter().any(Diagnostic::is_error));
}

#[test]
fn key_info_of_an_rsa_key() {
    let info = KeyInfo::from_armored(&fixture("test-rsa-public.asc")).expect("parses");
    assert_eq!(info.algorithm, "RSA 3072");
    assert_eq!(info.expires, None);
    assert_eq!(info.user_ids.len(), 2);
    assert_eq!(info.fingerprint_grouped.split(' ').count(), 10);
    assert_eq!(info.fingerprint_grouped.replace(' ', ""), info.fingerprint);
    assert_eq!(info.created.len(), 10);
    assert_eq!(info.subkeys.len(), 1);
    assert_eq!(info.subkeys[0].algorithm, "RSA 3072");
    assert_eq!(info.subkeys[0].capabilities, "encrypt");
    let json = serde_json::to_value(&info).expect("serialize");
    for field in [
        "fingerprint",
        "fingerprint_grouped",
        "algorithm",
        "created",
        "expires",
        "user_ids",
        "subkeys",
        "wkd_email",
    ] {
        assert!(json.get(field).is_some(), "{field} missing from {json}");
    }
    assert!(json.get("binary").is_none());
}

#[test]
fn wkd_hash_known_values() {
    // draft-koch-openpgp-webkey-service, §3.1.
    assert_eq!(wkd_hash("Joe.Doe"), "iy9q119eutrkn8s1mk4r39qejnbu3n5q");
    assert_eq!(wkd_hash("joe.doe"), wkd_hash("JOE.DOE"));
    // Checked with `gpg --with-wkd-hash --list-keys` for the demo key's address.
    assert_eq!(
        wkd_path("psirt@acme-networks.example").as_deref(),
        Some(".well-known/openpgpkey/hu/4tz7q7ge5mwz5sjx4yatrzhqs37873ts")
    );
}

fn txt_config(days: Option<i64>) -> SecurityTxtConfig {
    SecurityTxtConfig {
        expires_after_days: days.map(|d| toml::Spanned::new(0..0, d)),
        expires: None,
        preferred_languages: Vec::new(),
        hiring: None,
        extra_contacts: Vec::new(),
    }
}

#[test]
fn security_txt_expires_is_clamped() {
    let now: Timestamp = "2026-11-18T10:13:20Z".parse().expect("time");
    let at = |days| expires(now, &txt_config(days)).expect("expires").to_string();
    assert_eq!(at(None), "2027-05-17T10:13:20Z", "default 180 days");
    assert_eq!(at(Some(365)), "2027-11-18T10:13:20Z");
    assert_eq!(at(Some(5000)), "2027-11-18T10:13:20Z", "clamped to 365 days");
    assert_eq!(at(Some(-3)), "2026-11-19T10:13:20Z", "clamped to 1 day");
}

/// Key files are small: anything above the limit (or not a regular file, such as
/// /dev/zero) is refused before it is read, for the signing key and the published key.
#[test]
fn oversized_or_special_key_files_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let big = dir.path().join("big.asc");
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(psirt_site::pgpkey::MAX_KEY_BYTES + 1))
        .expect("sparse file");
    let mut targets = vec![("big.asc".to_string(), "more than the limit")];
    if cfg!(unix) {
        targets.push(("/dev/zero".to_string(), "not a regular file"));
    }
    for (file, expected) in targets {
        let cfg = SigningConfig {
            key_file: Some(file.clone().into()),
            key_env: "PSIRT_SITE_TEST_NEVER_SET_6".into(),
            passphrase_env: "PSIRT_SITE_TEST_NEVER_SET_7".into(),
        };
        let d = load_at(dir.path(), &cfg, Timestamp::now()).expect_err("refused");
        assert_eq!(d.code, Code::Signing);
        assert!(d.message.contains(expected), "{file}: {}", d.message);

        let site = format!(
            "allow_example_domains = true\ntitle = \"T\"\nbase_url = \"https://psirt.example.com\"\n[publisher]\nname = \"P\"\nnamespace = \"https://example.com\"\n[contact]\nemail = \"psirt@example.com\"\n[pgp]\npublic_key = {file:?}\n"
        );
        std::fs::write(dir.path().join("site.toml"), site).expect("site.toml");
        let mut sources = psirt_site::diag::SourceMap::default();
        let config = psirt_site::config::SiteConfig::load(dir.path(), &mut sources).expect("config");
        let ds = psirt_site::pgpkey::load(dir.path(), &config.config, Timestamp::now()).expect_err("refused");
        assert_eq!(ds[0].code, Code::Key);
        assert!(ds[0].message.contains(expected), "{file}: {}", ds[0].message);
        assert!(ds[0].primary.is_some(), "points at public_key in site.toml");
    }
}
