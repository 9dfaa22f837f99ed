//! Links in Markdown content to the site itself must lead to a file the build writes. A link
//! to `/pgp/` on a site without a key, to a misspelled advisory id, or to an advisory this
//! build holds back is a 404 for every reader — and the last one would name an embargoed
//! advisory on a public page. Checked once the output's paths are known, so that the check
//! and the output cannot disagree.

use std::path::Path;

use crate::diag::{Code, Diagnostic};
use crate::model::advisory::BodyLink;
use crate::routes::{INDEX_FILE, KEY_PAGE, advisory_path, page_file};
use crate::site::Site;
use crate::url::percent_decode;
use crate::view::root_path;

/// Every link of the shown advisories' bodies and of the pages that leads nowhere in
/// `paths` (the output's files, relative to its root, sorted).
pub fn check(site: &Site, paths: &[String]) -> Vec<Diagnostic> {
    debug_assert!(paths.is_sorted());
    let ctx = Context {
        site,
        files: paths,
        root: root_path(site.config.base()),
    };
    let advisories = site
        .advisories
        .iter()
        .filter(|a| !a.body.links().is_empty())
        .flat_map(|a| ctx.broken(&a.source, &advisory_path(a.id.as_str()), a.body.links()));
    let pages = site
        .pages
        .iter()
        .flat_map(|p| ctx.broken(&p.source, &format!("/{}/", p.slug), &p.links));
    advisories.chain(pages).collect()
}

struct Context<'s> {
    site: &'s Site,
    /// Sorted: looked up by binary search (most sites link little, and a set of every
    /// path cost more to make than the lookups it saved).
    files: &'s [String],
    /// The site's path below its host (`/psirt` for `https://example.org/psirt/`), or "".
    root: String,
}

impl Context<'_> {
    fn broken(&self, file: &Path, page_dir: &str, links: &[BodyLink]) -> Vec<Diagnostic> {
        links
            .iter()
            .filter_map(|link| {
                let (problem, help) = match resolve(&link.target, page_dir, &self.root) {
                    Ok(None) => return None,
                    Ok(Some(path)) if self.exists(&path) => return None,
                    Ok(Some(_)) if looks_like_a_host(&link.target) => (
                        "this looks like another site's address written without `https://`, which \
                     makes it a path on this site"
                            .to_string(),
                        format!("write it in full: https://{}", link.target),
                    ),
                    Ok(Some(path)) => self.missing(&path),
                    Err(why) => (why.to_string(), HELP.to_string()),
                };
                Some(
                    Diagnostic::error(Code::BrokenLink, format!("link to `{}`: {problem}", link.target))
                        .at(file, link.span.clone())
                        .help(help),
                )
            })
            .collect()
    }

    /// The output has the file, or the folder with an `index.html` (static hosts answer a
    /// folder's address with it, and add the final `/` where it is missing).
    fn exists(&self, path: &str) -> bool {
        if path.is_empty() || path.ends_with('/') {
            return self.has(&page_file(path));
        }
        self.has(path) || self.has(&format!("{path}/{INDEX_FILE}"))
    }

    fn has(&self, path: &str) -> bool {
        self.files.binary_search_by(|f| f.as_str().cmp(path)).is_ok()
    }

    /// Why nothing is at `path`, and how to fix the link.
    fn missing(&self, path: &str) -> (String, String) {
        let held = self.site.held_back.iter().find(|h| {
            let page = advisory_path(h.id.as_str());
            let page = page.trim_start_matches('/');
            path == page || path == page.trim_end_matches('/')
        });
        if let Some(h) = held {
            let problem = format!(
                "{} is not published by this build ({}); the link would be a 404 and name it",
                h.id, h.reason
            );
            let help = format!(
                "remove the link until {} is published (`--preview` builds show it)",
                h.id
            );
            return (problem, help);
        }
        let problem = if path == KEY_PAGE || path == KEY_PAGE.trim_end_matches('/') {
            "the site has no `/pgp/` page: it is made only when `[pgp]` in site.toml names a key".to_string()
        } else {
            format!("the build writes no page or file at `/{path}`")
        };
        (problem, HELP.to_string())
    }
}

const HELP: &str = "link to a page the site has (/advisories/<id>/, /products/<id>/, /policy/, \
/acknowledgments/, /feeds/, /pgp/ with a key), or write another site's address in full (https://…)";

/// `github.com/owner` or `www.example.org`: a first segment with a dot that goes on to a
/// path or starts with `www.` (a file name such as `report.pdf` has no path after it).
fn looks_like_a_host(target: &str) -> bool {
    let (first, rest) = target.split_once('/').unwrap_or((target, ""));
    let host_like = first.contains('.')
        && first
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && first
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    host_like && (!rest.is_empty() || first.starts_with("www."))
}

/// The output path a link leads to, relative to the output's root: `Ok(None)` for a link to
/// the page itself (only a fragment or query), `Err` for one that cannot lead into the site.
fn resolve(target: &str, page_dir: &str, root: &str) -> Result<Option<String>, &'static str> {
    let path = target.split(['#', '?']).next().unwrap_or_default();
    if path.is_empty() {
        return Ok(None);
    }
    let path = percent_decode(path).ok_or("it has a malformed `%` escape")?;
    let joined = match path.strip_prefix('/') {
        Some(_) if root.is_empty() => path.clone(),
        Some(_) => match path.strip_prefix(root) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => rest.to_string(),
            _ => return Err("it leaves the site, which lives below its `base_url` path"),
        },
        None => format!("{page_dir}{path}"),
    };
    normalize(&joined).map(Some)
}

/// Resolves `.` and `..` segments; a path that climbs above the site's root leaves it.
fn normalize(path: &str) -> Result<String, &'static str> {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments
                    .pop()
                    .ok_or("it climbs above the site's root with `..`")?;
            }
            s => segments.push(s),
        }
    }
    let mut out = segments.join("/");
    let folder = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    if folder && !out.is_empty() {
        out.push('/');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_links_like_a_browser() {
        let dir = advisory_path("ACME-SA-2026-0001");
        let r = |t: &str| resolve(t, &dir, "");
        assert_eq!(r("/pgp/"), Ok(Some("pgp/".into())));
        assert_eq!(
            r("../acme-sa-2026-0002/"),
            Ok(Some("advisories/acme-sa-2026-0002/".into()))
        );
        assert_eq!(r("../../policy/#scope"), Ok(Some("policy/".into())));
        assert_eq!(r("?x=1#top"), Ok(None));
        assert_eq!(r("/feeds/a%20b.xml"), Ok(Some("feeds/a b.xml".into())));
        assert!(r("../../../../x").is_err());
        assert!(r("/%zz").is_err());
        assert_eq!(r("/"), Ok(Some(String::new())));
    }

    #[test]
    fn bare_host_names_are_told_apart_from_files() {
        assert!(looks_like_a_host("github.com/sine-fdn"));
        assert!(looks_like_a_host("www.example.org"));
        assert!(!looks_like_a_host("report.pdf"));
        assert!(!looks_like_a_host("img/logo.png"));
        assert!(!looks_like_a_host("../ACME-SA-2026-0001/"));
        assert!(!looks_like_a_host("v1.2/notes"));
    }

    #[test]
    fn root_relative_links_stay_below_the_base_path() {
        let r = |t: &str| resolve(t, "/policy/", "/psirt");
        assert_eq!(r("/psirt/pgp/"), Ok(Some("pgp/".into())));
        assert_eq!(r("/psirt"), Ok(Some(String::new())));
        assert!(r("/pgp/").is_err());
        assert!(r("/psirtx/").is_err());
    }
}
