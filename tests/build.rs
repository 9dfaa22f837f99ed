//! Whole builds: output layout, determinism, atomicity, output folder safety.

use crate::common;

use common::{SiteTest, tree};
use psirt_site::diag::Code;

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
fn a_failed_build_keeps_the_previous_output() {
    let t = SiteTest::minimal();
    t.build().expect("first build");
    let before = tree(&t.out());
    t.write("content/advisories/broken.md", "+++\nid = \n+++\n");
    assert!(t.build().is_err());
    assert_untouched(&t, &before);
}

/// Failures found while rendering, after files went to the staging folder: the output and
/// the folder beside it stay as they were.
#[test]
fn a_build_that_fails_while_rendering_keeps_the_previous_output() {
    let t = SiteTest::minimal();
    t.build().expect("first build");
    let before = tree(&t.out());
    // A static file that collides with a generated one is found only after every file
    // was written to the staging folder.
    t.write("static/sitemap.xml", "<urlset/>");
    let failure = t.build().expect_err("a path collision fails the build");
    assert!(
        failure
            .diagnostics
            .iter()
            .any(|d| d.message.contains("two outputs want the path `sitemap.xml`")),
        "{:?}",
        failure.diagnostics
    );
    assert_untouched(&t, &before);
    std::fs::remove_file(t.root().join("static/sitemap.xml")).expect("remove");
    // A template that fails on every advisory page fails in the middle of rendering.
    t.write("templates/advisory.html", "{{ no_such_variable.field }}");
    let failure = t.build().expect_err("a template error fails the build");
    assert!(
        failure.diagnostics.iter().any(|d| d.code == Code::Template),
        "{:?}",
        failure.diagnostics
    );
    assert_untouched(&t, &before);
}

/// An advisory id that is also a list's folder (a year) would overwrite that list's page:
/// the build fails, at the id in the advisory's file, and says what to rename.
#[test]
fn an_advisory_id_that_is_a_year_collides_with_the_year_list() {
    let t = SiteTest::minimal();
    let text = common::advisory("2026", "Named like a year", "2026-04-01T09:00:00Z");
    t.write("content/advisories/2026.md", &text);
    let failure = t.build().expect_err("the id collides with the 2026 list");
    let d = failure
        .diagnostics
        .iter()
        .find(|d| d.code == Code::InvalidId && d.message.contains("`advisories/2026/`"))
        .unwrap_or_else(|| panic!("{:?}", failure.diagnostics));
    assert!(
        d.help.as_deref().is_some_and(|h| h.contains("advisory id")),
        "{d:?}"
    );
    let label = d.primary.as_ref().expect("points into the file");
    assert_eq!(label.file, std::path::Path::new("content/advisories/2026.md"));
    assert_eq!(text.get(label.span.clone()), Some("\"2026\""), "{label:?}");
    // `check` renders nothing to disk, so it only finds the clash through the id check.
    let failure = t.check().expect_err("check finds it too");
    assert!(failure.diagnostics.iter().any(|d| d.code == Code::InvalidId));
}

/// An advisory named like the list's own index file failed with an I/O error on a
/// temporary path; now it is an `invalid-id` error before anything is written.
#[test]
fn an_advisory_id_named_index_html_is_refused_before_writing() {
    let t = SiteTest::minimal();
    t.write(
        "content/advisories/x.md",
        &common::advisory("index.html", "Named like a page", "2026-04-01T09:00:00Z"),
    );
    let failure = t.build().expect_err("index.html is the list's own file");
    assert!(
        failure
            .diagnostics
            .iter()
            .all(|d| d.code == Code::InvalidId && d.primary.as_ref().is_some_and(|l| l.span != (0..0))),
        "{:?}",
        failure.diagnostics
    );
}

/// A file whose length is above the limit, made sparse so the test writes almost nothing.
fn sparse(t: &SiteTest, rel: &str, len: u64) {
    t.write(rel, "");
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(t.root().join(rel))
        .expect("open");
    f.set_len(len).expect("set_len");
}

/// Every file the build reads has a size limit, checked before reading: site.toml,
/// products.toml, templates and static files.
#[test]
fn oversized_inputs_are_refused_before_reading() {
    let over = psirt_site::source::MAX_FILE_BYTES + 1;
    for rel in [
        "site.toml",
        "content/products.toml",
        "content/acknowledgments.toml",
        "templates/page.html",
        "static/big.bin",
    ] {
        let t = SiteTest::minimal();
        sparse(&t, rel, over);
        let failure = t.build().expect_err(rel);
        let d = failure
            .diagnostics
            .iter()
            .find(|d| d.message.contains("more than the limit"))
            .unwrap_or_else(|| panic!("{rel}: {:?}", failure.diagnostics));
        assert_eq!(d.code, Code::Io, "{rel}: {d:?}");
        let label = d.primary.as_ref().expect("names the file");
        assert!(label.file.ends_with(rel), "{rel}: {label:?}");
    }
}

/// A site.toml that is a device or a FIFO is refused, not read (a FIFO without a writer
/// would block the build forever, /dev/zero would fill the memory).
#[cfg(unix)]
#[test]
fn non_regular_input_files_are_refused() {
    let t = SiteTest::minimal();
    std::fs::remove_file(t.root().join("site.toml")).expect("rm");
    std::os::unix::fs::symlink("/dev/zero", t.root().join("site.toml")).expect("symlink");
    let failure = t.build().expect_err("/dev/zero is no site.toml");
    assert!(
        failure.diagnostics[0].message.contains("not a regular file"),
        "{:?}",
        failure.diagnostics
    );
    std::fs::remove_file(t.root().join("site.toml")).expect("rm");
    let made = std::process::Command::new("mkfifo")
        .arg(t.root().join("site.toml"))
        .status()
        .is_ok_and(|s| s.success());
    if made {
        let failure = t.build().expect_err("a FIFO is no site.toml");
        assert!(
            failure.diagnostics[0].message.contains("not a regular file"),
            "{:?}",
            failure.diagnostics
        );
    } else {
        eprintln!("skipping the FIFO part: mkfifo is not available");
    }
}

