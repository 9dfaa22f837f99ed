//! `init` and `new advisory`: files that give a user a working start. Nothing they write
//! can be published by accident: every stand-in is a `[TODO …]` placeholder that `check`
//! and `build` refuse (`crate::publication`), the example advisory is a draft, and the
//! example domains of site.toml are refused until replaced or acknowledged.

use std::fs;
use std::path::Path;

use jiff::Timestamp;

use crate::Failure;
use crate::diag::{Code, Diagnostic, SourceMap};
use crate::source::{ADVISORIES_DIR, CONTENT_DIR};

mod eject;
mod new;
mod skeleton;

pub use eject::{eject, template_names};
pub use new::{new_advisory, next_id};
pub use skeleton::NewAdvisory;

const POLICY: &str = include_str!("policy.md");

const SITE_TOML: &str = r#"# psirt-site configuration: see docs/content-model.md for every key.
# [TODO: put your PSIRT's name, domain, addresses and id prefix below, then delete this line.]
title = "Example Corp Product Security"
base_url = "https://security.example.com"
language = "en"
description = "Security advisories, disclosure policy and contact of the Example Corp PSIRT."
# Advisory ids are <id_prefix>-YYYY-NNNN; `new advisory` numbers them, `check` insists.
id_prefix = "EXAMPLE-SA"
# `build` refuses example.com and other example domains; a demo or test site says so:
# allow_example_domains = true

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
# [TODO: list your products (this one is a stand-in), then delete this line.]
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

/// Creates a site in `dir` (absent or empty). It previews at once (`serve`, `build
/// --preview`); `build` refuses it until the placeholders and example domains are replaced.
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
        .replace("{{email}}", "[TODO: your reporting address, as in site.toml]");
    write_new(&dir.join("site.toml"), SITE_TOML)?;
    write_new(&dir.join(CONTENT_DIR).join("products.toml"), PRODUCTS)?;
    write_new(&dir.join(CONTENT_DIR).join("policy.md"), &policy)?;
    write_new(
        &dir.join(".gitignore"),
        "/public\n/preview\n/.public.*\n/.preview.*\n/.psirt-cache\n",
    )?;
    let id = format!("EXAMPLE-SA-{year}-0001");
    write_new(
        &dir.join(CONTENT_DIR)
            .join(ADVISORIES_DIR)
            .join(&year)
            .join(format!("{id}.md")),
        &example_advisory(&id, now),
    )
}

/// The example advisory of a new site: a draft, marked as an example to replace.
fn example_advisory(id: &str, now: Timestamp) -> String {
    let fields = NewAdvisory {
        title: Some("Example: cross-site scripting in Example App".into()),
        cwe: Some("CWE-79".into()),
        cvss: Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N".into()),
        ..NewAdvisory::default()
    };
    skeleton::draft(id, &fields, Some("example-app"), now).replacen(
        "+++\n## Details",
        "+++\n[TODO: this advisory is an example: edit it into your first advisory, or delete the file.]\n\n## Details",
        1,
    )
}

/// A failure with no source text to show (the command line, a missing file).
fn failure(d: Diagnostic) -> Failure {
    Failure {
        diagnostics: vec![d],
        sources: SourceMap::default(),
    }
}
