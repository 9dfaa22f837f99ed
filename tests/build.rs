//! Whole builds: output layout, determinism, build time and timings, links to the site,
//! the held-back summary, and what a rebuild keeps and reports as changed.

use crate::common;
use common::{SiteTest, assert_untouched, tree};

#[test]
fn builds_the_expected_pages_and_files() {
    let t = SiteTest::minimal();
    let report = t.build().expect("builds");
    assert_eq!(report.published, 1);
    for path in [
        "index.html",
        "404.html",
        "advisories/index.html",
        "advisories/2026/index.html",
        "advisories/severity/medium/index.html",
        "advisories/EX-2026-0001/index.html",
        "products/index.html",
        "products/widget/index.html",
        "sitemap.xml",
        "robots.txt",
        ".well-known/csaf/provider-metadata.json",
        ".well-known/csaf/white/2026/ex-2026-0001.json",
        ".well-known/csaf/white/2026/ex-2026-0001.json.sha256",
        ".well-known/csaf/white/2026/ex-2026-0001.json.sha512",
        ".well-known/csaf/white/index.txt",
        ".well-known/csaf/white/changes.csv",
        ".well-known/csaf/csaf-feed-tlp-white.json",
        ".well-known/csaf/index.html",
        ".well-known/csaf/white/2026/index.html",
    ] {
        assert!(t.out().join(path).is_file(), "missing {path}");
    }
    let page = t.read("advisories/EX-2026-0001/index.html");
    for needle in [
        "XSS in Widget",
        "CVE-2026-40001",
        "CWE-79",
        "6.1",
        "Jane Doe",
        "2.0.1",
        "Example Widget",
    ] {
        assert!(page.contains(needle), "advisory page lacks {needle}");
    }
    assert_eq!(
        t.read(".well-known/csaf/white/index.txt"),
        "2026/ex-2026-0001.json\n"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let t = SiteTest::minimal();
    t.write(
        "content/policy.md",
        "+++\ntitle = \"Policy\"\n+++\n## Scope\n\nAll products.\n",
    );
    t.build().expect("first build");
    let first = tree(&t.out());
    t.build().expect("second build");
    assert_eq!(first, tree(&t.out()));
}

#[test]
fn demo_site_builds_deterministically() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let outs = [
        tempfile::tempdir().expect("tmp"),
        tempfile::tempdir().expect("tmp"),
    ];
    for out in &outs {
        let opts = psirt_site::BuildOptions {
            root: root.to_path_buf(),
            output: Some(out.path().join("public")),
            now: Some(common::now()),
            cache_dir: Some(out.path().join("cache")),
            ..Default::default()
        };
        let r = psirt_site::build(&opts).unwrap_or_else(|f| {
            panic!(
                "{}",
                psirt_site::diag::render(&f.diagnostics, &f.sources, Default::default())
            )
        });
        assert!(r.published >= 8, "demo publishes its advisories");
    }
    assert_eq!(
        tree(&outs[0].path().join("public")),
        tree(&outs[1].path().join("public"))
    );
}

#[test]
fn preview_refuses_the_public_folder_and_shows_drafts() {
    let t = SiteTest::minimal();
    t.write(
        "content/advisories/EX-2026-0002.md",
        &common::advisory("EX-2026-0002", "Draft thing", "2026-03-11T09:00:00Z")
            .replace("status = \"final\"", "status = \"draft\""),
    );
    let mut opts = t.options();
    opts.mode = psirt_site::site::Mode::Preview;
    opts.output = Some(t.out());
    assert!(
        psirt_site::build(&opts).is_err(),
        "preview must not write into public/"
    );
    let preview = t.root().join("preview");
    opts.output = Some(preview.clone());
    psirt_site::build(&opts).expect("preview builds");
    let page =
        std::fs::read_to_string(preview.join("advisories/EX-2026-0002/index.html")).expect("draft page");
    assert!(page.contains("noindex"));
    assert!(page.contains("Draft thing"));
    assert!(
        !preview
            .join(".well-known/csaf/white/2026/ex-2026-0002.json")
            .exists()
    );
}

#[test]
fn source_date_epoch_sets_the_build_time() {
    let opts = psirt_site::BuildOptions::default();
    // SAFETY: this test binary sets the variable before reading it, in one thread.
    unsafe { std::env::set_var("SOURCE_DATE_EPOCH", "1795392000") };
    let t = psirt_site::build_time(&opts).expect("valid");
    unsafe { std::env::remove_var("SOURCE_DATE_EPOCH") };
    assert_eq!(t.as_second(), 1_795_392_000);
}

