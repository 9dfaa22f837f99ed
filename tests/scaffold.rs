//! The first hour of a new PSIRT, scripted: `init` → `new advisory` → edit → `check` →
//! `build`. Nothing the scaffold writes can be published by accident: every stand-in is a
//! placeholder or an example domain that a publishing build refuses, while `--preview`
//! builds at once; once the PSIRT has filled everything in, the site builds and its output
//! holds no trace of the scaffold.

use crate::common;

use std::fs;
use std::path::{Path, PathBuf};

use psirt_site::diag::Code;
use psirt_site::scaffold::{NewAdvisory, init, new_advisory};
use psirt_site::site::Mode;
use psirt_site::{BuildOptions, Failure};

fn options(root: &Path) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        now: Some(common::now()),
        ..BuildOptions::default()
    }
}

/// The codes of a failed run, and the files they point into.
fn refusals(result: Result<psirt_site::Report, Failure>) -> Vec<(Code, String)> {
    let failure = result.expect_err("the run is refused");
    failure
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let file = d.primary.as_ref().map(|p| p.file.display().to_string());
            (d.code, file.unwrap_or_default())
        })
        .collect()
}

fn codes_in(refused: &[(Code, String)], file: &str) -> Vec<Code> {
    refused
        .iter()
        .filter(|(_, f)| f == file)
        .map(|(c, _)| *c)
        .collect()
}

/// What a PSIRT does to a scaffolded file: real text for every `[TODO …]`.
fn fill_in(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = if !line.contains("[TODO") {
            line.to_string()
        } else if line.trim_start().starts_with('#') {
            continue; // an optional field left out, or a note to delete
        } else if let Some((code, _)) = line.split_once("   # [TODO") {
            code.trim_end().to_string() // the value is right; the note goes
        } else if let Some(start) = line.find("\"[TODO") {
            format!("{}\"Filled in by the PSIRT.\"", &line[..start])
        } else {
            line.replace(
                &line[line.find("[TODO").unwrap_or(0)..],
                "Filled in by the PSIRT.",
            )
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.replace("example.com", "acme-widgets.com")
}

fn edit(path: &Path, f: impl Fn(&str) -> String) {
    let text = fs::read_to_string(path).expect("read");
    fs::write(path, f(&text)).expect("write");
}

fn advisory_files(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root.join("content/advisories"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn init_gives_a_site_that_previews_but_does_not_publish() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("site");
    init(&root).expect("init");
    assert!(init(&root).is_err(), "init refuses a non-empty folder");

    // `build` refuses, and says why in each file the PSIRT must edit.
    let refused = refusals(psirt_site::build(&options(&root)));
    assert!(!root.join("public").exists(), "a refused build writes nothing");
    let site = codes_in(&refused, "site.toml");
    assert!(
        site.contains(&Code::Placeholder) && site.contains(&Code::ExampleDomain),
        "{refused:?}"
    );
    assert_eq!(codes_in(&refused, "content/products.toml"), [Code::Placeholder]);
    assert!(codes_in(&refused, "content/policy.md").contains(&Code::Placeholder));
    // `check` agrees with `build`.
    assert_eq!(refusals(psirt_site::check(&options(&root))), refused);

    // A preview builds at once, with the example advisory in it.
    let mut preview = options(&root);
    preview.mode = Mode::Preview;
    preview.output = Some(dir.path().join("preview"));
    let report = psirt_site::build(&preview).expect("the preview builds");
    assert_eq!(
        (report.published, report.held_back.len()),
        (0, 1),
        "the example is a draft"
    );
    assert!(report.warnings.iter().any(|w| w.code == Code::Placeholder));
}

#[test]
fn acknowledging_example_domains_does_not_publish_placeholders() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("site");
    init(&root).expect("init");
    edit(&root.join("site.toml"), |t| {
        t.replace("# allow_example_domains = true", "allow_example_domains = true")
    });
    let refused = refusals(psirt_site::check(&options(&root)));
    assert!(
        refused.iter().all(|(c, _)| *c == Code::Placeholder),
        "{refused:?}"
    );
    assert!(!refused.is_empty());
}

#[test]
fn the_example_advisory_is_never_published_as_it_is() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("site");
    init(&root).expect("init");
    for file in ["site.toml", "content/products.toml", "content/policy.md"] {
        edit(&root.join(file), fill_in);
    }
    // Filled in, the site builds; the example advisory stays a held-back draft.
    let report = psirt_site::check(&options(&root)).expect("checks");
    assert_eq!((report.published, report.held_back.len()), (0, 1));
    let policy = report.warnings.iter().filter(|w| w.code == Code::Policy);
    assert_eq!(
        policy.count(),
        0,
        "the policy has every recommended section: {:?}",
        report.warnings
    );
    // Made final as it is, it is refused for its placeholders.
    let example = advisory_files(&root).pop().expect("the example advisory");
    edit(&example, |t| {
        t.replace("status = \"draft\"", "status = \"final\"")
    });
    let refused = refusals(psirt_site::check(&options(&root)));
    let rel = example.strip_prefix(&root).expect("below").display().to_string();
    assert!(
        !refused.is_empty() && refused.iter().all(|r| *r == (Code::Placeholder, rel.clone())),
        "{refused:?}"
    );
}

