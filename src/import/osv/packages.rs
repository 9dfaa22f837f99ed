//! OSV packages → catalog products: one product per (ecosystem, package name), the
//! ecosystem as its vendor, with the package URL of the package (the record's own `purl`,
//! or one written from the ecosystem and name by the purl specification's rules). The
//! ecosystem also gives the `vers` scheme its ranges are written in.

use serde_json::Value;

use super::super::products::CatalogEntry;
use super::super::reader::Reader;

/// An OSV ecosystem psirt-site knows: its package URL type and its `vers` scheme.
struct Ecosystem {
    osv: &'static str,
    purl_type: Option<&'static str>,
    scheme: Option<&'static str>,
}

const fn eco(osv: &'static str, purl_type: Option<&'static str>, scheme: Option<&'static str>) -> Ecosystem {
    Ecosystem {
        osv,
        purl_type,
        scheme,
    }
}

/// The ecosystems of the OSV specification whose versions a `vers` scheme compares (the
/// scheme is the package URL type), and those with a package URL type only. An ecosystem
/// not listed still becomes products; its ECOSYSTEM ranges are reported.
const ECOSYSTEMS: &[Ecosystem] = &[
    eco("crates.io", Some("cargo"), Some("cargo")),
    eco("PyPI", Some("pypi"), Some("pypi")),
    eco("Go", Some("golang"), Some("golang")),
    eco("npm", Some("npm"), Some("npm")),
    eco("Maven", Some("maven"), Some("maven")),
    eco("NuGet", Some("nuget"), Some("nuget")),
    eco("RubyGems", Some("gem"), Some("gem")),
    eco("Packagist", Some("composer"), Some("composer")),
    eco("Hex", Some("hex"), Some("hex")),
    eco("SwiftURL", Some("swift"), Some("swift")),
    eco("ConanCenter", Some("conan"), Some("conan")),
    eco("Debian", Some("deb"), Some("deb")),
    eco("Ubuntu", Some("deb"), Some("deb")),
    eco("Alpine", Some("apk"), Some("alpine")),
    eco("Pub", Some("pub"), None),
    eco("Hackage", Some("hackage"), None),
    eco("CRAN", Some("cran"), None),
    eco("AlmaLinux", None, Some("rpm")),
    eco("Azure Linux", None, Some("rpm")),
    eco("Mageia", None, Some("rpm")),
    eco("openEuler", None, Some("rpm")),
    eco("openSUSE", None, Some("rpm")),
    eco("Photon OS", None, Some("rpm")),
    eco("Red Hat", None, Some("rpm")),
    eco("Rocky Linux", None, Some("rpm")),
    eco("SUSE", None, Some("rpm")),
];

/// The catalog product of one `affected[]` entry, and how its ranges compare.
pub(super) struct Package {
    pub catalog_id: String,
    pub ecosystem: String,
    /// The `vers` scheme of its ECOSYSTEM ranges, if the ecosystem has one.
    pub scheme: Option<&'static str>,
}

/// The site's catalog so far plus the products the record adds.
pub(super) struct Products {
    pub catalog: Vec<CatalogEntry>,
    known: usize,
    /// Indexes into `catalog` of the products the record names, in order.
    named: Vec<usize>,
}

impl Products {
    pub(super) fn new(known: &[CatalogEntry]) -> Self {
        Products {
            catalog: known.to_vec(),
            known: known.len(),
            named: Vec::new(),
        }
    }

    /// Products the site's catalog does not have yet (and the record names).
    pub(super) fn added(&self) -> Vec<CatalogEntry> {
        self.named
            .iter()
            .filter(|&&i| i >= self.known)
            .map(|&i| self.catalog[i].clone())
            .collect()
    }

    /// Forgets the products no entry names (a package whose versions psirt-site cannot
    /// express): they are neither added to the catalog nor checked.
    pub(super) fn keep_named_by(&mut self, entries: &[super::ranges::Entry]) {
        let catalog = &self.catalog;
        self.named
            .retain(|&i| entries.iter().any(|e| e.product == catalog[i].id));
    }

