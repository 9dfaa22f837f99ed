//! `check --provider` on a built, signed site passes every requirement, and notices a
//! document that was changed after signing.

use crate::common;

use common::SiteTest;
use psirt_site::provider_check as check;

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

/// A folder to check may come from anyone: URLs in its provider-metadata.json and ROLIE
/// feed, and symbolic links in it, must never make the checker open a file outside it.
#[test]
fn urls_and_links_never_lead_outside_the_checked_folder() {
    let t = signed_site();
    t.build().expect("builds");
    let outside = t.root().join("outside");
    std::fs::create_dir_all(outside.join("2026")).expect("mkdir");
    std::fs::write(outside.join("2026/secret-doc.json"), "{\"SECRETMARK\": 1}").expect("write");
    std::fs::write(outside.join("feed.json"), "{\"SECRETMARK\": 2}").expect("write");
    let metadata_path = t.out().join(".well-known/csaf/provider-metadata.json");
    let metadata = std::fs::read_to_string(&metadata_path).expect("metadata");
    let mut json: serde_json::Value = serde_json::from_str(&metadata).expect("json");
    let escape = "https://psirt.example.com/.well-known/../../outside/";
    json["distributions"][0]["directory_url"] = escape.into();
    json["distributions"][0]["rolie"]["feeds"][0]["url"] = format!("{escape}feed.json").into();
    std::fs::write(&metadata_path, json.to_string()).expect("write");
    let results = check::check(&t.out());
    let problems: Vec<&String> = results.iter().flat_map(|r| &r.problems).collect();
    assert!(
        problems
            .iter()
            .all(|p| !p.contains("SECRETMARK") && !p.contains("secret-doc")),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("not a file inside the checked folder")),
        "{problems:#?}"
    );

    #[cfg(unix)]
    {
        let index = t.out().join(".well-known/csaf/white/index.txt");
        std::fs::remove_file(&index).expect("rm");
        std::os::unix::fs::symlink(outside.join("feed.json"), &index).expect("symlink");
        let results = check::check(&t.out());
        let problems: Vec<&String> = results.iter().flat_map(|r| &r.problems).collect();
        assert!(
            problems.iter().any(|p| p.contains("links outside the folder")),
            "{problems:#?}"
        );
        assert!(
            problems.iter().all(|p| !p.contains("SECRETMARK")),
            "{problems:#?}"
        );
    }
}
