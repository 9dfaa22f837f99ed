//! Heading anchors: unique within a page, and never an id the theme gives its own elements.

use std::ops::Range;

use crate::hash::{HashMap, HashSet};

/// Ids the default theme gives its own elements (`id="…"` in `themes/default/templates`),
/// and `content` and `top`, which themes commonly use: a heading anchor that took one
/// would make the page's ids clash, and `#main` links (the skip link) would jump to it.
const THEME_IDS: &[&str] = &[
    "main",
    "content",
    "top",
    "nf_title",
    "home_title",
    "home_overview",
    "home_latest",
    "home_products",
    "page_title",
    "product_advisories",
    "key_fingerprint",
    "key_subkeys",
    "key_usage",
    "key_verify",
    "sa_title",
    "sa_summary",
    "sa_notes",
    "sa_affected",
    "sa_vulnerabilities",
    "sa_details",
    "sa_acknowledgments",
    "sa_references",
    "sa_revisions",
    "sa_downloads",
];

/// Prefixes of the ids the theme numbers (`sa_vuln_1`, `year_2026`, `ack_2026`, `family_3`).
const THEME_NUMBERED_IDS: &[&str] = &["sa_vuln_", "year_", "ack_", "family_"];

/// Whether the theme uses `id` for an element of its own.
pub fn is_theme_id(id: &str) -> bool {
    THEME_IDS.contains(&id)
        || THEME_NUMBERED_IDS.iter().any(|prefix| {
            id.strip_prefix(prefix)
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
}

/// A heading's id that was given (`{#id}`) but taken, and the anchor it got instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenamedId {
    pub given: String,
    pub id: String,
    /// Whether the theme uses the given id (else an earlier heading has it).
    pub theme: bool,
    /// The heading's byte range in the body.
    pub heading: Range<usize>,
}

/// The anchors of one page's headings, kept unique and clear of the theme's ids.
pub(super) struct Slugs {
    used: HashSet<String>,
    /// Per base, the next number to try. Without it, the n-th heading of a run of equal
    /// headings tried every number before its own: 10,000 `## Notes` took 15 s.
    next: HashMap<String, usize>,
    /// Ids tried so far (tests check the work is linear).
    pub(super) probes: usize,
}

impl Slugs {
    pub(super) fn new() -> Self {
        Slugs {
            used: HashSet::default(),
            next: HashMap::default(),
            probes: 0,
        }
    }

    /// `Affected products` → `affected-products`, made unique within the page.
    pub(super) fn auto(&mut self, text: &str) -> String {
        let base = slugify(text);
        self.claim(if base.is_empty() { "section".into() } else { base })
    }

    /// A given id, numbered like a made one when it is taken.
    pub(super) fn explicit(&mut self, id: &str) -> String {
        self.claim(id.to_string())
    }

    /// `base`, or the first free `base-N` (N ≥ 2). Each `base-N` tried and found taken is
    /// tried by this base only (the number makes it so) and only once (the counter moves
    /// on), so the work over a page is linear in its headings.
    fn claim(&mut self, base: String) -> String {
        let Slugs { used, next, probes } = self;
        let free = |used: &HashSet<String>, id: &str| !used.contains(id) && !is_theme_id(id);
        *probes += 1;
        if free(used, &base) {
            used.insert(base.clone());
            return base;
        }
        let n = next.entry(base.clone()).or_insert(2);
        loop {
            let slug = format!("{base}-{n}");
            *n += 1;
            *probes += 1;
            if free(used, &slug) {
                used.insert(slug.clone());
                return slug;
            }
        }
    }
}

pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::render;

    /// Work, not time: a heading's anchor is found in a bounded number of probes however
    /// many headings share its text (10,000 `## Notes` took 15 s when each probed every
    /// `notes-N` before it).
    #[test]
    fn anchor_dedup_work_is_linear() {
        let n = 5_000;
        let mut slugs = Slugs::new();
        for _ in 0..n {
            slugs.auto("Notes");
        }
        for _ in 0..n {
            slugs.explicit("notes");
        }
        assert!(
            slugs.probes <= 4 * 2 * n,
            "{} probes for {} headings",
            slugs.probes,
            2 * n
        );
        let body = "## Notes\n\n".repeat(3) + "## Notes 2\n\n## Notes\n";
        let html = render(&body, false).html;
        let ids: Vec<String> = html
            .match_indices("id=\"")
            .map(|(i, _)| body_id(&html[i + 4..]))
            .collect();
        assert_eq!(ids, ["notes", "notes-2", "notes-3", "notes-2-2", "notes-4"]);
    }

    fn body_id(after_quote: &str) -> String {
        after_quote.split('"').next().unwrap_or_default().to_string()
    }

    /// The theme's own ids (`main`, `sa_title`, …) are never a heading's anchor, given or
    /// made; a given id that is taken gets a number, and the outline says so.
    #[test]
    fn theme_ids_are_reserved_for_the_theme() {
        let body =
            "## A {#main}\n\n## B {#sa_title}\n\n## Main\n\n## C {#sa_vuln_1}\n\n## D {#ok}\n\n## E {#ok}\n";
        let html = render(body, false).html;
        for taken in ["main", "sa_title", "sa_vuln_1"] {
            assert!(!html.contains(&format!("id=\"{taken}\"")), "{taken}: {html}");
        }
        assert!(html.contains("<h2 id=\"main-2\">A</h2>"), "{html}");
        assert!(html.contains("<h2 id=\"main-3\">Main</h2>"), "{html}");
        assert!(html.contains("<h2 id=\"ok\">D</h2>"), "{html}");
        assert!(html.contains("<h2 id=\"ok-2\">E</h2>"), "{html}");
    }

    /// The list of reserved ids follows the default theme's templates.
    #[test]
    fn every_id_of_the_default_theme_is_reserved() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        let mut seen = 0;
        for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            for (at, _) in text.match_indices(" id=\"") {
                let id = text[at + 5..].split('"').next().unwrap_or_default();
                // A numbered id (`sa_vuln_{{ loop.index }}`): its fixed part, then a number.
                let id = id.split("{{").next().unwrap_or_default().to_string();
                let id = if id.ends_with('_') { format!("{id}12") } else { id };
                assert!(is_theme_id(&id), "{id} in {}", entry.path().display());
                seen += 1;
            }
        }
        assert!(seen > 20, "found only {seen} ids");
    }
}