    /// Every catalog product the record names, new or known.
    pub(super) fn named(&self) -> Vec<CatalogEntry> {
        self.named.iter().map(|&i| self.catalog[i].clone()).collect()
    }
}

/// The package of every `affected[]` entry, by index; `None` (reported) for an entry
/// without a package.
pub(super) fn packages(r: &mut Reader<'_>, products: &mut Products) -> Vec<Option<Package>> {
    (0..r.len("/affected"))
        .map(|i| package(r, products, &format!("/affected/{i}/package")))
        .collect()
}

fn package(r: &mut Reader<'_>, products: &mut Products, at: &str) -> Option<Package> {
    let (Some(ecosystem), Some(name)) = (
        r.peek(&format!("{at}/ecosystem")).and_then(Value::as_str),
        r.peek(&format!("{at}/name")).and_then(Value::as_str),
    ) else {
        r.explain(
            at.trim_end_matches("/package"),
            "psirt-site's products are packages: this entry names none",
        );
        return None;
    };
    r.str(&format!("{at}/ecosystem"));
    r.str(&format!("{at}/name"));
    let (base, suffix) = ecosystem.split_once(':').unwrap_or((ecosystem, ""));
    let known = ECOSYSTEMS.iter().find(|e| e.osv == base);
    let given = r.peek(&format!("{at}/purl")).and_then(Value::as_str);
    let purl = given
        .filter(|p| plausible_purl(p))
        .map(str::to_string)
        .or_else(|| known.and_then(|e| purl(e, suffix, name)));
    let index = products.find_or_add(ecosystem, name, purl, known.and_then(|e| e.purl_type));
    let entry = &products.catalog[index];
    match given {
        Some(g) if Some(g) == entry.purl.as_deref() => {
            r.str(&format!("{at}/purl"));
        }
        Some(g) if !plausible_purl(g) => r.explain(
            &format!("{at}/purl"),
            "not a package URL of a package without a version; psirt-site writes its own",
        ),
        Some(_) => r.explain(
            &format!("{at}/purl"),
            "the site's catalog product has its own purl",
        ),
        None => {}
    }
    if !products.named.contains(&index) {
        products.named.push(index);
    }
    Some(Package {
        catalog_id: products.catalog[index].id.clone(),
        ecosystem: ecosystem.to_string(),
        scheme: known.and_then(|e| e.scheme),
    })
}

impl Products {
    /// The catalog product of a package: an existing one (same vendor and name, or the
    /// same purl) is reused, never duplicated.
    fn find_or_add(
        &mut self,
        ecosystem: &str,
        name: &str,
        purl: Option<String>,
        purl_type: Option<&str>,
    ) -> usize {
        let same = |c: &CatalogEntry| {
            (c.vendor == ecosystem && c.name == name) || (purl.is_some() && c.purl == purl)
        };
        if let Some(i) = self.catalog.iter().position(same) {
            return i;
        }
        let base = catalog_id(purl_type.unwrap_or(ecosystem), name);
        let mut id = base.clone();
        for n in 2.. {
            if !self.catalog.iter().any(|c| c.id == id) {
                break;
            }
            id = format!("{base}-{n}");
        }
        self.catalog.push(CatalogEntry {
            id,
            name: name.to_string(),
            vendor: ecosystem.to_string(),
            family: None,
            cpe: None,
            purl,
            product_id: None,
            tree: None,
            full_name: None,
        });
        self.catalog.len() - 1
    }
}

/// `pkg:<type>/…` with a name: enough for a package URL given by the record to be kept
/// (the rebuilt document's validation checks it in full).
fn plausible_purl(p: &str) -> bool {
    let Some((kind, path)) = p.strip_prefix("pkg:").and_then(|rest| rest.split_once('/')) else {
        return false;
    };
    let name = path.rsplit('/').next().unwrap_or(path);
    !kind.is_empty() && !name.is_empty() && !name.contains(['@', '?', '#'])
}

