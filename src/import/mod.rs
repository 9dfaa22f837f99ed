//! `psirt-site import`: existing CSAF 2.0 documents become advisories of this site.
//!
//! Stages: collect the documents (`sources`), refuse those the CSAF schema or a mandatory
//! test rejects, map each to front matter (`mapping`; the product tree in `products` and
//! `helpers`, statuses in `affected`, product id lists in `scope` and their order in
//! `order`, vulnerabilities in `vulns`) through a reader that records every value it used
//! (`reader`) and written as TOML a part at a time (`write`), check that the
//! advisory and the CSAF document it becomes would build (`rebuilt`), then write the
//! advisory files and append new products to `content/products.toml` — or, with
//! `dry_run`, only say what would be written. Whatever the model cannot hold is reported
//! per JSON pointer. OSV records (packages as products) take the same way through their
//! own mapping (`osv`).

mod affected;
mod front;
mod helpers;
mod mapping;
mod order;
mod osv;
mod products;
pub mod reader;
mod rebuilt;
mod scope;
mod sources;
mod vulns;
mod write;

use std::path::{Path, PathBuf};

use serde::Serialize;

pub use self::products::CatalogEntry;
pub use self::reader::Lost;
pub use self::sources::Refused;
use crate::model::Catalog;

/// What to import, and where.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The site root (holds `site.toml` and `content/`).
    pub root: PathBuf,
    /// CSAF or OSV files, folders of them, or CSAF provider trees.
    pub inputs: Vec<PathBuf>,
    /// Say what would be written, write nothing.
    pub dry_run: bool,
    /// Replace advisory files that exist already.
    pub force: bool,
}

/// One imported document.
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    pub source: PathBuf,
    pub id: String,
    /// The advisory file, relative to the site root.
    pub target: PathBuf,
    /// Leaf values of the original that the advisory does not hold.
    pub lost: Vec<Lost>,
    /// How many leaf values the original has.
    pub leaves: usize,
}

/// Everything an import did (or, in a dry run, would do).
#[derive(Debug, Default, Serialize)]
pub struct ImportReport {
    pub imported: Vec<Imported>,
    pub refused: Vec<Refused>,
    /// Catalog products added to `content/products.toml`.
    pub new_products: Vec<CatalogEntry>,
}

impl ImportReport {
    /// Share of the originals' leaf values the advisories hold, over all documents.
    pub fn retained(&self) -> f64 {
        let leaves: usize = self.imported.iter().map(|i| i.leaves).sum();
        let lost: usize = self.imported.iter().map(|i| i.lost.len()).sum();
        if leaves == 0 {
            1.0
        } else {
            1.0 - lost as f64 / leaves as f64
        }
    }
}

/// Refuses `import --report FILE` where writing it would lose or spoil a file: over a
/// document being imported (or in a folder of them, where a later import would read it),
/// and where a build's side file may not go (`output::side_file_refusal`: a folder, the
/// site's sources, its output folder).
pub fn check_report_file(opts: &ImportOptions, file: &Path) -> Result<(), String> {
    use crate::output::{InputPaths, real_path, side_file_refusal};
    let real = real_path(file);
    if let Some(input) = opts
        .inputs
        .iter()
        .map(|i| real_path(i))
        .find(|i| real.starts_with(i))
    {
        return Err(format!(
            "it is, or is inside, {}, which is being imported",
            input.display()
        ));
    }
    let config = crate::config::SiteConfig::load(&opts.root, &mut crate::diag::SourceMap::default()).ok();
    let (site, output) = match config {
        Some(loaded) => (
            InputPaths::of(&opts.root, &loaded.config),
            Some(real_path(&opts.root.join(&loaded.config.output_dir))),
        ),
        None => (InputPaths::new(&opts.root, &[]), None),
    };
    match side_file_refusal(&site, output.as_deref().as_slice(), file) {
        Some(why) => Err(why),
        None => Ok(()),
    }
}

