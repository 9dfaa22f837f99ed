//! `init` and `new advisory`: files that give a user a working start.

use std::fs;
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use crate::diag::{Code, Diagnostic};
use crate::source::{ADVISORIES_DIR, CONTENT_DIR};

const POLICY: &str = include_str!("policy.md");

const SITE_TOML: &str = r#"# psirt-site configuration: see docs/content-model.md for every key.
title = "Example Corp Product Security"
base_url = "https://security.example.com"
language = "en"
description = "Security advisories, disclosure policy and contact of the Example Corp PSIRT."

[publisher]
name = "Example Corp PSIRT"
namespace = "https://example.com"
category = "vendor"
contact_details = "psirt@example.com"

[contact]
email = "psirt@example.com"

[security_txt]
expires_after_days = 180
preferred_languages = ["en"]

# Publish your PSIRT's public key (armored) and sign CSAF and security.txt; the site then
# has a key page at /pgp/, which content/policy.md may link to:
# [pgp]
# public_key = "static/keys/psirt-public.asc"
# [signing]
# key_file = "../secrets/signing-key.asc"   # or the PSIRT_SITE_SIGNING_KEY variable

# Items per RSS feed, newest first (default 100; 0 keeps every item):
# [feeds]
# limit = 100
# Advisories per list page (default 100; 0 puts a whole list on one page):
# [lists]
# per_page = 100
"#;

const PRODUCTS: &str = r#"# The product catalog: advisories refer to products by id.
[[products]]
id = "example-app"
name = "Example App"
vendor = "Example Corp"
family = "Applications"
description = "The example product."
cpe = "cpe:2.3:a:example:example_app:*:*:*:*:*:*:*:*"
"#;

fn io(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(Code::Io, format!("cannot write {}: {e}", path.display()))
}

fn write_new(path: &Path, text: &str) -> Result<(), Diagnostic> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| io(parent, &e))?;
    }
    fs::write(path, text).map_err(|e| io(path, &e))
}

/// Creates a site in `dir` (absent or empty) that builds immediately.
pub fn init(dir: &Path) -> Result<(), Diagnostic> {
    let non_empty = fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(false);
    if non_empty {
        return Err(
            Diagnostic::error(Code::Io, format!("{} exists and is not empty", dir.display()))
                .help("choose a new folder name"),
        );
    }
    let now = Timestamp::now();
    let year = now.strftime("%Y").to_string();
    let policy = POLICY
        .replace("{{publisher}}", "Example Corp PSIRT")
        .replace("{{email}}", "psirt@example.com");
    write_new(&dir.join("site.toml"), SITE_TOML)?;
    write_new(&dir.join(CONTENT_DIR).join("products.toml"), PRODUCTS)?;
    write_new(&dir.join(CONTENT_DIR).join("policy.md"), &policy)?;
    write_new(&dir.join(".gitignore"), "/public\n/preview\n")?;
    let id = format!("EXAMPLE-SA-{year}-0001");
    let advisory = skeleton(&id, "Example: cross-site scripting in Example App", now, "final");
    write_new(
        &dir.join(CONTENT_DIR)
            .join(ADVISORIES_DIR)
            .join(&year)
            .join(format!("{id}.md")),
        &advisory,
    )
}

/// A complete advisory front matter with placeholders to edit.
fn skeleton(id: &str, title: &str, now: Timestamp, status: &str) -> String {
    let date = crate::model::time::rfc3339(now);
    let title = title.replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        r#"+++
id = "{id}"
title = "{title}"
published = {date}
status = "{status}"   # draft | interim | final
tlp = "CLEAR"
summary = "One paragraph for lists and feeds: what is affected, the impact, and what to do."

[[revisions]]
date = {date}
summary = "Initial public release"

[[affected]]
product = "example-app"
versions = "< 1.2.3"
fixed = "1.2.3"

[[vulnerabilities]]
# cve = "CVE-{year}-NNNNN"
title = "Cross-site scripting in the settings page"
cwe = "CWE-79"
cvss_v3 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"
[[vulnerabilities.remediations]]
category = "vendor_fix"
details = "Update to version 1.2.3 or later."

# [[acknowledgments]]
# names = ["Jane Doe"]
# organization = "Example Research"
+++
## Details

Describe the vulnerability, the affected configurations and the impact.

## Workarounds

Describe what users can do until they can update.
"#,
        year = now.strftime("%Y")
    )
}

/// Creates the next advisory file: the id prefix comes from the newest advisory file name
/// (`ACME-SA-2026-0007.md` → `ACME-SA-`), the number is the next free one this year.
pub fn new_advisory(root: &Path, title: Option<&str>, now: Timestamp) -> Result<PathBuf, Diagnostic> {
    let dir = root.join(CONTENT_DIR).join(ADVISORIES_DIR);
    if !root.join(crate::config::CONFIG_FILE).is_file() {
        return Err(
            Diagnostic::error(Code::Config, format!("{} has no site.toml", root.display()))
                .help("run this in a site folder, pass --root, or create one with `psirt-site init`"),
        );
    }
    let year = now.strftime("%Y").to_string();
    let stems: Vec<String> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter_map(|e| e.path().file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    let id = next_id(&stems, &year);
    let path = dir.join(&year).join(format!("{id}.md"));
    let title = title.unwrap_or("TITLE: what is vulnerable and how");
    write_new(&path, &skeleton(&id, title, now, "draft"))?;
    Ok(path)
}

/// The next free id for `year`, given existing advisory file stems.
pub fn next_id(stems: &[String], year: &str) -> String {
    let marker = format!("-{year}-");
    let prefix = stems
        .iter()
        .filter_map(|s| s.rsplit_once('-').map(|(head, _)| head))
        .filter_map(|head| head.rsplit_once('-').map(|(p, _)| format!("{p}-")))
        .max()
        .unwrap_or_else(|| "SA-".to_string());
    let max = stems
        .iter()
        .filter(|s| s.starts_with(&prefix) && s.contains(&marker))
        .filter_map(|s| s.rsplit('-').next()?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("{prefix}{year}-{:04}", max + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_ids() {
        let stems: Vec<String> = ["ACME-SA-2026-0001", "ACME-SA-2026-0007", "ACME-SA-2025-0042"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(next_id(&stems, "2026"), "ACME-SA-2026-0008");
        assert_eq!(next_id(&stems, "2027"), "ACME-SA-2027-0001");
        assert_eq!(next_id(&[], "2026"), "SA-2026-0001");
    }
}
