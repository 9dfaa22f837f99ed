//! The advisory import would write must build: `check` must accept it, and the CSAF
//! document psirt-site would publish from it must pass the schema and the mandatory tests
//! (the build refuses one that does not). A refusal names the would-be file's line and
//! column, or the failing CSAF test and where in the rebuilt document it fails.

use std::path::Path;

use serde::Serialize;

use super::PRODUCTS_FILE;
use super::mapping::Mapped;
use super::products::CatalogEntry;
use crate::config::SiteConfig;
use crate::model::{Advisory, Catalog};

/// The written advisory must be one `check` accepts: what it refuses is reported here, with
/// its position in the file that would have been written, and nothing is written.
pub(super) fn check(target: &Path, mapped: &Mapped, config: Option<&SiteConfig>) -> Result<(), String> {
    #[derive(Serialize)]
    struct File<'a> {
        products: &'a [CatalogEntry],
    }
    let products = toml::to_string(&File {
        products: &mapped.named,
    })
    .map_err(|e| e.to_string())?;
    let (catalog, mut diags) = Catalog::parse(&products, Path::new(PRODUCTS_FILE));
    let file = crate::source::SourceFile::new(
        crate::source::SourceKind::Advisory,
        target.to_path_buf(),
        mapped.text.as_str().into(),
    );
    let (advisory, more) = crate::document::parse_advisory(&file, &catalog, false);
    diags.extend(more);
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let at = d.primary.as_ref().map(|l| {
                let text: &str = if l.file == target { &mapped.text } else { &products };
                let (line, col) = crate::diag::LineIndex::new(text).line_col(text, l.span.start);
                format!("{}:{line}:{col}: ", l.file.display())
            });
            format!("{}{} [{}]", at.unwrap_or_default(), d.message, d.code.name())
        })
        .collect();
    if errors.is_empty() {
        match (advisory, config) {
            (Some(a), Some(config)) => valid_rebuilt(&a, &catalog, config),
            _ => Ok(()),
        }
    } else {
        Err(format!(
            "the advisory it becomes would not build: {}",
            errors.join("; ")
        ))
    }
}

/// The CSAF document the build would write from `a`, through the build's own validation.
fn valid_rebuilt(a: &Advisory, catalog: &Catalog, config: &SiteConfig) -> Result<(), String> {
    let urls = crate::emit::csaf::document::Urls {
        json: format!(
            "{}/.well-known/csaf/white/{}",
            config.base(),
            crate::emit::csaf::relative_path(a)
        ),
        html: format!("{}/advisories/", config.base()),
    };
    let json =
        crate::emit::csaf::document::to_csaf(a, &[], config, catalog, &urls, env!("CARGO_PKG_VERSION"));
    match crate::emit::csaf::validate::validate(json, Path::new("rebuilt")) {
        Ok(_) => Ok(()),
        Err(errors) => {
            let first: Vec<String> = errors.iter().take(2).map(|d| d.message.clone()).collect();
            Err(format!(
                "the CSAF document it becomes would not be valid: {}",
                first.join("; ")
            ))
        }
    }
}
