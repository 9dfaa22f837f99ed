//! The acknowledgments hall of fame: everyone credited in a published advisory or in
//! `content/acknowledgments.toml`, grouped by year, one entry per person.
//!
//! Sources are only `site.advisories` (which the publication gate has already filtered)
//! and `site.extra_credits`, so an embargoed advisory can never leak a researcher's name.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::page::page;
use super::{EmitOptions, OutputFile};
use crate::diag::Diagnostic;
use crate::routes::{self, advisory_path};
use crate::site::Site;
use crate::theme::Theme;
pub use crate::view::{Common, CreditView, ResearcherView, YearView};
use crate::view::{HallContext, root_path};

const ANONYMOUS: &str = "Anonymous researcher";

/// The identity of a credited name: Unicode-lowercased, inner whitespace collapsed to one
/// space, trimmed. "Jane Doe" and " jane  DOE " are the same person.
pub fn person_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// One credited party from one source (advisory or extra credit).
#[derive(Debug, Clone)]
pub struct Credit {
    pub year: i16,
    /// `None` for an anonymous credit.
    pub name: Option<String>,
    pub organization: Option<String>,
    pub url: Option<String>,
    /// Which advisory or extra credit this came from: a name credited twice by the same
    /// source counts once.
    pub source: String,
    pub credit: CreditView,
    /// [`person_key`] of `name` (empty when anonymous), worked out once with the credit.
    pub person: String,
}

impl Credit {
    fn new(year: i16, who: Who, url: Option<String>, source: String, credit: CreditView) -> Credit {
        Credit {
            year,
            person: who.name.as_deref().map(person_key).unwrap_or_default(),
            name: who.name,
            organization: who.organization,
            url,
            source,
            credit,
        }
    }
}

/// One party an acknowledgment credits; `name` is `None` for an anonymous researcher.
#[derive(Debug, PartialEq, Eq)]
struct Who {
    name: Option<String>,
    organization: Option<String>,
}

/// What one acknowledgment credits: each name, else the organization, else (anonymous)
/// one unnamed researcher. An entry with none of these credits no one.
fn credited(names: &[String], organization: Option<&str>, anonymous: bool) -> Vec<Who> {
    let organization = organization.map(str::trim).filter(|o| !o.is_empty());
    if anonymous {
        // The organization is dropped too: it could identify someone who asked not to be.
        return vec![Who {
            name: None,
            organization: None,
        }];
    }
    let names: Vec<Who> = names
        .iter()
        .filter(|n| !person_key(n).is_empty())
        .map(|n| Who {
            // Inner whitespace collapsed: HTML would show it as one space anyway, and
            // "Jane  Doe" should count as the spelling "Jane Doe".
            name: Some(n.split_whitespace().collect::<Vec<_>>().join(" ")),
            organization: organization.map(str::to_string),
        })
        .collect();
    match (names.is_empty(), organization) {
        (false, _) => names,
        (true, Some(org)) => vec![Who {
            name: Some(org.to_string()),
            organization: None,
        }],
        (true, None) => Vec::new(),
    }
}

fn year_of(ts: Timestamp) -> i16 {
    ts.to_zoned(TimeZone::UTC).year()
}

/// Every credit of the site in a fixed order: advisories as the site lists them (newest
/// first), then extra credits newest first. "First seen" tie-breaks follow this order.
pub fn collect(site: &Site) -> Vec<Credit> {
    let root = root_path(site.config.base());
    let mut out: Vec<Credit> = site
        .advisories
        .iter()
        .flat_map(|a| advisory_credits(&root, a))
        .collect();
    out.extend(extra_credits(site));
    out
}

/// One advisory's credits, in the order of its acknowledgments (`root`: the site's root
/// path, for the link to the advisory's page). `serve` keeps them with the advisory
/// (`emit::derived`).
pub fn advisory_credits(root: &str, a: &crate::model::Advisory) -> Vec<Credit> {
    let credit = CreditView {
        label: format!("{}: {}", a.id, a.title),
        url: Some(format!("{root}{}", advisory_path(a.id.as_str()))),
        summary: None,
    };
    let mut out = Vec::new();
    for ack in &a.acknowledgments {
        for who in credited(&ack.names, ack.organization.as_deref(), ack.anonymous) {
            let view = CreditView {
                summary: ack.summary.clone(),
                ..credit.clone()
            };
            out.push(Credit::new(
                a.year(),
                who,
                ack.url.clone(),
                a.id.to_string(),
                view,
            ));
        }
    }
    out
}

/// The credits of `content/acknowledgments.toml`, newest first.
pub fn extra_credits(site: &Site) -> Vec<Credit> {
    let mut extra: Vec<(usize, _)> = site.extra_credits.iter().enumerate().collect();
    extra.sort_by(|(i, x), (j, y)| y.date.cmp(&x.date).then(i.cmp(j)));
    let mut out = Vec::new();
    for (i, c) in extra {
        for who in credited(&c.names, c.organization.as_deref(), c.anonymous) {
            let view = CreditView {
                label: c.summary.clone(),
                url: None,
                summary: None,
            };
            let source = format!("acknowledgments.toml#{i}");
            out.push(Credit::new(year_of(c.date), who, c.url.clone(), source, view));
        }
    }
    out
}