#[test]
fn first_hour_init_new_edit_check_build() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("site");
    init(&root).expect("init");
    // The PSIRT fills in the configuration, catalog and policy, and deletes the example.
    for file in ["site.toml", "content/products.toml", "content/policy.md"] {
        edit(&root.join(file), fill_in);
    }
    advisory_files(&root)
        .iter()
        .for_each(|f| fs::remove_file(f).expect("rm"));

    // `new advisory` with the common fields: a draft that checks, and is held back.
    let now: jiff::Timestamp = "2026-05-01T00:00:00Z".parse().expect("valid");
    let fields = NewAdvisory {
        title: Some("A \"quoted\" title".into()),
        cve: Some("CVE-2026-12345".into()),
        product: Some("example-app".into()),
        cwe: Some("CWE-787".into()),
        cvss: Some("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N".into()),
    };
    let path = new_advisory(&root, &fields, now).expect("new");
    assert!(
        path.ends_with("content/advisories/2026/EXAMPLE-SA-2026-0001.md"),
        "{}",
        path.display()
    );
    let text = fs::read_to_string(&path).expect("read");
    for given in [
        "A \\\"quoted\\\" title",
        "CVE-2026-12345",
        "CWE-787",
        "cvss_v4 = \"CVSS:4.0/",
    ] {
        assert!(text.contains(given), "{given} missing from\n{text}");
    }
    let second = new_advisory(&root, &NewAdvisory::default(), now).expect("new");
    assert!(second.ends_with("EXAMPLE-SA-2026-0002.md"));
    fs::remove_file(&second).expect("rm");
    let report = psirt_site::check(&options(&root)).expect("a new draft checks");
    assert_eq!((report.published, report.held_back.len()), (0, 1));

    // Made final with its placeholders, it is refused, every placeholder at its line.
    edit(&path, |t| t.replace("status = \"draft\"", "status = \"final\""));
    let refused = refusals(psirt_site::check(&options(&root)));
    assert!(refused.len() >= 5, "{refused:?}");
    assert!(
        refused
            .iter()
            .all(|(c, f)| *c == Code::Placeholder && f.ends_with("EXAMPLE-SA-2026-0001.md"))
    );

    // Filled in, it checks and builds, and nothing of the scaffold reaches the output.
    edit(&path, fill_in);
    psirt_site::check(&options(&root)).expect("checks");
    let report = psirt_site::build(&options(&root)).expect("builds");
    assert_eq!((report.published, report.held_back.len()), (1, 0));
    assert!(root.join("public/policy/index.html").is_file());
    for (rel, bytes) in common::tree(&root.join("public")) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("[TODO"), "{rel} holds a placeholder");
        assert!(!text.contains("example.com"), "{rel} holds an example address");
    }
}

#[test]
fn new_advisory_refuses_bad_options_and_follows_id_prefix() {
    let dir = tempfile::tempdir().expect("tmp");
    let root = dir.path().join("site");
    init(&root).expect("init");
    let now: jiff::Timestamp = "2031-05-01T00:00:00Z".parse().expect("valid");
    let refused = |fields: NewAdvisory| {
        let f = new_advisory(&root, &fields, now).expect_err("refused");
        (
            f.diagnostics[0].code,
            f.diagnostics[0].help.clone().unwrap_or_default(),
        )
    };
    let product = refused(NewAdvisory {
        product: Some("nope".into()),
        ..NewAdvisory::default()
    });
    assert_eq!(product.0, Code::UnknownProduct);
    assert!(product.1.contains("example-app"), "{product:?}");
    let cve = NewAdvisory {
        cve: Some("CVE-26-1".into()),
        ..NewAdvisory::default()
    };
    assert_eq!(refused(cve).0, Code::InvalidCve);
    let cvss = NewAdvisory {
        cvss: Some("CVSS:3.1/AV:N".into()),
        ..NewAdvisory::default()
    };
    assert_eq!(refused(cvss).0, Code::InvalidCvss);

    edit(&root.join("site.toml"), |t| {
        t.replace("id_prefix = \"EXAMPLE-SA\"", "id_prefix = \"ACME\"")
    });
    let path = new_advisory(&root, &NewAdvisory::default(), now).expect("new");
    assert!(
        path.ends_with("content/advisories/2031/ACME-2031-0001.md"),
        "{}",
        path.display()
    );
}