/// The output is what it was before a failed build, and no temporary folder is left.
fn assert_untouched(t: &SiteTest, before: &[(String, Vec<u8>)]) {
    assert_eq!(before, tree(&t.out()), "output changed after a failed build");
    let leftovers: Vec<_> = std::fs::read_dir(t.root())
        .expect("read root")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary folders left: {leftovers:?}");
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_write() {
    let t = SiteTest::minimal();
    t.write("precious/data.txt", "do not delete");
    let mut opts = t.options();
    opts.output = Some(t.root().join("precious"));
    assert!(psirt_site::build(&opts).is_err());
    assert!(t.root().join("precious/data.txt").is_file());
    for bad in [
        t.root().to_path_buf(),
        t.root().join("content"),
        t.root().join("content/x"),
    ] {
        let mut opts = t.options();
        opts.output = Some(bad.clone());
        assert!(psirt_site::build(&opts).is_err(), "wrote into {}", bad.display());
    }
    assert!(t.root().join("content/products.toml").is_file());
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

/// The diagnostic of a build that must fail with an `output` error before writing.
fn output_error(result: Result<psirt_site::Report, psirt_site::Failure>, what: &str) -> String {
    let failure = result
        .err()
        .unwrap_or_else(|| panic!("{what}: the build was accepted"));
    let d = failure
        .diagnostics
        .iter()
        .find(|d| d.code == Code::Output)
        .unwrap_or_else(|| panic!("{what}: no output diagnostic in {:?}", failure.diagnostics));
    assert!(d.help.is_some(), "{what}: {d:?}");
    d.message.clone()
}

/// Folders beside the output that only look like a build's temporary folders belong to the
/// user: a build removes those with psirt-site's marker (or empty ones with the exact name
/// pattern), whatever process id their name ends in, and nothing else (#13).
#[test]
fn leftover_cleanup_removes_only_folders_psirt_site_wrote() {
    let t = SiteTest::minimal();
    t.write(".public.old-backup/IMPORTANT.txt", "precious");
    t.write(".public.tmp-99999999/IMPORTANT.txt", "precious");
    // Ours, and named after a live process (1 is always running): no build holds the
    // output's lock, so it is a leftover all the same.
    t.write(".public.tmp-1/.psirt-site-output", "Written by psirt-site.\n");
    t.write(".public.tmp-1/index.html", "stale");
    std::fs::create_dir_all(t.root().join(".public.old-2")).expect("mkdir");
    t.build().expect("builds");
    assert!(t.root().join(".public.old-backup/IMPORTANT.txt").is_file());
    assert!(t.root().join(".public.tmp-99999999/IMPORTANT.txt").is_file());
    assert!(!t.root().join(".public.tmp-1").exists(), "our leftover stayed");
    assert!(!t.root().join(".public.old-2").exists(), "empty leftover stayed");
}

/// No output goes where the build reads its inputs: a preview in `static/` would be
/// copied into the next public build, drafts and all (#13).
#[test]
fn no_output_is_written_into_the_site_inputs() {
    let t = SiteTest::minimal();
    t.write("static/extra.txt", "x");
    t.write("themes/plain/templates/.keep", "");
    let root = t.root();
    for dir in [
        "static/pv",
        "static",
        "templates/pv",
        "themes/pv",
        "themes/plain/out",
        "content/pv",
        "site.toml",
    ] {
        for mode in [psirt_site::site::Mode::Preview, psirt_site::site::Mode::Public] {
            let mut opts = t.options();
            opts.mode = mode;
            opts.output = Some(root.join(dir));
            output_error(psirt_site::build(&opts), &format!("{mode:?} into {dir}"));
        }
        let mut opts = t.options();
        opts.restricted = Some(root.join(dir));
        output_error(psirt_site::build(&opts), &format!("restricted into {dir}"));
    }
    for dir in [
        "static/pv",
        "templates",
        "themes/pv",
        "themes/plain/out",
        "content/pv",
    ] {
        assert!(!root.join(dir).exists(), "{dir} was written");
    }
    assert!(!root.join("public").exists());
}

/// The marker records what a folder holds; a build never replaces a folder of another
/// kind, so a preview cannot replace a public site, nor the other way round (#13).
#[test]
fn an_output_folder_is_never_replaced_by_one_of_another_kind() {
    use psirt_site::site::Mode;
    let t = SiteTest::minimal();
    t.write(
        "content/advisories/EX-2026-0002.md",
        &common::advisory("EX-2026-0002", "Draft thing", "2026-03-11T09:00:00Z")
            .replace("status = \"final\"", "status = \"draft\""),
    );
    let build_into = |dir: &str, mode: Mode, restricted: bool| {
        let mut opts = t.options();
        opts.mode = mode;
        if restricted {
            opts.restricted = Some(t.root().join(dir));
        } else {
            opts.output = Some(t.root().join(dir));
        }
        psirt_site::build(&opts)
    };
    build_into("dist", Mode::Public, false).expect("public build into dist");
    build_into("pv", Mode::Preview, false).expect("preview into pv");
    build_into("restricted", Mode::Public, true).expect("restricted documents");
    let trees: Vec<_> = ["dist", "pv", "restricted"]
        .iter()
        .map(|d| tree(&t.root().join(d)))
        .collect();
    output_error(build_into("dist", Mode::Preview, false), "preview over public");
    output_error(build_into("dist", Mode::Public, true), "restricted over public");
    output_error(build_into("pv", Mode::Public, false), "public over preview");
    output_error(
        build_into("restricted", Mode::Preview, false),
        "preview over restricted",
    );
    output_error(
        build_into("restricted", Mode::Public, false),
        "public over restricted",
    );
    for (dir, before) in ["dist", "pv", "restricted"].iter().zip(&trees) {
        assert_eq!(before, &tree(&t.root().join(dir)), "{dir} changed");
    }
    // A marker from earlier versions names no kind: it was a public build.
    t.write(
        "old/.psirt-site-output",
        "Written by psirt-site. This folder is replaced on every build.\n",
    );
    t.write("old/index.html", "old public site");
    output_error(
        build_into("old", Mode::Preview, false),
        "preview over an old public build",
    );
    build_into("old", Mode::Public, false).expect("public over an old public build");
}

/// All outputs of one build are committed together: a restricted folder that cannot be
/// made fails the build before the public output is touched (#13).
#[test]
fn an_unusable_restricted_folder_keeps_the_public_output() {
    let t = SiteTest::minimal();
    t.build().expect("first build");
    let before = tree(&t.out());
    t.write(
        "content/advisories/EX-2026-0001.md",
        &common::advisory("EX-2026-0001", "Changed title", "2026-03-10T09:00:00Z"),
    );
    t.write("plain-file", "not a folder");
    let mut opts = t.options();
    opts.restricted = Some(t.root().join("plain-file/restricted"));
    output_error(psirt_site::build(&opts), "restricted below a file");
    assert_untouched(&t, &before);
}

/// A commit that fails after the public output was swapped in puts the previous public
/// output back before the build reports the error (#13).
#[test]
fn a_failed_restricted_commit_puts_the_public_output_back() {
    let t = SiteTest::minimal();
    t.build().expect("first build");
    let before = tree(&t.out());
    t.write(
        "content/advisories/EX-2026-0001.md",
        &common::advisory("EX-2026-0001", "Changed title", "2026-03-10T09:00:00Z"),
    );
    let restricted = t.root().join("restricted");
    let mut opts = t.options();
    opts.restricted = Some(restricted.clone());
    // Once everything is rendered, someone puts their own files where the restricted
    // documents are to go: that folder must not be replaced, so the build fails.
    opts.progress = psirt_site::Progress::new(move |stage| {
        if stage == psirt_site::timing::Stage::Emit {
            std::fs::create_dir_all(&restricted).expect("mkdir");
            std::fs::write(restricted.join("notes.txt"), "mine").expect("write");
        }
    });
    output_error(psirt_site::build(&opts), "restricted folder taken meanwhile");
    assert_eq!(before, tree(&t.out()), "public output not put back");
    assert_eq!(
        std::fs::read_to_string(t.root().join("restricted/notes.txt")).expect("kept"),
        "mine"
    );
}

/// Paths are checked where they really lead: `lnk/new` with `lnk` a symbolic link into
/// `content/` is inside the sources, though `lnk/new` does not exist yet (#13).
#[cfg(unix)]
#[test]
fn an_output_path_through_a_symbolic_link_is_checked_where_it_leads() {
    let t = SiteTest::minimal();
    let root = t.root();
    std::os::unix::fs::symlink(root.join("content"), root.join("lnk")).expect("symlink");
    std::fs::create_dir_all(root.join("static")).expect("mkdir");
    std::os::unix::fs::symlink("static", root.join("rel")).expect("symlink");
    for dir in ["lnk/new", "lnk/a/b", "rel/pv", "lnk"] {
        let mut opts = t.options();
        opts.output = Some(root.join(dir));
        output_error(psirt_site::build(&opts), &format!("output {dir}"));
        let mut opts = t.options();
        opts.mode = psirt_site::site::Mode::Preview;
        opts.output = Some(root.join(dir));
        output_error(psirt_site::build(&opts), &format!("preview {dir}"));
        let mut opts = t.options();
        opts.restricted = Some(root.join(dir));
        output_error(psirt_site::build(&opts), &format!("restricted {dir}"));
    }
    assert!(!root.join("content/new").exists());
    assert!(!root.join("content/a").exists());
    assert!(!root.join("static/pv").exists());
}

/// A lock file left by a build that was killed has no holder and blocks nothing (#13).
#[test]
fn a_stale_lock_file_does_not_block_the_next_build() {
    let t = SiteTest::minimal();
    t.write(".public.lock", "pid 4242\n");
    t.build().expect("a lock file without a holder is free");
    assert!(t.out().join("index.html").is_file());
    assert!(!t.root().join(".public.lock").exists(), "lock file left behind");
}

/// The advisory of `common::advisory` with every per-vulnerability and per-document
/// detail that CSAF carries (#15).
fn rich_advisory() -> String {
    let text = common::advisory("EX-2026-0001", "XSS in Widget", "2026-03-10T09:00:00Z");
    let text = text.replacen(
        "summary = \"Summary of EX-2026-0001.\"\n",
        r#"summary = "Summary of EX-2026-0001."
distribution_text = "Share freely."
vendor_severity = { text = "Important", namespace = "https://example.com/ratings" }

[[notes]]
category = "legal_disclaimer"
title = "Terms of use"
text = "Provided as is."
"#,
        1,
    );
    let text = text.replacen(
        "summary = \"Initial public release\"\n",
        "summary = \"Initial public release\"\nlegacy_version = \"1.0.0\"\n",
        1,
    );
    let text = text.replacen(
        "/C:L/I:L/A:N\"\n",
        r#"/C:L/I:L/A:N"
ids = [{ system_name = "GHSA", text = "GHSA-abcd-efgh-ijkl" }]
release_date = 2026-03-10T09:00:00.250Z

[vulnerabilities.exploited]
date = 2026-03-12
details = "Exploited against internet-facing admin consoles."

[[vulnerabilities.threats]]
category = "impact"
details = "Session theft of an administrator."
products = ["widget"]

[[vulnerabilities.notes]]
category = "faq"
title = "Is the API affected?"
text = "No."

[[vulnerabilities.references]]
url = "https://example.com/bugs/1"
summary = "Bug 1"
category = "self"
"#,
        1,
    );
    text.replacen(
        "url = \"https://example.com/downloads\"\n",
        r#"url = "https://example.com/downloads"
date = 2026-03-10
restart_required = { category = "service", details = "Restart the web service." }
entitlements = ["Needs a support contract."]
"#,
        1,
    ) + "\n## Summary\n\nLonger summary.\n\n## Timeline {note=general}\n\nReported in January.\n"
}

#[test]
fn per_vulnerability_and_document_details_reach_csaf_and_the_page() {
    let t = SiteTest::minimal();
    t.write("content/advisories/EX-2026-0001.md", &rich_advisory());
    t.build().expect("builds (the document passes csaf-rs)");
    let json: serde_json::Value =
        serde_json::from_str(&t.read(".well-known/csaf/white/2026/ex-2026-0001.json")).expect("json");
    let doc = &json["document"];
    assert_eq!(doc["distribution"]["text"], "Share freely.");
    assert_eq!(doc["aggregate_severity"]["text"], "Important");
    assert_eq!(
        doc["aggregate_severity"]["namespace"],
        "https://example.com/ratings"
    );
    assert_eq!(doc["tracking"]["revision_history"][0]["legacy_version"], "1.0.0");
    let notes = doc["notes"].as_array().expect("notes");
    let summaries: Vec<_> = notes.iter().filter(|n| n["category"] == "summary").collect();
    assert_eq!(summaries.len(), 1, "one summary note: {notes:?}");
    assert_eq!(
        summaries[0]["text"],
        "Summary of EX-2026-0001.\n\nLonger summary."
    );
    assert!(
        notes
            .iter()
            .any(|n| n["category"] == "legal_disclaimer" && n["title"] == "Terms of use")
    );
    assert!(
        notes
            .iter()
            .any(|n| n["category"] == "general" && n["title"] == "Timeline")
    );
    let v = &json["vulnerabilities"][0];
    assert_eq!(v["ids"][0]["system_name"], "GHSA");
    assert_eq!(v["release_date"], "2026-03-10T09:00:00.25Z");
    assert_eq!(v["references"][0]["category"], "self");
    assert_eq!(v["threats"][0]["category"], "impact");
    assert_eq!(v["threats"][0]["product_ids"][0], "widget-vulnerable");
    assert_eq!(v["threats"][1]["category"], "exploit_status");
    assert_eq!(v["threats"][1]["date"], "2026-03-12T00:00:00Z");
    assert!(
        v["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .any(|n| n["category"] == "faq")
    );
    let r = &v["remediations"][0];
    assert_eq!(r["date"], "2026-03-10T00:00:00Z");
    assert_eq!(r["restart_required"]["category"], "service");
    assert_eq!(r["entitlements"][0], "Needs a support contract.");

    let page = t.read("advisories/EX-2026-0001/index.html");
    for shown in [
        "Exploited in the wild",
        "Vendor severity",
        "Important",
        "GHSA-abcd-efgh-ijkl",
        "Session theft of an administrator.",
        "Is the API affected?",
        "https://example.com/bugs/1",
        "Restart the web service.",
        "Share freely.",
        "(1.0.0)",
    ] {
        assert!(page.contains(shown), "the page lacks {shown:?}");
    }
    assert_eq!(page.matches(">Summary</h2>").count(), 1, "one Summary heading");
    let list = t.read("advisories/index.html");
    assert!(list.contains("tag-exploited"), "the card shows the exploitation");
}

#[test]
fn a_tracking_id_with_a_colon_keeps_its_id_and_gets_a_safe_page_folder() {
    let t = SiteTest::minimal();
    let text = common::advisory("EX-2026:0001", "XSS in Widget", "2026-03-10T09:00:00Z");
    t.write("content/advisories/EX-2026-0001.md", &text);
    t.build().expect("builds");
    let page = t.read("advisories/EX-2026_0001/index.html");
    assert!(page.contains("EX-2026:0001"), "the page shows the id as written");
    let json: serde_json::Value =
        serde_json::from_str(&t.read(".well-known/csaf/white/2026/ex-2026_0001.json")).expect("json");
    assert_eq!(json["document"]["tracking"]["id"], "EX-2026:0001");
    // Another id with the same page folder is refused at its id.
    let other = common::advisory("EX-2026_0001", "Other", "2026-03-11T09:00:00Z");
    t.write("content/advisories/other.md", &other);
    let errors = t.check_errors();
    assert!(
        errors.contains("error[duplicate-id]: advisory ids `EX-2026:0001` and `EX-2026_0001` share the page folder `advisories/EX-2026_0001/`"),
        "{errors}"
    );
}

#[test]
fn cvss_2_and_temporal_and_environmental_scores_reach_csaf() {
    let t = SiteTest::minimal();
    let text = common::advisory("EX-2026-0001", "XSS in Widget", "2026-03-10T09:00:00Z").replacen(
        "cvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\"",
        "cvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N/E:F/RL:O/RC:C/CR:H/MAV:A\"\ncvss_v2 = \"AV:N/AC:M/Au:N/C:N/I:P/A:N/E:F/RL:OF/RC:C\"",
        1,
    );
    t.write("content/advisories/EX-2026-0001.md", &text);
    t.build()
        .expect("builds: csaf-rs checks every score against its vector");
    let json: serde_json::Value =
        serde_json::from_str(&t.read(".well-known/csaf/white/2026/ex-2026-0001.json")).expect("json");
    let score = &json["vulnerabilities"][0]["scores"][0];
    assert_eq!(score["cvss_v2"]["baseScore"], 4.3);
    assert_eq!(score["cvss_v2"]["version"], "2.0");
    assert!(score["cvss_v2"]["temporalScore"].is_number());
    assert_eq!(score["cvss_v3"]["baseScore"], 6.1, "the base score is unchanged");
    assert_eq!(score["cvss_v3"]["exploitCodeMaturity"], "FUNCTIONAL");
    assert!(score["cvss_v3"]["temporalScore"].is_number());
    assert!(score["cvss_v3"]["environmentalScore"].is_number());
    let page = t.read("advisories/EX-2026-0001/index.html");
    assert!(
        page.contains("CVSS v2.0") && page.contains("Temporal score"),
        "the page shows both"
    );
}

/// What a migrated CSAF document may keep (#16): revision numbers in semantic versioning,
/// temporal and environmental scores of a vector without such metrics, and a leaf at a
/// product-family branch below the product name.
#[test]
fn revision_numbers_all_scores_and_branch_leaves_reach_csaf() {
    let t = SiteTest::minimal();
    let text = common::advisory("EX-2026-0001", "XSS in Widget", "2026-03-10T09:00:00Z")
        .replacen(
            "summary = \"Initial public release\"\n",
            "summary = \"Initial public release\"\nnumber = \"1.0.0\"\n\n[[revisions]]\ndate = 2026-03-11T09:00:00Z\nsummary = \"Fix\"\nnumber = \"1.0.1\"\n",
            1,
        )
        .replacen(
            "cvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\"",
            "cvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\"\ncvss_v3_all_scores = true",
            1,
        )
        .replacen(
            "fixed = \"2.0.1\"\n",
            "fixed = \"2.0.1\"\n\n[[affected]]\nproduct = \"widget\"\nstatus = \"unstated\"\nbranches = { product_family = \"Widget Pro\" }\nat_branch = true\n",
            1,
        );
    t.write("content/advisories/EX-2026-0001.md", &text);
    t.build()
        .expect("builds: every rebuilt CSAF document passes the mandatory tests");
    let json: serde_json::Value =
        serde_json::from_str(&t.read(".well-known/csaf/white/2026/ex-2026-0001.json")).expect("json");
    let tracking = &json["document"]["tracking"];
    assert_eq!(tracking["revision_history"][0]["number"], "1.0.0");
    assert_eq!(tracking["revision_history"][1]["number"], "1.0.1");
    assert_eq!(tracking["version"], "1.0.1");
    let cvss = &json["vulnerabilities"][0]["scores"][0]["cvss_v3"];
    assert_eq!(cvss["temporalScore"], cvss["baseScore"]);
    assert_eq!(cvss["temporalSeverity"], "MEDIUM");
    assert!(cvss["environmentalScore"].is_number());
    assert!(
        cvss.get("exploitCodeMaturity").is_none(),
        "no metric the vector lacks"
    );
    let tree = json["product_tree"].to_string();
    assert!(
        tree.contains(
            r#""category":"product_family","name":"Widget Pro","product":{"name":"Example Widget Widget Pro""#
        ),
        "{tree}"
    );
}

#[test]
fn revision_numbers_and_branch_leaves_are_checked() {
    let t = SiteTest::minimal();
    let text = common::advisory("EX-2026-0001", "XSS in Widget", "2026-03-10T09:00:00Z")
        .replacen(
            "summary = \"Initial public release\"\n",
            "summary = \"Initial public release\"\nnumber = \"1.0.1\"\n\n[[revisions]]\ndate = 2026-03-11T09:00:00Z\nsummary = \"Fix\"\nnumber = \"1.0.0\"\n\n[[revisions]]\ndate = 2026-03-12T09:00:00Z\nsummary = \"No number\"\n",
            1,
        )
        .replacen(
            "fixed = \"2.0.1\"\n",
            "fixed = \"2.0.1\"\n\n[[affected]]\nproduct = \"gadget\"\nstatus = \"unstated\"\nat_branch = true\n",
            1,
        );
    t.write("content/advisories/EX-2026-0001.md", &text);
    let errors = t.check_errors();
    assert!(
        errors
            .contains("error[revision-number]: this revision's number is not greater than the one before it"),
        "{errors}"
    );
    assert!(
        errors.contains(
            "error[revision-number]: this revision has no `number`, but others of the advisory have one"
        ),
        "{errors}"
    );
    assert!(
        errors.contains("`at_branch` makes the entry's last branch its leaf, and it has no `branches`"),
        "{errors}"
    );
}

/// A catalog with a platform (`switch`), a component on it (`agent`) and a package with
/// rpm versions, for the affected-model tests.
const TRAIN_PRODUCTS: &str = r#"
[[products]]
id = "switch"
name = "Example Switch OS"
vendor = "Example Corp"
scheme = "semver"
identification = { model_numbers = ["SW-48"], skus = ["SW-48-EU"] }

[[products]]
id = "agent"
name = "Example Agent"
vendor = "Example Corp"
purl = "pkg:generic/example/agent"
part_of = [{ product = "switch", relationship = "installed_on" }]

[[products]]
id = "vim"
name = "vim"
vendor = "Example Linux"
scheme = "rpm"
product_id = "EXL-vim"
branches = { architecture = "x86_64" }
"#;

fn train_site(front: &str) -> SiteTest {
    let t = SiteTest::minimal();
    let mut products = common::PRODUCTS.to_string();
    products.push_str(TRAIN_PRODUCTS);
    t.write("content/products.toml", &products);
    t.write("content/advisories/EX-2026-0002.md", front);
    t
}

fn trains_advisory(category: &str, affected: &str) -> String {
    format!(
        "+++\nid = \"EX-2026-0002\"\ntitle = \"Trains\"\npublished = 2026-03-10T09:00:00Z\nstatus = \"final\"\n{category}summary = \"S.\"\n\n[[revisions]]\ndate = 2026-03-10T09:00:00Z\nsummary = \"Initial public release\"\n\n{affected}\n[[vulnerabilities]]\ncve = \"CVE-2026-40002\"\ntitle = \"Flaw\"\ncvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"\n[[vulnerabilities.remediations]]\ncategory = \"vendor_fix\"\ndetails = \"Update.\"\n+++\nBody.\n"
    )
}

fn csaf(t: &SiteTest) -> serde_json::Value {
    serde_json::from_str(&t.read(".well-known/csaf/white/2026/ex-2026-0002.json")).expect("json")
}

#[test]
fn one_product_in_two_release_trains_with_explicit_versions() {
    let t = train_site(&trains_advisory(
        "",
        r#"[[affected]]
product = "switch"
versions = ">= 9.3.0, < 9.3.1"
fixed = "9.3.1"

[[affected]]
product = "switch"
versions = ">= 11.0.0, < 11.0.15"
fixed = "11.0.15"

[[affected]]
product = "switch"
version = "V2.1 (Installer)"

[[affected]]
product = "switch"
fixed = "12.0.0"

[[affected]]
product = "vim"
versions = "< 2:8.2.2637-22.el9_6"
fixed = "2:8.2.2637-22.el9_6"
identification = { purl = "pkg:rpm/example/vim@8.2.2637-22.el9_6?epoch=2&arch=x86_64" }
"#,
    ));
    let report = t.build().expect("builds, CSAF valid");
    // No legacy-version or CSAF warning: only the fixture's missing policy.
    assert!(
        report.warnings.iter().all(|w| w.code == Code::Policy),
        "{:?}",
        report.warnings
    );
    let doc = csaf(&t);
    let text = doc.to_string();
    for needle in [
        "vers:semver/>=9.3.0|<9.3.1",
        "vers:semver/>=11.0.0|<11.0.15",
        "vers:rpm/<2:8.2.2637-22.el9_6",
        "\"switch-vulnerable\"",
        "\"switch-vulnerable-ge11.0.0-lt11.0.15\"",
        "\"switch-fixed-11.0.15\"",
        "\"EXL-vim-vulnerable\"",
        "\"architecture\"",
        "\"SW-48\"",
    ] {
        assert!(text.contains(needle), "CSAF lacks {needle}");
    }
    let status = &doc["vulnerabilities"][0]["product_status"];
    assert_eq!(status["fixed"].as_array().map(Vec::len), Some(4), "{status}");
    assert_eq!(
        status["known_affected"].as_array().map(Vec::len),
        Some(4),
        "{status}"
    );
    // "V2.1 (Installer)" is one version, whatever words it holds.
    assert!(text.contains(r#""category":"product_version","name":"V2.1 (Installer)""#));
    let page = t.read("advisories/EX-2026-0002/index.html");
    assert!(page.contains("11.0.15") && page.contains("9.3.1"));
}

#[test]
fn components_on_platforms_and_vex_statements() {
    let t = train_site(&trains_advisory(
        "category = \"csaf_vex\"\n",
        r#"[[affected]]
product = "agent"
platform = "switch"
versions = "< 3.2"
fixed = "3.2"

[[affected]]
product = "vim"
platform = "switch"
status = "under_investigation"

[[affected]]
product = "gadget"
status = "known_not_affected"
justification = "vulnerable_code_not_present"

[[affected]]
product = "widget"
status = "known_not_affected"
impact = "The flawed parser is compiled out of Widget."
"#,
    ));
    t.build().expect("builds, CSAF valid");
    let doc = csaf(&t);
    assert_eq!(doc["document"]["category"], "csaf_vex");
    let rel = &doc["product_tree"]["relationships"][0];
    assert_eq!(rel["category"], "installed_on");
    assert_eq!(rel["product_reference"], "agent-vulnerable");
    assert_eq!(rel["relates_to_product_reference"], "switch");
    assert_eq!(rel["full_product_name"]["product_id"], "switch:agent-vulnerable");
    // The component's helper identifies the combined product too (recommended test 6.2.16).
    assert_eq!(
        rel["full_product_name"]["product_identification_helper"]["purl"],
        "pkg:generic/example/agent"
    );
    let v = &doc["vulnerabilities"][0];
    assert_eq!(
        v["product_status"]["known_affected"][0],
        "switch:agent-vulnerable"
    );
    assert_eq!(v["flags"][0]["label"], "vulnerable_code_not_present");
    assert_eq!(v["flags"][0]["product_ids"][0], "gadget-not-affected");
    assert_eq!(v["threats"][0]["category"], "impact");
    assert_eq!(v["threats"][0]["product_ids"][0], "widget-not-affected");
    let page = t.read("advisories/EX-2026-0002/index.html");
    for needle in [
        "installed on",
        "Vulnerable code not present",
        "compiled out of Widget",
    ] {
        assert!(page.contains(needle), "page lacks {needle}");
    }
}

#[test]
fn statuses_can_be_scoped_to_one_vulnerability() {
    let mut text = trains_advisory(
        "",
        "[[affected]]\nproduct = \"switch\"\nversions = \"< 9.3.1\"\n\n[[affected]]\nproduct = \"gadget\"\nversions = \"< 2.0\"\nvulnerabilities = [\"Second flaw\"]\n",
    );
    text = text.replace(
        "+++\nBody.",
        "\n[[vulnerabilities]]\ntitle = \"Second flaw\"\n+++\nBody.",
    );
    let t = train_site(&text);
    t.build().expect("builds, CSAF valid");
    let doc = csaf(&t);
    let first = doc["vulnerabilities"][0]["product_status"]["known_affected"].to_string();
    let second = doc["vulnerabilities"][1]["product_status"]["known_affected"].to_string();
    assert!(!first.contains("gadget"), "{first}");
    assert!(second.contains("gadget-vulnerable"), "{second}");
    // Scores and remediations of the first vulnerability do not name gadget either.
    assert!(!doc["vulnerabilities"][0].to_string().contains("gadget"));
}

#[test]
fn an_informational_advisory_has_no_vulnerabilities() {
    let t = train_site(
        "+++\nid = \"EX-2026-0002\"\ntitle = \"End of support\"\npublished = 2026-03-10T09:00:00Z\nstatus = \"final\"\ncategory = \"csaf_informational_advisory\"\nsummary = \"Gadget reaches end of support.\"\n\n[[revisions]]\ndate = 2026-03-10T09:00:00Z\nsummary = \"Initial public release\"\n\n[[affected]]\nproduct = \"gadget\"\nversion = \"1.0\"\nstatus = \"recommended\"\n\n[[references]]\nurl = \"https://example.com/eol\"\nsummary = \"End-of-support notice\"\n+++\nBody.\n",
    );
    t.build().expect("builds, CSAF valid");
    let doc = csaf(&t);
    assert_eq!(doc["document"]["category"], "csaf_informational_advisory");
    assert!(doc.get("vulnerabilities").is_none());
}

/// Red Hat writes its fixes for the `fixed` products: no entry calls them vulnerable, and the
/// remediation, score and threat name the fixed versions. That must be expressible (#15).
#[test]
fn remediations_scores_and_threats_may_name_fixed_only_products() {
    let t = SiteTest::minimal();
    let text = common::advisory("EX-2026-0001", "Fixed kernel", "2026-03-10T09:00:00Z")
        .replace(
            "[[affected]]\nproduct = \"widget\"\nversions = \"< 2.0.1\"\nfixed = \"2.0.1\"",
            "[[affected]]\nproduct = \"widget\"\nfixed = \"2.0.1\"",
        )
        .replace(
            "cvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\"",
            "cvss_v3 = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\"\nproducts = [\"widget\"]\n\n[[vulnerabilities.threats]]\ncategory = \"impact\"\ndetails = \"Moderate\"\nproducts = [\"widget\"]",
        );
    t.write("content/advisories/EX-2026-0001.md", &text);
    t.build().unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
    let csaf: serde_json::Value =
        serde_json::from_str(&t.read(".well-known/csaf/white/2026/ex-2026-0001.json")).expect("JSON");
    let v = &csaf["vulnerabilities"][0];
    let fixed = v["product_status"]["fixed"][0].as_str().expect("a fixed product");
    assert!(v["product_status"].get("known_affected").is_none(), "{v}");
    assert_eq!(v["remediations"][0]["product_ids"][0], fixed, "{v}");
    assert_eq!(v["scores"][0]["products"][0], fixed, "{v}");
    assert_eq!(v["threats"][0]["product_ids"][0], fixed, "{v}");
}

/// What import relies on to keep a document's identity: explicit ids with inner spaces,
/// the publisher's leaf and relationship names and ids, one leaf stated for several
/// statuses, and the summary note's place and title among the notes.
#[test]
fn explicit_names_ids_and_the_summary_note_place_are_kept() {
    let t = train_site(&trains_advisory(
        "",
        r#"[[notes]]
category = "legal_disclaimer"
title = "Legal Notice"
text = "As is."

[[notes]]
category = "summary"
title = "Risk evaluation"

[[notes]]
category = "other"
title = "Sectors"
text = "Energy."

[[affected]]
product = "agent"
platform = "switch"
versions = "< 3.2"
product_id = "agent 3.1"
platform_product_id = "CSAFPID-0109"
platform_name = "Agent before 3.2 on the switch"

[[affected]]
product = "widget"
version = "4.2"
product_id = "Widget 4.2"
name = "Widget: version 4.2 only"
"#,
    ));
    t.build().expect("builds, CSAF valid");
    let doc = csaf(&t);
    let notes = &doc["document"]["notes"];
    assert_eq!(notes[0]["title"], "Legal Notice");
    assert_eq!(notes[1]["category"], "summary");
    assert_eq!(notes[1]["title"], "Risk evaluation");
    assert_eq!(notes[1]["text"], "S.");
    assert_eq!(notes[2]["title"], "Sectors");
    let rel = &doc["product_tree"]["relationships"][0];
    assert_eq!(rel["product_reference"], "agent 3.1");
    assert_eq!(rel["full_product_name"]["product_id"], "CSAFPID-0109");
    assert_eq!(rel["full_product_name"]["name"], "Agent before 3.2 on the switch");
    let text = doc.to_string();
    assert!(
        text.contains(r#""name":"Widget: version 4.2 only","product_id":"Widget 4.2""#),
        "{text}"
    );
    let status = &doc["vulnerabilities"][0]["product_status"]["known_affected"];
    assert_eq!(status[0], "CSAFPID-0109");
    assert_eq!(status[1], "Widget 4.2");
}

#[test]
fn a_product_id_with_surrounding_spaces_is_refused() {
    let t = train_site(&trains_advisory(
        "",
        "[[affected]]\nproduct = \"widget\"\nversion = \"4.2\"\nproduct_id = \" Widget\"\n",
    ));
    let err = t.build().expect_err("refused");
    assert!(
        format!("{err:?}").contains("leading or trailing spaces"),
        "{err:?}"
    );
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

/// The tree shapes import needs: a range kept as written (`scheme = "none"`), a leaf below
/// its version branch (`below_version`), and a leaf in the tree but in no product status
/// (`unstated`).
#[test]
fn ranges_as_written_branches_below_the_version_and_unstated_leaves() {
    let t = train_site(&trains_advisory(
        "",
        r#"[[affected]]
product = "switch"
versions = "< 3.1.1.0"
scheme = "none"

[[affected]]
product = "widget"
version = "12.2SE"
below_version = { service_pack = "12.2(55)SE" }
product_id = "CVRFPID-103763"

[[affected]]
product = "agent"
versions = "< 1.3"
status = "unstated"
"#,
    ));
    t.build().expect("builds, CSAF valid");
    let doc = csaf(&t);
    let text = doc["product_tree"].to_string();
    assert!(
        text.contains(r#""category":"product_version_range","name":"< 3.1.1.0""#),
        "{text}"
    );
    assert!(
        text.contains(r#"{"branches":[{"category":"service_pack","name":"12.2(55)SE","product":{"#),
        "{text}"
    );
    assert!(
        text.contains(r#""category":"product_version","name":"12.2SE""#),
        "{text}"
    );
    assert!(
        text.contains(r#""name":"Example Widget 12.2SE 12.2(55)SE","product_id":"CVRFPID-103763""#),
        "{text}"
    );
    let v = &doc["vulnerabilities"][0];
    let stated = v["product_status"].to_string();
    assert!(!stated.contains("agent"), "{stated}");
    assert!(text.contains(r#""name":"Example Agent < 1.3""#), "{text}");
}

#[test]
fn below_version_needs_a_version() {
    let t = train_site(&trains_advisory(
        "",
        "[[affected]]\nproduct = \"widget\"\nbelow_version = { service_pack = \"SP1\" }\n",
    ));
    let err = format!("{:?}", t.build().expect_err("refused"));
    assert!(err.contains("below_version"), "{err}");
}

/// A product named in two product-name branches (`new_branch`), and a platform that is a
/// leaf of its own with a full name of its own (`full_name`), written before its component.
#[test]
fn a_product_in_two_name_branches_and_a_platform_with_a_full_name() {
    let t = train_site(&trains_advisory(
        "",
        r#"[[affected]]
product = "widget"
versions = "< 2.0"
product_id = "CSAFPID-0001"

[[affected]]
product = "widget"
versions = "< 2.0"
new_branch = true
product_id = "CSAFPID-0002"

[[affected]]
product = "agent"
platform = "d24m"
version = "4.0"
"#,
    ));
    let mut products = common::PRODUCTS.to_string();
    products.push_str(TRAIN_PRODUCTS);
    products.push_str(
        "\n[[products]]\nid = \"d24m\"\nname = \"D24M\"\nvendor = \"Example Corp\"\ntree = \"product\"\nfull_name = \"Example Corp P3 D24M\"\nproduct_id = \"CSAFPID-0100\"\n",
    );
    t.write("content/products.toml", &products);
    t.build().expect("builds, CSAF valid");
    let doc = csaf(&t);
    let text = doc["product_tree"].to_string();
    let widget_branches = text
        .matches(r#""category":"product_name","name":"Example Widget""#)
        .count();
    assert_eq!(widget_branches, 2, "{text}");
    let d24m = text.find(r#""name":"Example Corp P3 D24M","product_id":"CSAFPID-0100""#);
    let agent = text.find(r#""name":"Example Agent""#);
    assert!(d24m.is_some() && d24m < agent, "{text}");
}

#[test]
fn an_empty_full_name_is_refused() {
    let t = train_site(&trains_advisory(
        "",
        "[[affected]]\nproduct = \"widget\"\nversions = \"< 2.0\"\n",
    ));
    let mut products = common::PRODUCTS.to_string();
    products.push_str(TRAIN_PRODUCTS);
    products.push_str(
        "\n[[products]]\nid = \"d24m\"\nname = \"D24M\"\nvendor = \"Example Corp\"\nfull_name = \" \"\n",
    );
    t.write("content/products.toml", &products);
    let err = format!("{:?}", t.build().expect_err("refused"));
    assert!(err.contains("`full_name` is empty"), "{err}");
}

/// `product_id_order`: the statuses are sorted by id, or by product and then by id, while
/// the tree keeps the order of the entries.
#[test]
fn product_id_lists_sorted_by_id_or_by_product() {
    let entries = r#"[[affected]]
product = "widget"
version = "2.0"
product_id = "W-2"

[[affected]]
product = "switch"
version = "1.0"
product_id = "A-1"

[[affected]]
product = "widget"
version = "1.0"
product_id = "W-1"
"#;
    let lists = |order: &str| {
        let t = train_site(&trains_advisory(
            &format!("product_id_order = \"{order}\"\n"),
            entries,
        ));
        t.build().expect("builds, CSAF valid");
        let doc = csaf(&t);
        let tree = doc["product_tree"].to_string();
        let first_leaf = tree.find("\"W-2\"") < tree.find("\"A-1\"");
        assert!(first_leaf, "the tree keeps the entries' order: {tree}");
        let v = &doc["vulnerabilities"][0];
        (
            v["product_status"]["known_affected"].clone(),
            v["scores"][0]["products"].clone(),
        )
    };
    let (status, scores) = lists("sorted");
    assert_eq!(status, serde_json::json!(["A-1", "W-1", "W-2"]));
    assert_eq!(scores, status);
    let (status, _) = lists("by_product");
    assert_eq!(status, serde_json::json!(["W-1", "W-2", "A-1"]));
    let (status, _) = lists("entries");
    assert_eq!(status, serde_json::json!(["W-2", "A-1", "W-1"]));
}

/// `tree = "root"`: the product's version leaves at the top of the tree, no vendor branch.
#[test]
fn a_product_of_tree_root_has_its_leaves_at_the_top() {
    let t = train_site(&trains_advisory(
        "",
        "[[affected]]\nproduct = \"shop\"\nversions = \">=v12.10.2\"\nscheme = \"none\"\n",
    ));
    let mut products = common::PRODUCTS.to_string();
    products.push_str(TRAIN_PRODUCTS);
    products.push_str(
        "\n[[products]]\nid = \"shop\"\nname = \"OWASP Juice Shop\"\nvendor = \"OWASP\"\ntree = \"root\"\n",
    );
    t.write("content/products.toml", &products);
    t.build().expect("builds, CSAF valid");
    let top = &csaf(&t)["product_tree"]["branches"][0];
    assert_eq!(top["category"], "product_version_range", "{top}");
    assert_eq!(top["name"], ">=v12.10.2", "{top}");
}

/// `[product_ids]`: this advisory names a catalog product by another id, for its platform
/// leaf and the relationships on it; a key that is no catalog product is refused.
#[test]
fn an_advisory_gives_a_platform_another_product_id() {
    let entries = |ids: &str| {
        format!(
            "[[affected]]\nproduct = \"vim\"\nplatform = \"switch\"\nversion = \"9.0\"\n\n[product_ids]\n{ids}\n"
        )
    };
    let t = train_site(&trains_advisory(
        "",
        &entries("switch = \"AppStream-8.10.0.Z.MAIN.EUS\""),
    ));
    t.build().expect("builds, CSAF valid");
    let doc = csaf(&t);
    let rel = &doc["product_tree"]["relationships"][0];
    assert_eq!(
        rel["relates_to_product_reference"], "AppStream-8.10.0.Z.MAIN.EUS",
        "{rel}"
    );
    let tree = doc["product_tree"]["branches"].to_string();
    assert!(
        tree.contains(r#""product_id":"AppStream-8.10.0.Z.MAIN.EUS""#),
        "{tree}"
    );
    let bad = train_site(&trains_advisory("", &entries("not-a-product = \"X-1\"")));
    let err = format!("{:?}", bad.build().expect_err("refused"));
    assert!(err.contains("not a product of content/products.toml"), "{err}");
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

/// `products` products in `vulns` vulnerabilities (and the template's): `scope(i)` is the
/// `vulnerabilities` line of product `i`'s entry (empty: all of them).
fn scoped_entries_site(products: usize, vulns: usize, scope: impl Fn(usize) -> String) -> SiteTest {
    many_entries_site(products, vulns, scope, |_| String::new())
}

/// `products` products, each in one `[[affected]]` entry (version 1, then `entry(i)`), and
/// `vulns` vulnerabilities (and the template's), vulnerability `i` ending with `vuln(i)`.
fn many_entries_site(
    products: usize,
    vulns: usize,
    entry: impl Fn(usize) -> String,
    vuln: impl Fn(usize) -> String,
) -> SiteTest {
    let t = SiteTest::empty();
    let catalog: String = (0..products)
        .map(|i| format!("[[products]]\nid = \"p{i}\"\nname = \"P{i}\"\nvendor = \"V\"\n"))
        .collect();
    t.write("content/products.toml", &catalog);
    let rows: String = (0..products)
        .map(|i| {
            format!(
                "[[affected]]\nproduct = \"p{i}\"\nversion = \"1\"\n{}\n",
                entry(i)
            )
        })
        .collect();
    let vulns: String = (0..vulns)
        .map(|i| {
            format!(
                "[[vulnerabilities]]\ncve = \"{}\"\ntitle = \"V\"\n{}\n",
                scoped_cve(i),
                vuln(i)
            )
        })
        .collect();
    let text = common::advisory("EX-2026-0001", "Big", "2026-03-10T09:00:00Z")
        .replace(
            "[[affected]]\nproduct = \"widget\"\nversions = \"< 2.0.1\"\nfixed = \"2.0.1\"\n",
            &rows,
        )
        .replace("[[acknowledgments]]", &format!("{vulns}\n[[acknowledgments]]"));
    t.write("content/advisories/EX-2026-0001.md", &text);
    t
}

fn scoped_cve(i: usize) -> String {
    format!("CVE-2025-{:05}", 10_000 + i)
}

/// The `too-large` limit counts the (vulnerability, product) pairs the advisory really
/// has: an entry limited to some vulnerabilities counts for those only (import writes large
/// documents so), and pairs over the limit are still refused, with one error at the id.
#[test]
fn the_size_limit_counts_entries_for_their_vulnerabilities_only() {
    // 2 products in all 252 vulnerabilities (the template's has a fix for them), 398 in one
    // each: 504 + 2 + 398 = 904 pairs, counted as 400 × 253 = 101,200 before.
    let few = scoped_entries_site(400, 251, |i| {
        if i < 2 {
            String::new()
        } else {
            format!("vulnerabilities = [\"{}\"]", scoped_cve(i % 251))
        }
    });
    let report = few.check().expect("904 pairs are within the limit");
    assert!(report.warnings.iter().all(|w| w.code != Code::TooLarge));
    // 395 products in all 252 vulnerabilities and the fix: 99,935 pairs; 5 more in 60
    // vulnerabilities each: 100,235.
    let many = scoped_entries_site(400, 251, |i| {
        if i < 395 {
            return String::new();
        }
        let cves: Vec<String> = (0..60).map(|v| format!("\"{}\"", scoped_cve(v))).collect();
        format!("vulnerabilities = [{}]", cves.join(", "))
    });
    let failure = many.check().expect_err("100,235 pairs are refused");
    let codes: Vec<&str> = failure.diagnostics.iter().map(|d| d.code.name()).collect();
    assert_eq!(codes, ["too-large"]);
    assert!(
        failure.diagnostics[0].message.contains("relates 100235 products"),
        "{}",
        failure.diagnostics[0].message
    );
    // 1,000 products in one of 1,000 vulnerabilities each: 2,000 pairs, but the build's
    // passes over the entries per vulnerability would be 1,000 × 1,000; refused at once.
    // (The first entry also names the template's vulnerability, which no entry would be
    // about otherwise: that is an error of its own, `missing-field`.)
    let wide = scoped_entries_site(1_000, 1_000, |i| match i {
        0 => format!("vulnerabilities = [\"{}\", \"CVE-2026-40001\"]", scoped_cve(i)),
        _ => format!("vulnerabilities = [\"{}\"]", scoped_cve(i)),
    });
    let failure = wide.check().expect_err("a million combinations are refused");
    let codes: Vec<&str> = failure.diagnostics.iter().map(|d| d.code.name()).collect();
    assert_eq!(codes, ["too-large"]);
    assert!(
        failure.diagnostics[0].message.contains("combinations to check"),
        "{}",
        failure.diagnostics[0].message
    );
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

/// A vulnerability that no `[[affected]]` entry is about (every entry scoped to another)
/// would get an empty CSAF product status: a `missing-field` error at its CVE, with the fix,
/// not a CSAF validator message (found by a generated corpus, seed 2).
#[test]
fn a_vulnerability_no_affected_entry_is_about_is_an_error_at_it() {
    let t = SiteTest::minimal();
    let text = common::advisory("EX-2026-0001", "Two vulnerabilities", "2026-03-10T09:00:00Z")
        .replace(
            "fixed = \"2.0.1\"\n",
            "fixed = \"2.0.1\"\nvulnerabilities = [\"CVE-2026-40001\"]\n",
        )
        .replace(
            "[[acknowledgments]]",
            "[[vulnerabilities]]\ncve = \"CVE-2026-40002\"\ntitle = \"Second flaw\"\n\n[[acknowledgments]]",
        );
    t.write("content/advisories/EX-2026-0001.md", &text);
    let errors = t.check_errors();
    assert!(
        errors.contains("error[missing-field]: no [[affected]] entry is about `CVE-2026-40002`"),
        "{errors}"
    );
    assert!(!errors.contains("error[csaf]"), "{errors}");
    // Named by the entry, it builds.
    t.write(
        "content/advisories/EX-2026-0001.md",
        &text.replace(
            "vulnerabilities = [\"CVE-2026-40001\"]",
            "vulnerabilities = [\"CVE-2026-40001\", \"CVE-2026-40002\"]",
        ),
    );
    t.build()
        .map(|_| ())
        .unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
}

/// Fixed and not-affected statements are product statuses of every vulnerability they are
/// about, bounded like the others: 1,500 `known_not_affected` entries for 1,500
/// vulnerabilities (a 240 KB file, 2.25 million statuses; here with the template's
/// vulnerability too) took 10 s and 1.8 GB; now it is
/// refused with `too-large` before anything is built.
#[test]
fn not_affected_statements_for_many_vulnerabilities_are_too_large() {
    let not_affected =
        |_| "status = \"known_not_affected\"\njustification = \"component_not_present\"".to_string();
    let t = many_entries_site(1_500, 1_500, not_affected, |_| String::new());
    let failure = t.check().expect_err("2.25 million statuses are refused");
    let codes: Vec<&str> = failure.diagnostics.iter().map(|d| d.code.name()).collect();
    assert_eq!(codes, ["too-large"]);
    assert!(
        failure.diagnostics[0]
            .message
            .contains("2251500 product statuses"),
        "{}",
        failure.diagnostics[0].message
    );
}

/// Vulnerabilities that list their own `products` are still checked against every entry:
/// 6,000 of them with 6,000 entries (860 KB) took 8.6 s, growing with the square; now the
/// combinations count refuses them at once.
#[test]
fn vulnerabilities_with_their_own_products_count_every_entry() {
    let own_product = |i| format!("products = [\"p{i}\"]");
    let t = many_entries_site(3_000, 3_000, |_| String::new(), own_product);
    let failure = t.check().expect_err("9 million combinations are refused");
    let codes: Vec<&str> = failure.diagnostics.iter().map(|d| d.code.name()).collect();
    assert_eq!(codes, ["too-large"]);
    assert!(
        failure.diagnostics[0].message.contains("combinations to check"),
        "{}",
        failure.diagnostics[0].message
    );
}
