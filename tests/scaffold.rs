//! `init` creates a site that builds and checks cleanly; `new advisory` picks the next id.

use psirt_site::BuildOptions;

#[test]
fn init_site_builds_and_passes_the_policy_check() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("site");
    psirt_site::scaffold::init(&root).expect("init");
    let opts = BuildOptions {
        root: root.clone(),
        ..Default::default()
    };
    let report = psirt_site::build(&opts).unwrap_or_else(|f| {
        panic!(
            "{}",
            psirt_site::diag::render(&f.diagnostics, &f.sources, Default::default())
        )
    });
    assert_eq!(report.published, 1);
    assert!(
        report
            .warnings
            .iter()
            .all(|w| w.code != psirt_site::diag::Code::Policy),
        "{:?}",
        report.warnings
    );
    assert!(root.join("public/policy/index.html").is_file());
    assert!(
        psirt_site::scaffold::init(&root).is_err(),
        "init refuses a non-empty folder"
    );

    let now: jiff::Timestamp = "2031-05-01T00:00:00Z".parse().expect("valid");
    let path = psirt_site::scaffold::new_advisory(&root, Some("A \"quoted\" title"), now).expect("new");
    assert!(
        path.ends_with("content/advisories/2031/EXAMPLE-SA-2031-0001.md"),
        "{}",
        path.display()
    );
    let second = psirt_site::scaffold::new_advisory(&root, None, now).expect("new");
    assert!(second.ends_with("EXAMPLE-SA-2031-0002.md"));
    // The new files are drafts: they validate but are held back.
    let report = psirt_site::check(&opts).expect("checks");
    assert_eq!(report.held_back.len(), 2);
}
