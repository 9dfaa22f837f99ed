//! `build --changed FILE` and `import --report FILE` write where they are told, but never
//! over an input (both replaced `site.toml` once, and the report the CSAF document being
//! imported), never into an output folder or the cache (the list was published, then
//! swapped away by the next build), and never replace what is not a regular file.

use std::path::Path;
use std::process::Output;

use crate::common::{self, SiteTest};

fn build_with_list(t: &SiteTest, list: &Path, cache: &Path) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_psirt-site"))
        .args(["build", "--quiet", "--root"])
        .arg(t.root())
        .arg("--cache-dir")
        .arg(cache)
        .arg("--changed")
        .arg(list)
        .env("SOURCE_DATE_EPOCH", common::NOW.to_string())
        .output()
        .expect("run binary")
}

#[test]
fn the_changed_list_never_replaces_an_input_or_lands_in_an_output() {
    let t = SiteTest::minimal();
    let elsewhere = tempfile::tempdir().expect("tmp");
    let cache = elsewhere.path().join("cache");
    let config = std::fs::read(t.root().join("site.toml")).expect("site.toml");
    let refused = [
        t.root().join("site.toml"),
        t.root().join("content/changed.txt"),
        t.root().join("public/changed.txt"),
        cache.join("changed.txt"),
        t.root().to_path_buf(),
    ];
    for list in &refused {
        let out = build_with_list(&t, list, &cache);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}: {stderr}", list.display());
        assert!(
            stderr.contains("refusing to write the list of changed paths"),
            "{stderr}"
        );
        assert!(
            !t.root().join("public").exists(),
            "{}: built anyway",
            list.display()
        );
    }
    assert_eq!(
        std::fs::read(t.root().join("site.toml")).expect("site.toml"),
        config
    );
    assert!(!t.root().join("content/changed.txt").exists());

    // A link to a file keeps being a link; the file it leads to gets the list.
    let list = elsewhere.path().join("changed.txt");
    std::os::unix::fs::symlink("real-list.txt", &list).expect("symlink");
    let out = build_with_list(&t, &list, &cache);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(list.is_symlink(), "the link was replaced");
    let written = std::fs::read_to_string(elsewhere.path().join("real-list.txt")).expect("list");
    assert!(
        written.lines().any(|l| l == "/advisories/EX-2026-0001/"),
        "{written}"
    );

    // A named pipe is written through, not replaced by a file.
    let fifo = elsewhere.path().join("list.fifo");
    if !std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        eprintln!("skipping the FIFO part: mkfifo is not available");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).expect("read fifo"))
    };
    t.write("content/policy.md", "+++\ntitle = \"Policy\"\n+++\n\nChanged.\n");
    let out = build_with_list(&t, &fifo, &cache);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(reader.join().expect("reader").contains("/policy/"));
    let kind = std::fs::symlink_metadata(&fifo).expect("fifo").file_type();
    assert!(
        std::os::unix::fs::FileTypeExt::is_fifo(&kind),
        "the pipe was replaced"
    );
}

#[test]
fn the_import_report_never_replaces_a_document_or_an_input() {
    let t = SiteTest::minimal();
    let elsewhere = tempfile::tempdir().expect("tmp");
    let docs = elsewhere.path().join("docs");
    std::fs::create_dir_all(&docs).expect("mkdir");
    let doc = elsewhere.path().join("one.json");
    let document = br#"{"document": {"category": "csaf_base"}}"#;
    std::fs::write(&doc, document).expect("doc");
    std::fs::write(docs.join("two.json"), document).expect("doc");
    let config = std::fs::read(t.root().join("site.toml")).expect("site.toml");
    let import = |report: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_psirt-site"))
            .args(["import", "--root"])
            .arg(t.root())
            .arg("--report")
            .arg(report)
            .arg(&doc)
            .arg(&docs)
            .output()
            .expect("run binary")
    };
    for report in [
        doc.clone(),
        docs.join("report.json"),
        t.root().join("site.toml"),
        t.root().join("content/products.toml"),
        t.root().join("public/import.json"),
        elsewhere.path().to_path_buf(),
    ] {
        let out = import(&report);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {stderr}", report.display());
        assert!(stderr.contains("refusing to write the report"), "{stderr}");
    }
    assert_eq!(
        std::fs::read(&doc).expect("doc"),
        document,
        "the document was replaced"
    );
    assert_eq!(
        std::fs::read(t.root().join("site.toml")).expect("site.toml"),
        config
    );
    assert!(!docs.join("report.json").exists() && !t.root().join("public").exists());

    let report = elsewhere.path().join("import.json");
    let out = import(&report);
    assert_eq!(
        out.status.code(),
        Some(1),
        "both documents are refused as invalid CSAF"
    );
    let written = std::fs::read_to_string(&report).expect("report");
    assert!(written.contains("\"refused\""), "{written}");
}