/// A catalog id (a slug: lowercase letters, digits, `-`) from the package URL type (or
/// the ecosystem) and the name: `cargo-lz4-flex`, `golang-github-com-gin-gonic-gin`.
fn catalog_id(kind: &str, name: &str) -> String {
    let mut id = String::new();
    for c in format!("{kind}-{name}").chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    // Product ids are at most 100 characters; room is left for a `-<n>` suffix.
    let id: String = id.chars().take(90).collect();
    let id = id.trim_end_matches('-');
    if id.is_empty() {
        "package".into()
    } else {
        id.to_string()
    }
}

/// The package URL of a package without a version, by the purl specification's rules for
/// the type: PyPI names are lowercase with `-` for `_`, Go and Swift paths split into
/// namespace and name, npm scopes and Maven group ids are namespaces.
fn purl(e: &Ecosystem, suffix: &str, name: &str) -> Option<String> {
    let purl_type = e.purl_type?;
    let (namespace, name) = match e.osv {
        "PyPI" => (None, name.to_ascii_lowercase().replace('_', "-")),
        "Go" | "SwiftURL" | "Packagist" | "npm" => match name.rsplit_once('/') {
            Some((ns, n)) => (Some(ns.to_string()), n.to_string()),
            None => (None, name.to_string()),
        },
        "Maven" => {
            let (group, artifact) = name.split_once(':')?;
            (Some(group.to_string()), artifact.to_string())
        }
        "Debian" | "Ubuntu" | "Alpine" => (Some(e.osv.to_ascii_lowercase()), name.to_string()),
        _ => (None, name.to_string()),
    };
    if name.is_empty() || namespace.as_deref().is_some_and(str::is_empty) {
        return None;
    }
    let mut out = format!("pkg:{purl_type}/");
    if let Some(ns) = namespace {
        for segment in ns.split('/') {
            out.push_str(&encode(segment));
            out.push('/');
        }
    }
    out.push_str(&encode(&name));
    // A release of a distribution (`Debian:12`) is the package URL's `distro` qualifier.
    if !suffix.is_empty() && matches!(e.osv, "Debian" | "Ubuntu" | "Alpine") {
        out.push_str(&format!("?distro={}", encode(suffix)));
    }
    Some(out)
}

/// Percent-encodes a purl segment: everything but ASCII letters, digits and `.-_~`
/// (an npm scope's `@` becomes `%40`, as the purl specification requires).
fn encode(segment: &str) -> String {
    crate::url::encode_segment(segment)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn purl_of(ecosystem: &str, name: &str) -> Option<String> {
        let (base, suffix) = ecosystem.split_once(':').unwrap_or((ecosystem, ""));
        let e = ECOSYSTEMS.iter().find(|e| e.osv == base)?;
        purl(e, suffix, name)
    }

    #[test]
    fn package_urls_follow_the_purl_rules_of_each_type() {
        assert_eq!(
            purl_of("crates.io", "lz4_flex").as_deref(),
            Some("pkg:cargo/lz4_flex")
        );
        assert_eq!(
            purl_of("PyPI", "Django_Rest").as_deref(),
            Some("pkg:pypi/django-rest")
        );
        assert_eq!(
            purl_of("Go", "github.com/gin-gonic/gin").as_deref(),
            Some("pkg:golang/github.com/gin-gonic/gin")
        );
        assert_eq!(
            purl_of("npm", "@babel/core").as_deref(),
            Some("pkg:npm/%40babel/core")
        );
        assert_eq!(
            purl_of("Maven", "org.apache.logging.log4j:log4j-core").as_deref(),
            Some("pkg:maven/org.apache.logging.log4j/log4j-core")
        );
        assert_eq!(
            purl_of("Debian:12", "openssl").as_deref(),
            Some("pkg:deb/debian/openssl?distro=12")
        );
        assert_eq!(purl_of("Maven", "no-group"), None);
        assert_eq!(purl_of("Red Hat", "openssl"), None);
    }

    #[test]
    fn catalog_ids_are_slugs() {
        assert_eq!(catalog_id("cargo", "lz4_flex"), "cargo-lz4-flex");
        assert_eq!(catalog_id("npm", "@babel/core"), "npm-babel-core");
        assert_eq!(catalog_id("GitHub Actions", "ü"), "github-actions");
        assert!(catalog_id("x", &"a".repeat(300)).len() <= 90);
    }
}
