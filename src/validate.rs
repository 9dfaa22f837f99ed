//! Validate: checks across the assembled site that no single file can see.

pub mod links;

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic};
use crate::model::Advisory;
use crate::model::advisory::Revision;
use crate::site::Site;

/// Runs every site-level check. (The CSAF of held-back advisories is checked by
/// [`crate::emit::csaf::check_held_back`], next to the code that makes it.)
pub fn run(site: &Site) -> Vec<Diagnostic> {
    let held = &site.held;
    let mut diags = future_revisions(site);
    diags.extend(policy_sections(site));
    diags.extend(id_prefixes(site, held));
    // On every core: `serve` runs this on each rebuild, over every advisory.
    let latest = crate::model::time::utc_year(site.build_time).saturating_add(1);
    let years: Vec<Diagnostic> = site
        .advisories
        .par_iter()
        .chain(held.par_iter())
        .flat_map_iter(|a| cve_years(a, latest))
        .collect();
    diags.extend(years);
    diags
}

/// With `id_prefix` set, every advisory id (held-back ones too) starts with it and `-`.
fn id_prefixes(site: &Site, held: &[std::sync::Arc<crate::model::Advisory>]) -> Vec<Diagnostic> {
    let Some(prefix) = &site.config.id_prefix else {
        return Vec::new();
    };
    let prefix = prefix.get_ref();
    // A preview shows the held-back advisories among the others.
    let held = if site.mode == crate::site::Mode::Preview {
        &[]
    } else {
        held
    };
    site.advisories
        .iter()
        .chain(held)
        .filter(|a| !crate::config::has_id_prefix(a.id.as_str(), prefix))
        .map(|a| {
            Diagnostic::error(
                Code::IdPrefix,
                format!("advisory id `{}` does not start with `{prefix}-`", a.id.as_str()),
            )
            .at(&a.source, a.id_span.clone())
            .help(format!(
                "site.toml sets id_prefix = \"{prefix}\": name the advisory {prefix}-YYYY-NNNN \
                 (file name too), or change id_prefix"
            ))
        })
        .collect()
}

/// The year of a CVE id is the year it was reserved (ids for the coming year are reserved
/// late in the year at the earliest), so a year after the next is a typo (`CVE-2100-…`). A warning, not an
/// error: it depends on the build time, and a build with an old or placeholder
/// SOURCE_DATE_EPOCH (some packagers set 1980) must not fail on correct ids.
/// `latest`: the year after the build time's.
fn cve_years(a: &Advisory, latest: i16) -> Vec<Diagnostic> {
    a.vulnerabilities
        .iter()
        .filter_map(|v| Some((v.cve.as_ref()?, &v.cve_span)))
        .filter(|(cve, _)| cve.year() > latest)
        .map(|(cve, span)| {
            Diagnostic::warning(
                Code::InvalidCve,
                format!(
                    "{} has a year after {latest}: no such id can have been assigned yet",
                    cve.as_str()
                ),
            )
            .at(&a.source, span.clone())
            .help("check the year against the CVE record (cve.org)")
        })
        .collect()
}

/// A published advisory shows its whole current text at once: a revision (or withdrawal)
/// dated after the build time would publish that change, and its summary, early. Holding
/// back just the revision entry would not hold back the edited text, so it is an error.
fn future_revisions(site: &Site) -> Vec<Diagnostic> {
    let now = site.build_time;
    site.advisories
        .par_iter()
        .filter(|a| site.is_published(a))
        .flat_map_iter(|a| {
            a.revisions
                .iter()
                .filter(move |r| r.date > now)
                .map(move |r| future_revision(a, r, now))
        })
        .collect()
}

fn future_revision(a: &Advisory, r: &Revision, now: jiff::Timestamp) -> Diagnostic {
    // The withdrawal is appended as the last revision (model::build).
    let is_withdrawal = a.withdrawn.is_some() && a.revisions.last().is_some_and(|l| l.number == r.number);
    let what = if is_withdrawal {
        "the withdrawal".to_string()
    } else {
        format!("revision {}", r.number)
    };
    let msg = format!(
        "{what} of the published advisory `{}` is dated {}, after the build time ({now})",
        a.id, r.date
    );
    Diagnostic::error(Code::FutureDate, msg)
        .at(&a.source, r.date_span.clone())
        .help(
            "the advisory is public, so the change would go out now: date it at or before the \
             build time, or merge the change when it is due",
        )
}

/// What a disclosure policy should cover (ISO/IEC 29147 and the common VDP templates),
/// as keywords any of which may appear in a `##` heading.
const POLICY_TOPICS: &[(&str, &[&str])] = &[
    ("scope", &["scope"]),
    ("how to report", &["report", "submit", "contact us"]),
    ("encryption", &["encrypt", "pgp", "openpgp"]),
    (
        "response times",
        &["commitment", "response", "timeline", "what to expect", "process"],
    ),
    ("coordinated disclosure", &["disclosure", "embargo"]),
    (
        "safe harbor",
        &["safe harbor", "safe harbour", "legal", "authori"],
    ),
    ("credit", &["credit", "acknowledg", "recognition"]),
    ("CVE assignment", &["cve"]),
];

fn policy_sections(site: &Site) -> Vec<Diagnostic> {
    let Some(policy) = site.page("policy") else {
        return vec![
            Diagnostic::warning(
                Code::Policy,
                "the site has no disclosure policy (content/policy.md)",
            )
            .help("`psirt-site init` writes a complete default policy to start from"),
        ];
    };
    let headings: Vec<String> = policy.headings.iter().map(|h| h.to_lowercase()).collect();
    POLICY_TOPICS
        .iter()
        .filter(|(_, keys)| !headings.iter().any(|h| keys.iter().any(|k| h.contains(k))))
        .map(|(topic, _)| {
            Diagnostic::warning(
                Code::Policy,
                format!("the disclosure policy has no section on {topic}"),
            )
            .in_file(&policy.source)
            .help(format!(
                "add a `## ` section about {topic} (ISO/IEC 29147 recommends it)"
            ))
        })
        .collect()
}
