//! `new advisory`: the next id, the given fields checked, a draft written.

use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::skeleton::{NewAdvisory, draft};
use super::{failure, write_new};
use crate::Failure;
use crate::config::{CONFIG_FILE, SiteConfig};
use crate::diag::{Code, Diagnostic, SourceMap};
use crate::model::Catalog;
use crate::source::{ADVISORIES_DIR, CONTENT_DIR, PRODUCTS_FILE};

/// Creates the next advisory file, a draft: the id is `id_prefix` from site.toml (else the
/// prefix of the newest advisory file name, `ACME-SA-2026-0007.md` → `ACME-SA`), the year
/// and the next free number of that year.
pub fn new_advisory(root: &Path, fields: &NewAdvisory, now: Timestamp) -> Result<PathBuf, Failure> {
    if !root.join(CONFIG_FILE).is_file() {
        return Err(failure(
            Diagnostic::error(Code::Config, format!("{} has no site.toml", root.display()))
                .help("run this in a site folder, pass --root, or create one with `psirt-site init`"),
        ));
    }
    let mut sources = SourceMap::default();
    let config = SiteConfig::load(root, &mut sources).map_err(|diagnostics| Failure {
        diagnostics,
        sources: sources.clone(),
    })?;
    let catalog = load_catalog(root);
    check_fields(fields, &catalog).map_err(failure)?;
    let dir = root.join(CONTENT_DIR).join(ADVISORIES_DIR);
    let year = now.strftime("%Y").to_string();
    let stems: Vec<String> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter_map(|e| e.path().file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    let prefix = config.config.id_prefix.as_ref().map(|p| p.get_ref().as_str());
    let id = next_id_with(prefix, &stems, &year);
    let path = dir.join(&year).join(format!("{id}.md"));
    let first_product = catalog.products.keys().next().map(|p| p.as_str());
    write_new(&path, &draft(&id, fields, first_product, now)).map_err(failure)?;
    Ok(path)
}

/// The catalog, or an empty one when products.toml is missing or invalid (`check` reports
/// its problems; here it only serves to check `--product`).
fn load_catalog(root: &Path) -> Catalog {
    let rel = Path::new(CONTENT_DIR).join(PRODUCTS_FILE);
    std::fs::read_to_string(root.join(&rel))
        .map(|text| Catalog::parse(&text, &rel).0)
        .unwrap_or_default()
}

/// The command-line values, checked as `check` would check them in the file.
fn check_fields(fields: &NewAdvisory, catalog: &Catalog) -> Result<(), Diagnostic> {
    let option = |flag: &str, code: Code, msg: String, help: &str| {
        Diagnostic::error(code, format!("--{flag}: {msg}")).help(help.to_string())
    };
    if let Some(cve) = &fields.cve {
        crate::model::ids::Cve::parse(cve).map_err(|m| {
            option(
                "cve",
                Code::InvalidCve,
                m,
                "give a CVE id, e.g. --cve CVE-2026-12345",
            )
        })?;
    }
    if let Some(cwe) = &fields.cwe {
        crate::model::cwe::Cwe::lookup(cwe).map_err(|d| {
            let help = d.help.clone().unwrap_or_default();
            option("cwe", d.code, d.message, &help)
        })?;
    }
    if let Some(vector) = &fields.cvss {
        let parsed = if vector.starts_with("CVSS:4.0/") {
            crate::model::cvss::CvssV4::parse(vector).map(drop)
        } else {
            crate::model::cvss::CvssV3::parse(vector).map(drop)
        };
        parsed.map_err(|m| {
            let help = "give a complete CVSS 3.1 or 4.0 base vector, e.g. --cvss CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
            option("cvss", Code::InvalidCvss, m, help)
        })?;
    }
    if let Some(product) = &fields.product {
        let known = catalog.products.keys().any(|p| p.as_str() == product);
        if !known {
            let ids: Vec<&str> = catalog.products.keys().map(|p| p.as_str()).collect();
            let help = match ids.as_slice() {
                [] => "content/products.toml lists no products yet: add the product there first".to_string(),
                ids => format!("give one of the ids in content/products.toml: {}", ids.join(", ")),
            };
            let msg = format!("`{product}` is not a product id of content/products.toml");
            return Err(option("product", Code::UnknownProduct, msg, &help));
        }
    }
    Ok(())
}

/// The prefix of the newest-looking advisory file name (`ACME-SA-2026-0007` → `ACME-SA`).
fn prefix_from_files(stems: &[String]) -> Option<String> {
    stems
        .iter()
        .filter_map(|s| s.rsplit_once('-').map(|(head, _)| head))
        .filter_map(|head| head.rsplit_once('-').map(|(p, _)| p.to_string()))
        .max()
}

/// The next free id for `year`, given existing advisory file stems, without `id_prefix`.
pub fn next_id(stems: &[String], year: &str) -> String {
    next_id_with(None, stems, year)
}

/// The next free id: `prefix` (site.toml's `id_prefix`), else the files' own, else `SA`.
fn next_id_with(prefix: Option<&str>, stems: &[String], year: &str) -> String {
    let prefix = prefix
        .map(str::to_string)
        .or_else(|| prefix_from_files(stems))
        .unwrap_or_else(|| "SA".to_string());
    let start = format!("{prefix}-{year}-");
    let max = stems
        .iter()
        .filter_map(|s| s.strip_prefix(&start)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("{start}{:04}", max + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn next_ids() {
        let stems = stems(&["ACME-SA-2026-0001", "ACME-SA-2026-0007", "ACME-SA-2025-0042"]);
        assert_eq!(next_id(&stems, "2026"), "ACME-SA-2026-0008");
        assert_eq!(next_id(&stems, "2027"), "ACME-SA-2027-0001");
        assert_eq!(next_id(&[], "2026"), "SA-2026-0001");
    }

    #[test]
    fn the_configured_prefix_wins_over_the_files() {
        let stems = stems(&["EXAMPLE-SA-2026-0001", "ACME-2026-0003"]);
        assert_eq!(next_id_with(Some("ACME"), &stems, "2026"), "ACME-2026-0004");
        assert_eq!(next_id_with(Some("NEW-SA"), &stems, "2026"), "NEW-SA-2026-0001");
    }
}