#[test]
fn timings_name_every_stage_and_step_with_cpu_and_memory() {
    let t = SiteTest::minimal();
    let out_dir = tempfile::tempdir().expect("tmp");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_psirt-site"))
        .args(["build", "--timings", "--root"])
        .arg(t.root())
        .arg("--output")
        .arg(out_dir.path().join("public"))
        .env("SOURCE_DATE_EPOCH", common::NOW.to_string())
        .output()
        .expect("run binary");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let stages = [
        "config", "discover", "parse", "assemble", "validate", "theme", "emit", "write",
    ];
    let steps = ["lists", "advisories", "listings"];
    for name in stages.iter().chain(&steps) {
        let line = stderr
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no `{name}` line in:\n{stderr}"));
        assert!(line.contains(" ms"), "{line}");
        if cfg!(unix) {
            assert!(line.contains("cpu "), "{line}");
        }
        if cfg!(target_os = "linux") {
            assert!(line.contains("rss ") && line.contains("peak "), "{line}");
        }
    }
    assert!(out_dir.path().join("public/index.html").is_file());
}

/// Links in Markdown content to the site itself must lead to a file the build writes; the
/// error points at the link. A link to a held-back advisory is an error in the public build
/// (a 404 that names the advisory) and fine in a preview, which shows it.
#[test]
fn broken_links_to_the_site_are_errors_at_the_link() {
    let t = SiteTest::minimal();
    let body = "## Details\n\n\
        See [the feeds](/feeds/), [the provider](/.well-known/csaf/provider-metadata.json),\n\
        [this section](#details) and [another site](https://example.org/nope/).\n\n\
        Broken: [a typo](/advisories/EX-2026-0009/), [the key](/pgp/),\n\
        [the draft](../EX-2026-0002/) and [up and out](../../../../x).\n";
    let advisory = common::advisory("EX-2026-0001", "XSS in Widget", "2026-03-10T09:00:00Z");
    let head = advisory.split("## Details").next().expect("front matter");
    t.write("content/advisories/EX-2026-0001.md", &format!("{head}{body}"));
    t.write(
        "content/advisories/EX-2026-0002.md",
        &common::advisory("EX-2026-0002", "Draft", "2026-03-11T09:00:00Z")
            .replace("status = \"final\"", "status = \"draft\""),
    );
    t.write(
        "content/policy.md",
        "+++\ntitle = \"Policy\"\n+++\n## Scope\n\nSee [advisories](../advisories/) and [old](/old-policy.html).\n",
    );
    let errors = t.check_errors();
    let at = |needle: &str| {
        errors
            .lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no error for {needle}:\n{errors}"))
            .to_string()
    };
    let typo = at("`/advisories/EX-2026-0009/`");
    assert!(
        typo.contains("EX-2026-0001.md:37:9: error[broken-link]"),
        "{errors}"
    );
    assert!(at("`/pgp/`").contains("[pgp]"));
    assert!(at("`../EX-2026-0002/`").contains("EX-2026-0002 is not published by this build (draft)"));
    assert!(
        errors.contains("help: remove the link until EX-2026-0002 is published"),
        "{errors}"
    );
    assert!(at("`../../../../x`").contains("climbs above the site's root"));
    assert!(at("`/old-policy.html`").contains("policy.md:6:"));
    assert_eq!(errors.matches("error[broken-link]").count(), 5, "{errors}");

    let mut opts = t.options();
    opts.mode = psirt_site::site::Mode::Preview;
    opts.output = Some(t.root().join("preview"));
    let preview = match psirt_site::build(&opts) {
        Ok(_) => panic!("the other broken links fail the preview too"),
        Err(f) => psirt_site::diag::render(&f.diagnostics, &f.sources, psirt_site::diag::Format::Human),
    };
    assert_eq!(preview.matches("error[broken-link]").count(), 4, "{preview}");
    assert!(!preview.contains("EX-2026-0002 is not published"), "{preview}");
    assert!(
        !t.root().join("preview").exists(),
        "a failed build writes nothing"
    );
}

/// #18: a site holding many advisories back prints one line with the counts (the full list
/// with `--verbose`); a few are listed one per line.
#[test]
fn many_held_back_advisories_make_one_line() {
    let t = SiteTest::minimal();
    for n in 2..=12 {
        let id = format!("EX-2026-{n:04}");
        t.write(
            &format!("content/advisories/{id}.md"),
            &common::advisory(&id, "Draft", "2026-03-11T09:00:00Z")
                .replace("status = \"final\"", "status = \"draft\""),
        );
    }
    let report = t.build().expect("builds");
    assert_eq!(
        report.held_lines(false),
        ["held back: 11 advisories (11 drafts, 0 embargoed, 0 not TLP:CLEAR); --verbose lists them"]
    );
    let all = report.held_lines(true);
    assert_eq!(all.len(), 11);
    assert!(all[0].starts_with("held back: EX-2026-0002 ("), "{all:?}");
}

/// The files of `before` that are another file (inode or mtime) in `after`.
#[cfg(unix)]
fn rewritten(
    before: &std::collections::BTreeMap<String, (u64, i64, i64)>,
    after: &std::collections::BTreeMap<String, (u64, i64, i64)>,
) -> Vec<String> {
    before
        .iter()
        .filter(|(path, id)| after.get(*path) != Some(id))
        .map(|(path, _)| path.clone())
        .collect()
}

fn build_at(t: &SiteTest, seconds: i64) -> psirt_site::Report {
    let mut opts = t.options();
    opts.now = Some(jiff::Timestamp::from_second(seconds).expect("time"));
    psirt_site::build(&opts).expect("builds")
}