pub fn run(opts: &ImportOptions) -> ImportReport {
    let (found, refused) = sources::collect(&opts.inputs);
    let mut report = ImportReport {
        refused,
        ..ImportReport::default()
    };
    let known = existing_products(&opts.root);
    let mut catalog = known.clone();
    let config = crate::config::SiteConfig::load(&opts.root, &mut crate::diag::SourceMap::default())
        .ok()
        .map(|l| l.config);
    for doc in found {
        match import_one(opts, &doc, &catalog, config.as_ref()) {
            Ok((imported, new)) => {
                catalog.extend(new.iter().cloned());
                report.new_products.extend(new);
                report.imported.push(imported);
            }
            Err(reason) => report.refused.push(Refused {
                path: doc.path,
                reason,
            }),
        }
    }
    let write_products = !opts.dry_run && !report.new_products.is_empty();
    if write_products && let Err(e) = append_products(&opts.root, &report.new_products) {
        report.refused.push(Refused {
            path: opts.root.join(PRODUCTS_FILE),
            reason: format!("cannot add the new products: {e}"),
        });
    }
    report
}

pub(super) const PRODUCTS_FILE: &str = "content/products.toml";

fn import_one(
    opts: &ImportOptions,
    doc: &sources::Found,
    catalog: &[CatalogEntry],
    config: Option<&crate::config::SiteConfig>,
) -> Result<(Imported, Vec<CatalogEntry>), String> {
    let mapped = match doc.format {
        sources::Format::Csaf => {
            valid_csaf(doc)?;
            mapping::map(&doc.json, catalog)?
        }
        sources::Format::Osv => osv::map(&doc.json, catalog)?,
    };
    let target = PathBuf::from(format!(
        "content/advisories/{}/{}.md",
        mapped.year,
        crate::model::ids::page_slug(&mapped.id)
    ));
    rebuilt::check(&target, &mapped, config)?;
    let path = opts.root.join(&target);
    if path.exists() && !opts.force {
        return Err(format!("{} exists; pass --force to replace it", target.display()));
    }
    if !opts.dry_run {
        write_file(&path, &mapped.text).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    }
    let mut leaves = Vec::new();
    reader::flatten(&doc.json, "", &mut leaves);
    let imported = Imported {
        source: doc.path.clone(),
        id: mapped.id,
        target,
        lost: mapped.lost,
        leaves: leaves.len(),
    };
    Ok((imported, mapped.catalog))
}

/// The CSAF schema and the mandatory tests must pass: psirt-site would not publish what
/// they reject, and a broken original cannot be told apart from a mapping problem.
fn valid_csaf(doc: &sources::Found) -> Result<(), String> {
    match crate::emit::csaf::validate::validate(doc.json.clone(), &doc.path) {
        Ok(_) => Ok(()),
        Err(errors) => {
            let first: Vec<String> = errors.iter().take(3).map(|d| d.message.clone()).collect();
            let more = errors.len().saturating_sub(3);
            let tail = if more > 0 {
                format!(" (and {more} more)")
            } else {
                String::new()
            };
            Err(format!("not valid CSAF 2.0: {}{tail}", first.join("; ")))
        }
    }
}

/// Writes through a temporary file beside the target, so a failed write never leaves
/// half an advisory (the temporary file is hidden: never read as content).
fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    crate::source::write_replacing(path, |out| out.write_all(text.as_bytes()))
}

/// The site's catalog as it is, so products are reused, never duplicated.
fn existing_products(root: &Path) -> Vec<CatalogEntry> {
    let path = root.join(PRODUCTS_FILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Vec::new();
    };
    let (catalog, _) = Catalog::parse(&text, Path::new(PRODUCTS_FILE));
    catalog
        .products
        .values()
        .map(|p| CatalogEntry {
            id: p.id.to_string(),
            name: p.name.clone(),
            vendor: p.vendor.clone(),
            family: p.family.clone(),
            cpe: p.identification.cpe.clone(),
            purl: p.identification.purl.clone(),
            product_id: p.product_id.clone(),
            tree: match p.tree {
                crate::model::shape::TreeShape::Versions => None,
                crate::model::shape::TreeShape::Product => Some("product".into()),
                crate::model::shape::TreeShape::Packages => Some("packages".into()),
                crate::model::shape::TreeShape::Root => Some("root".into()),
            },
            full_name: p.full_name.clone(),
        })
        .collect()
}

/// Appends the new products to the catalog file, leaving what is there untouched.
fn append_products(root: &Path, new: &[CatalogEntry]) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct File<'a> {
        products: &'a [CatalogEntry],
    }
    let path = root.join(PRODUCTS_FILE);
    let mut text = std::fs::read_to_string(&path).unwrap_or_default();
    let added = toml::to_string(&File { products: new }).map_err(std::io::Error::other)?;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("\n# Added by `psirt-site import`.\n");
    text.push_str(&added);
    write_file(&path, &text)
}
