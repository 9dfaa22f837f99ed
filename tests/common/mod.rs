//! Test helpers: small sites written into temporary folders, built through the library.
#![allow(dead_code, unreachable_pub)]

use std::fs;
use std::path::{Path, PathBuf};

use psirt_site::diag::{Format, render};
use psirt_site::{BuildOptions, Failure, Report};

/// 2026-11-23T00:00:00Z: a fixed build time, so tests do not depend on the clock.
pub const NOW: i64 = 1_795_392_000;

pub fn now() -> jiff::Timestamp {
    jiff::Timestamp::from_second(NOW).expect("valid timestamp")
}

pub const SITE_TOML: &str = r#"title = "Example PSIRT"
base_url = "https://psirt.example.com"
description = "Security advisories of Example Corp."

[publisher]
name = "Example Corp PSIRT"
namespace = "https://example.com"

[contact]
email = "psirt@example.com"
"#;

pub const PRODUCTS: &str = r#"[[products]]
id = "widget"
name = "Example Widget"
vendor = "Example Corp"
family = "Widgets"
cpe = "cpe:2.3:a:example:widget:*:*:*:*:*:*:*:*"

[[products]]
id = "gadget"
name = "Example Gadget"
vendor = "Example Corp"
"#;

/// A valid advisory; `id`, `title` and `published` vary per test.
pub fn advisory(id: &str, title: &str, published: &str) -> String {
    format!(
        r#"+++
id = "{id}"
title = "{title}"
published = {published}
status = "final"
tlp = "CLEAR"
summary = "Summary of {id}."

[[revisions]]
date = {published}
summary = "Initial public release"

[[affected]]
product = "widget"
versions = "< 2.0.1"
fixed = "2.0.1"

[[vulnerabilities]]
cve = "CVE-2026-40001"
title = "Cross-site scripting in the admin UI"
cwe = "CWE-79"
cvss_v3 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"
[[vulnerabilities.remediations]]
category = "vendor_fix"
details = "Update to 2.0.1."
url = "https://example.com/downloads"

[[acknowledgments]]
names = ["Jane Doe"]
organization = "Example Research"
+++
## Details

The admin UI echoes a parameter without escaping it.
"#
    )
}

/// A site in a temporary folder.
pub struct SiteTest {
    pub dir: tempfile::TempDir,
}

impl SiteTest {
    /// site.toml + products.toml, no advisories.
    pub fn empty() -> Self {
        let t = SiteTest {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        t.write("site.toml", SITE_TOML);
        t.write("content/products.toml", PRODUCTS);
        t
    }

    /// One published advisory.
    pub fn minimal() -> Self {
        let t = Self::empty();
        t.write(
            "content/advisories/EX-2026-0001.md",
            &advisory("EX-2026-0001", "XSS in Widget", "2026-03-10T09:00:00Z"),
        );
        t
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn out(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn write(&self, rel: &str, text: &str) -> &Self {
        self.write_bytes(rel, text.as_bytes())
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> &Self {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
        fs::write(path, bytes).expect("write");
        self
    }

    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            root: self.root().to_path_buf(),
            now: Some(now()),
            ..BuildOptions::default()
        }
    }

    pub fn build(&self) -> Result<Report, Failure> {
        psirt_site::build(&self.options())
    }

    pub fn check(&self) -> Result<Report, Failure> {
        psirt_site::check(&self.options())
    }

    /// The rendered diagnostics of a failing check, for snapshots.
    pub fn check_errors(&self) -> String {
        match self.check() {
            Ok(r) => panic!("expected errors, check passed with warnings: {:?}", r.warnings),
            Err(f) => render(&f.diagnostics, &f.sources, Format::Human),
        }
    }

    pub fn read(&self, rel: &str) -> String {
        let path = self.out().join(rel);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }
}

/// Every file below `dir` with its bytes, sorted by relative path.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.expect("walk");
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("below dir")
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, fs::read(e.path()).expect("read")));
        }
    }
    out
}

/// The shared corpus beside the repository, if present.
pub fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipping: ../shared/corpus is not present beside the repository");
        None
    }
}
