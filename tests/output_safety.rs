//! What a build never does to the output and the inputs: a failed build keeps the previous
//! output, input files are checked before reading, output folders of another kind or owner
//! are not replaced, and all outputs are committed together (#13).

// Where `build --changed` and `import --report` may write, in a file of its own.
#[cfg(unix)]
#[path = "output_safety/reports.rs"]
mod reports;

use crate::common;
use common::{SiteTest, assert_untouched, tree};
use psirt_site::diag::Code;

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

/// A named pipe, or a link to one, under a content file's name fails the build with
/// its path: skipped without a word, an advisory the PSIRT meant to publish (or the product
/// catalog) would be missing from the site. Other names are not content and stay ignored.
#[cfg(unix)]
#[test]
fn a_content_file_that_is_not_a_regular_file_fails_the_build() {
    let t = SiteTest::minimal();
    let fifo = |rel: &str| {
        std::process::Command::new("mkfifo")
            .arg(t.root().join(rel))
            .status()
            .is_ok_and(|s| s.success())
    };
    if !fifo("content/advisories/TEST-2024-0099.md") {
        eprintln!("skipping: mkfifo is not available");
        return;
    }
    assert!(fifo("content/notes.fifo"), "a second FIFO");
    std::os::unix::fs::symlink("notes.fifo", t.root().join("content/acknowledgments.toml")).expect("symlink");
    let failure = t.build().expect_err("a FIFO advisory");
    let named: Vec<_> = failure
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("not a regular file"))
        .map(|d| {
            assert_eq!(d.code, Code::Io, "{d:?}");
            d.primary.as_ref().expect("names the file").file.clone()
        })
        .collect();
    assert_eq!(
        named,
        [
            std::path::Path::new("content/acknowledgments.toml"),
            std::path::Path::new("content/advisories/TEST-2024-0099.md")
        ],
        "{:?}",
        failure.diagnostics
    );
    std::fs::remove_file(t.root().join("content/advisories/TEST-2024-0099.md")).expect("rm");
    std::fs::remove_file(t.root().join("content/acknowledgments.toml")).expect("rm");
    t.build().expect("a FIFO under no content name is not content");
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