/// Counts values in first-seen order and picks the most frequent (ties: first seen).
#[derive(Debug, Default)]
struct Tally<'c>(Vec<(&'c str, usize)>);

impl<'c> Tally<'c> {
    fn add(&mut self, value: Option<&'c str>) {
        let Some(v) = value else { return };
        match self.0.iter_mut().find(|(x, _)| *x == v) {
            Some((_, n)) => *n += 1,
            None => self.0.push((v, 1)),
        }
    }

    fn best(&self) -> Option<String> {
        let mut best: Option<&(&str, usize)> = None;
        for entry in &self.0 {
            if best.is_none_or(|b| entry.1 > b.1) {
                best = Some(entry);
            }
        }
        best.map(|(v, _)| v.to_string())
    }
}

#[derive(Debug, Default)]
struct Person<'c> {
    spellings: Tally<'c>,
    organizations: Tally<'c>,
    urls: Tally<'c>,
    sources: BTreeSet<&'c str>,
    by_year: BTreeMap<i16, Vec<CreditView>>,
}

/// The hall: years newest first, researchers by name (case-insensitive), and the number of
/// distinct named researchers.
pub fn aggregate<'c>(credits: impl IntoIterator<Item = &'c Credit>) -> (Vec<YearView>, usize) {
    // By person key; the order people are met in does not matter: each year's researchers
    // are sorted by name below, and two people never share a name there (the name is a
    // spelling of the key).
    let mut people: crate::hash::HashMap<&'c str, Person<'c>> = crate::hash::HashMap::default();
    let mut years: BTreeMap<i16, Vec<ResearcherView>> = BTreeMap::new();
    for c in credits {
        let Some(name) = c.name.as_deref() else {
            // Anonymous credits are never merged: two of them may be two people.
            years.entry(c.year).or_default().push(ResearcherView {
                name: ANONYMOUS.into(),
                organization: None,
                url: None,
                anonymous: true,
                count: 1,
                total: 1,
                credits: vec![c.credit.clone()],
            });
            continue;
        };
        let person = people.entry(c.person.as_str()).or_default();
        if !person.sources.insert(c.source.as_str()) {
            continue;
        }
        person.spellings.add(Some(name));
        person.organizations.add(c.organization.as_deref());
        person.urls.add(c.url.as_deref());
        person.by_year.entry(c.year).or_default().push(c.credit.clone());
    }
    let total = people.len();
    for person in people.into_values() {
        let total = person.by_year.values().map(Vec::len).sum();
        let name = person.spellings.best().unwrap_or_default();
        for (year, credits) in person.by_year {
            years.entry(year).or_default().push(ResearcherView {
                name: name.clone(),
                organization: person.organizations.best(),
                url: person.urls.best(),
                anonymous: false,
                count: credits.len(),
                total,
                credits,
            });
        }
    }
    let years = years
        .into_iter()
        .rev()
        .map(|(year, mut researchers)| {
            // Stable sort: equal names (anonymous entries) keep their first-seen order.
            researchers.sort_by_cached_key(|r| (r.name.to_lowercase(), r.name.clone()));
            YearView { year, researchers }
        })
        .collect();
    (years, total)
}

/// The key of the hall of fame: the advisory context (site.toml, the shared page values,
/// the theme, the flags, the version: `emit::reuse::advisory_context`) and everything
/// [`collect`] reads: each advisory with acknowledgments, in site order, by id, title, year
/// and acknowledgments (`advisories`: each one's [`advisory_digest`]), and every extra
/// credit. An edit of an advisory's body, or of one that credits no one, keeps the page.
pub fn key<'k>(
    site: &Site,
    context: &crate::digest::Key,
    advisories: impl IntoIterator<Item = &'k crate::digest::Key>,
) -> crate::digest::Key {
    let mut h = crate::digest::Hasher::default();
    h.part(b"hall of fame").part(context);
    for digest in advisories {
        h.part(digest);
    }
    for c in &site.extra_credits {
        h.part(b"extra credit");
        hash_credit(&mut h, Party::from(c));
        h.part(c.summary.as_bytes())
            .part(&c.date.as_nanosecond().to_le_bytes());
    }
    h.finish()
}

/// What the hall's [`key`] takes of one advisory (`advisories`, in site order): its id,
/// title, year and acknowledgments; `None` when it credits no one.
pub fn advisory_digest(a: &crate::model::Advisory) -> Option<crate::digest::Key> {
    if a.acknowledgments.is_empty() {
        return None;
    }
    let mut h = crate::digest::Hasher::default();
    h.part(a.id.as_str().as_bytes())
        .part(a.title.as_bytes())
        .part(&a.year().to_le_bytes());
    for ack in &a.acknowledgments {
        h.part(b"acknowledgment");
        hash_credit(&mut h, Party::from(ack));
        h.optional(ack.summary.as_deref().map(str::as_bytes));
    }
    Some(h.finish())
}

