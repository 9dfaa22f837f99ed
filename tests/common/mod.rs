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
# A test site: its example domains may be published.
allow_example_domains = true

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

/// The output is what it was before a failed build, and no temporary folder is left.
pub fn assert_untouched(t: &SiteTest, before: &[(String, Vec<u8>)]) {
    assert_eq!(before, tree(&t.out()), "output changed after a failed build");
    let leftovers: Vec<_> = std::fs::read_dir(t.root())
        .expect("read root")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-") || n.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary folders left: {leftovers:?}");
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

/// Every file below `dir` with its inode and mtime (seconds, nanoseconds), by relative path.
#[cfg(unix)]
pub fn identities(dir: &Path) -> std::collections::BTreeMap<String, (u64, i64, i64)> {
    use std::os::unix::fs::MetadataExt as _;
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let meta = e.metadata().expect("metadata");
            let rel = e
                .path()
                .strip_prefix(dir)
                .expect("below")
                .to_string_lossy()
                .into_owned();
            (rel, (meta.ino(), meta.mtime(), meta.mtime_nsec()))
        })
        .collect()
}

/// Starts `psirt-site build --quiet` on `t` at the tests' build time, output discarded.
pub fn start_build(t: &SiteTest) -> std::process::Child {
    use std::process::{Command, Stdio};
    Command::new(env!("CARGO_BIN_EXE_psirt-site"))
        .args(["build", "--quiet", "--root"])
        .arg(t.root())
        .env("SOURCE_DATE_EPOCH", NOW.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start build")
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

/// XML 1.0's `Char` production.
fn is_xml_char(c: char) -> bool {
    matches!(u32::from(c), 0x9 | 0xA | 0xD | 0x20..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x0010_FFFF)
}

/// Why `bytes` is not a well-formed XML 1.0 document, or `None` when it is: UTF-8, every
/// character (also from a character reference) an XML `Char`, tags balanced and named
/// alike, attributes well formed and unique, references known, one root element.
pub fn xml_problem(bytes: &[u8]) -> Option<String> {
    use quick_xml::events::Event;
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => return Some(format!("not UTF-8: {e}")),
    };
    // quick-xml does not check characters: markup and text alike must be `Char`s.
    if let Some(c) = text.chars().find(|c| !is_xml_char(*c)) {
        return Some(format!("U+{:04X} is not an XML 1.0 character", u32::from(c)));
    }
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    reader.config_mut().check_comments = true;
    let (mut depth, mut roots) = (0usize, 0usize);
    loop {
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => return Some(format!("at byte {}: {e}", reader.error_position())),
        };
        match event {
            Event::Eof => break,
            Event::Start(ref s) | Event::Empty(ref s) => {
                roots += usize::from(depth == 0);
                if let Event::Start(_) = event {
                    depth += 1;
                }
                for a in s.attributes().with_checks(true) {
                    let value = a.map_err(|e| e.to_string()).and_then(|a| {
                        a.decoded_and_normalized_value(quick_xml::XmlVersion::Explicit1_0, reader.decoder())
                            .map(|v| v.into_owned())
                            .map_err(|e| e.to_string())
                    });
                    match value {
                        Ok(v) if v.chars().all(is_xml_char) => {}
                        Ok(v) => return Some(format!("attribute value {v:?} holds a non-XML character")),
                        Err(e) => return Some(format!("attribute: {e}")),
                    }
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::GeneralRef(r) => match r.resolve_char_ref() {
                Ok(Some(c)) if is_xml_char(c) => {}
                Ok(Some(c)) => return Some(format!("&#{}; is not an XML 1.0 character", u32::from(c))),
                Ok(None) if matches!(&*r, b"amp" | b"lt" | b"gt" | b"apos" | b"quot") => {}
                Ok(None) => return Some(format!("unknown entity &{};", String::from_utf8_lossy(&r))),
                Err(e) => return Some(format!("reference: {e}")),
            },
            Event::Text(t) if depth == 0 && !t.iter().all(u8::is_ascii_whitespace) => {
                return Some("text outside the root element".into());
            }
            // Character data may not hold `]]>` (XML 1.0, 2.4); quick-xml does not check.
            Event::Text(t) if t.windows(3).any(|w| w == b"]]>") => {
                return Some("`]]>` in character data".into());
            }
            _ => {}
        }
    }
    match (depth, roots) {
        (0, 1) => None,
        (0, n) => Some(format!("{n} root elements")),
        (d, _) => Some(format!("{d} elements never closed")),
    }
}
