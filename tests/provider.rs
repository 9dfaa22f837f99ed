//! `check --provider` on a built, signed site passes every requirement, and notices a
//! document that was changed after signing.

mod common;

use common::SiteTest;
use psirt_site::emit::csaf::check;

fn signed_site() -> SiteTest {
    let t = SiteTest::minimal();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let key = repo.join("keys/demo-signing-key.asc");
    let public = repo.join("static/keys/psirt-public.asc");
    t.write(
        "site.toml",
        &format!(
            "{}\n[pgp]\npublic_key = {:?}\n\n[signing]\nkey_file = {:?}\n",
            common::SITE_TOML,
            public.display().to_string(),
            key.display().to_string()
        ),
    );
    t
}

#[test]
fn a_built_site_meets_every_provider_requirement() {
    let t = signed_site();
    t.build().expect("builds");
    let results = check::check(&t.out());
    let failed: Vec<_> = results.iter().filter(|r| !r.passed()).collect();
    assert!(failed.is_empty(), "{failed:#?}");
    let metadata = t.read(".well-known/csaf/provider-metadata.json");
    assert!(metadata.contains("\"role\": \"csaf_trusted_provider\""));
}

#[test]
fn a_document_changed_after_signing_fails_hashes_and_signatures() {
    let t = signed_site();
    t.build().expect("builds");
    let doc = t.out().join(".well-known/csaf/white/2026/ex-2026-0001.json");
    let text = std::fs::read_to_string(&doc)
        .expect("read")
        .replace("Summary of", "Summary of tampered");
    std::fs::write(&doc, text).expect("write");
    let results = check::check(&t.out());
    let failed: Vec<u8> = results.iter().filter(|r| !r.passed()).map(|r| r.number).collect();
    assert_eq!(failed, vec![18, 19]);
}

#[test]
fn an_unsigned_site_is_a_csaf_provider() {
    let t = SiteTest::minimal();
    t.build().expect("builds");
    let metadata = t.read(".well-known/csaf/provider-metadata.json");
    assert!(metadata.contains("\"role\": \"csaf_provider\""));
    assert!(
        !t.out()
            .join(".well-known/csaf/white/2026/ex-2026-0001.json.asc")
            .exists()
    );
}