/// Who an acknowledgment or an extra credit credits, as the hall's [`key`] reads it.
struct Party<'a> {
    names: &'a [String],
    organization: Option<&'a str>,
    url: Option<&'a str>,
    anonymous: bool,
}

impl<'a> From<&'a crate::model::advisory::Acknowledgment> for Party<'a> {
    fn from(a: &'a crate::model::advisory::Acknowledgment) -> Self {
        Party {
            names: &a.names,
            organization: a.organization.as_deref(),
            url: a.url.as_deref(),
            anonymous: a.anonymous,
        }
    }
}

impl<'a> From<&'a crate::model::acknowledgments::ExtraCredit> for Party<'a> {
    fn from(c: &'a crate::model::acknowledgments::ExtraCredit) -> Self {
        Party {
            names: &c.names,
            organization: c.organization.as_deref(),
            url: c.url.as_deref(),
            anonymous: c.anonymous,
        }
    }
}

/// What [`key`] takes of one acknowledgment or extra credit besides its summary and date.
fn hash_credit(h: &mut crate::digest::Hasher, party: Party<'_>) {
    h.part(&party.names.len().to_le_bytes());
    for n in party.names {
        h.part(n.as_bytes());
    }
    h.optional(party.organization.map(str::as_bytes))
        .optional(party.url.map(str::as_bytes))
        .part(&[u8::from(party.anonymous)]);
}

/// The hall of fame page, of `credits` (in [`collect`]'s order).
pub fn emit<'c>(
    site: &Site,
    theme: &Theme,
    opts: EmitOptions,
    credits: impl IntoIterator<Item = &'c Credit>,
) -> Result<OutputFile, Diagnostic> {
    let (years, total_researchers) = aggregate(credits);
    let ctx = HallContext {
        common: Common::new(
            site,
            opts,
            "acknowledgments",
            "Acknowledgments",
            routes::ACKNOWLEDGMENTS,
        )
        .describe("Researchers who reported vulnerabilities to us through coordinated disclosure."),
        years,
        total_researchers,
    };
    page(
        theme,
        "acknowledgments.html",
        &ctx,
        routes::ACKNOWLEDGMENTS,
        "rendering the acknowledgments page",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credit(year: i16, name: Option<&str>, source: &str) -> Credit {
        Credit {
            year,
            name: name.map(str::to_string),
            organization: None,
            url: None,
            source: source.into(),
            credit: CreditView {
                label: source.into(),
                url: None,
                summary: None,
            },
            person: name.map(person_key).unwrap_or_default(),
        }
    }

    #[test]
    fn key_folds_case_and_whitespace() {
        assert_eq!(person_key("Jane Doe"), person_key("jane  doe"));
        assert_eq!(person_key(" JANE\tDoe\n"), "jane doe");
        assert_eq!(person_key("Ærø ÖSTERGÅRD"), "ærø östergård");
        assert_ne!(person_key("Jane Doe"), person_key("Jane Do"));
        assert_eq!(person_key("   "), "");
    }

    #[test]
    fn credited_parties() {
        let names = vec!["A".to_string(), "B".to_string()];
        assert_eq!(credited(&names, Some("Org"), false).len(), 2);
        let org = Who {
            name: Some("Org".into()),
            organization: None,
        };
        assert_eq!(credited(&[], Some("Org"), false), vec![org]);
        let anon = Who {
            name: None,
            organization: None,
        };
        assert_eq!(credited(&[], Some("Org"), true), vec![anon]);
        assert!(credited(&[], None, false).is_empty());
        assert!(credited(&[], Some("  "), false).is_empty());
    }

    #[test]
    fn merges_spellings_and_counts_across_years() {
        let credits = vec![
            credit(2026, Some("jane  doe"), "A-3"),
            credit(2025, Some("Jane Doe"), "A-2"),
            credit(2025, Some("Jane Doe"), "A-1"),
            credit(2025, Some("Jane Doe"), "A-1"),
            credit(2025, Some("bob"), "A-1"),
            credit(2025, None, "A-1"),
            credit(2025, None, "A-2"),
        ];
        let (years, total) = aggregate(&credits);
        assert_eq!(total, 2);
        assert_eq!(years.iter().map(|y| y.year).collect::<Vec<_>>(), [2026, 2025]);
        let jane26 = &years[0].researchers[0];
        assert_eq!(
            (
                jane26.name.as_str(),
                jane26.count,
                jane26.total,
                jane26.credits.len()
            ),
            ("Jane Doe", 1, 3, 1)
        );
        let names: Vec<_> = years[1].researchers.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["Anonymous researcher", "Anonymous researcher", "bob", "Jane Doe"]
        );
        assert_eq!(years[1].researchers[3].credits.len(), 2);
    }

    #[test]
    fn tally_prefers_frequent_then_first() {
        let mut t = Tally::default();
        t.add(Some("b"));
        t.add(Some("a"));
        t.add(None);
        assert_eq!(t.best().as_deref(), Some("b"));
        t.add(Some("a"));
        assert_eq!(t.best().as_deref(), Some("a"));
    }
}