/// #18: a rebuild links every file whose bytes did not change from the previous output, so
/// it keeps its inode and mtime; only the files whose bytes changed are written again.
#[cfg(unix)]
#[test]
fn a_rebuild_keeps_every_unchanged_file_as_it_was() {
    let t = SiteTest::minimal();
    let first = build_at(&t, common::NOW);
    let changes = first.changes.expect("build reports changes");
    assert_eq!(changes.added.len(), first.files, "a first build adds every file");
    assert!(changes.changed.is_empty() && changes.removed.is_empty());
    let before = common::identities(&t.out());
    let bytes_before = tree(&t.out());

    let same_time = build_at(&t, common::NOW);
    let changes = same_time.changes.expect("changes");
    assert_eq!(
        (changes.changed.len(), changes.added.len(), changes.removed.len()),
        (0, 0, 0)
    );
    assert_eq!(changes.kept, same_time.files);
    // Nothing changed: the output was left alone, its marker included.
    assert!(rewritten(&before, &common::identities(&t.out())).is_empty());
    assert_eq!(tree(&t.out()), bytes_before, "same bytes");

    let before = common::identities(&t.out());
    let hour_later = build_at(&t, common::NOW + 3600);
    let changes = hour_later.changes.clone().expect("changes");
    let bytes_after = tree(&t.out());
    let differ: Vec<String> = bytes_before
        .iter()
        .zip(&bytes_after)
        .filter(|(a, b)| a != b)
        .map(|(a, _)| a.0.clone())
        .collect();
    assert_eq!(
        differ,
        [".well-known/security.txt"],
        "only security.txt depends on the build time"
    );
    assert_eq!(changes.changed, differ);
    assert_eq!(
        rewritten(&before, &common::identities(&t.out())),
        [".well-known/security.txt"]
    );
    assert!(
        hour_later.summary().ends_with(", 1 changed, 0 added, 0 removed"),
        "{}",
        hour_later.summary()
    );
}

/// #18: `--changed` names the edited advisory's page, its CSAF files and the lists and
/// feeds that show it, not an untouched advisory's page; a deleted advisory's files are
/// removed.
#[test]
fn changed_paths_of_an_edited_and_a_deleted_advisory() {
    let t = SiteTest::minimal();
    t.write(
        "content/advisories/EX-2026-0002.md",
        &common::advisory("EX-2026-0002", "Other", "2026-03-01T09:00:00Z"),
    );
    build_at(&t, common::NOW);
    t.write(
        "content/advisories/EX-2026-0001.md",
        &common::advisory("EX-2026-0001", "XSS in Widget, retitled", "2026-03-10T09:00:00Z"),
    );
    let urls = build_at(&t, common::NOW).changes.expect("changes").url_paths();
    for expected in [
        "/advisories/EX-2026-0001/",
        "/advisories/",
        "/",
        "/.well-known/csaf/white/2026/ex-2026-0001.json",
        "/.well-known/csaf/white/2026/ex-2026-0001.json.sha256",
        "/feeds/advisories.xml",
        "/feeds/products/widget.xml",
    ] {
        assert!(urls.iter().any(|u| u == expected), "{expected} not in {urls:?}");
    }
    for untouched in [
        "/advisories/EX-2026-0002/",
        "/.well-known/csaf/white/2026/ex-2026-0002.json",
    ] {
        assert!(!urls.iter().any(|u| u == untouched), "{untouched} in {urls:?}");
    }
    let mut sorted = urls.clone();
    sorted.sort();
    assert_eq!(urls, sorted);

    std::fs::remove_file(t.root().join("content/advisories/EX-2026-0002.md")).expect("rm");
    let changes = build_at(&t, common::NOW).changes.expect("changes");
    assert!(
        changes
            .removed
            .iter()
            .any(|p| p == "advisories/EX-2026-0002/index.html")
    );
    assert!(
        changes
            .url_paths()
            .iter()
            .any(|u| u == "/advisories/EX-2026-0002/")
    );
    assert!(!changes.removed.iter().any(|p| p == ".psirt-site-output"));
}

/// #18: files linked from the previous output share its inode; a build that fails after
/// linking them (an invalid advisory added) leaves that output complete and unchanged.
#[cfg(unix)]
#[test]
fn a_failed_build_after_linking_leaves_the_output_intact() {
    let t = SiteTest::minimal();
    build_at(&t, common::NOW);
    build_at(&t, common::NOW + 60);
    let before = tree(&t.out());
    let ids = common::identities(&t.out());
    // Found while rendering, after the unchanged files were linked into the staging folder.
    t.write("static/sitemap.xml", "<urlset/>");
    assert!(t.build().is_err());
    assert_untouched(&t, &before);
    assert_eq!(common::identities(&t.out()), ids);
    std::fs::remove_file(t.root().join("static/sitemap.xml")).expect("rm");
    t.write("content/advisories/broken.md", "+++\nid = \n+++\n");
    assert!(t.build().is_err());
    assert_untouched(&t, &before);
    assert_eq!(common::identities(&t.out()), ids);
}
