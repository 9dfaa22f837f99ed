//! OSV `affected[]` versions → `[[affected]]` entries. Each interval of a SEMVER or
//! ECOSYSTEM range (an `introduced` event up to the next `fixed`, `last_affected` or
//! `limit`) is one entry (a release train): its range as a `vers` URI in the package's
//! scheme (`vers:cargo/>=0.12.0|<0.12.1`) and the `fixed` version as the first fixed
//! version. A package whose ranges give nothing lists its affected `versions[]` one entry
//! each. GIT ranges (commits) have no home in the model and are reported.
//!
//! Events are read in the order the record writes them: OSV producers write them sorted,
//! and sorting them here would need every ecosystem's version order.

use serde::Serialize;
use serde_json::Value;

use super::super::reader::Reader;
use super::packages::Package;
use crate::model::versions::check_vers;

/// One `[[affected]]` entry (status `known_affected`, the default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(super) struct Entry {
    pub product: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versions: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
}

/// How an interval ends.
#[derive(Clone, Copy)]
enum End {
    Fixed,
    LastAffected,
    Limit,
}

/// One interval of a range's events, with the pointers of the events it was read from.
#[derive(Default)]
struct Interval<'a> {
    introduced: Option<&'a str>,
    end: Option<(End, &'a str)>,
    events: Vec<String>,
}

/// Every package's entries, in the order of `affected[]`, without duplicates.
pub(super) fn entries(r: &mut Reader<'_>, packages: &[Option<Package>]) -> Vec<Entry> {
    let mut out = Vec::new();
    for (i, package) in packages.iter().enumerate() {
        let at = format!("/affected/{i}");
        let Some(package) = package else {
            continue;
        };
        let before = out.len();
        let mut from_ranges = false;
        for j in 0..r.len(&format!("{at}/ranges")) {
            for entry in range(r, package, &format!("{at}/ranges/{j}")) {
                from_ranges = true;
                push_new(&mut out, entry);
            }
        }
        let versions = format!("{at}/versions");
        if from_ranges {
            r.explain(
                &versions,
                "the affected versions one by one: the ranges hold them",
            );
            continue;
        }
        for k in 0..r.len(&versions) {
            if let Some(v) = r.str(&format!("{versions}/{k}")) {
                push_new(
                    &mut out,
                    Entry {
                        product: package.catalog_id.clone(),
                        versions: None,
                        version: Some(v.to_string()),
                        fixed: None,
                    },
                );
            }
        }
        if r.peek(&versions)
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
        {
            r.take_all(&versions);
        }
        if out.len() == before && !out.iter().any(|e| e.product == package.catalog_id) {
            unexpressed(r, &at);
        }
    }
    out
}

/// A package none of whose versions psirt-site can express is not a product of the
/// advisory: its name is reported with the rest.
fn unexpressed(r: &mut Reader<'_>, at: &str) {
    for key in ["ecosystem", "name", "purl"] {
        r.unuse(&format!("{at}/package/{key}"));
    }
    r.explain(
        &format!("{at}/package"),
        "the package has no affected version psirt-site can express",
    );
}

/// A fix the record states: `vendor_fix` for a package all of whose intervals end in a
/// `fixed` version (none where one interval has no fix: the remediation would be wrong
/// for it).
#[derive(Serialize)]
pub(super) struct Remediation {
    category: &'static str,
    details: String,
    products: Vec<String>,
}

pub(super) fn remediations(
    entries: &[Entry],
    names: &[super::super::products::CatalogEntry],
) -> Vec<Remediation> {
    let mut out = Vec::new();
    for product in names {
        let own: Vec<&Entry> = entries.iter().filter(|e| e.product == product.id).collect();
        let fixes: Vec<&str> = own.iter().filter_map(|e| e.fixed.as_deref()).collect();
        if own.is_empty() || fixes.len() != own.len() {
            continue;
        }
        out.push(Remediation {
            category: "vendor_fix",
            details: format!(
                "Update {} to a fixed version: {}.",
                product.name,
                fixes.join(", ")
            ),
            products: vec![product.id.clone()],
        });
    }
    out
}

fn push_new(out: &mut Vec<Entry>, entry: Entry) {
    if !out.contains(&entry) {
        out.push(entry);
    }
}

/// The entries of one range; a range psirt-site cannot write is reported as a whole.
fn range(r: &mut Reader<'_>, package: &Package, at: &str) -> Vec<Entry> {
    let kind = r
        .peek(&format!("{at}/type"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let scheme = match (kind, package.scheme) {
        ("GIT", _) => {
            r.explain(
                at,
                "GIT ranges (commits of a repository) have no home in psirt-site's model",
            );
            return Vec::new();
        }
        (_, Some(scheme)) => scheme,
        ("SEMVER", None) => "semver",
        _ => {
            let why = format!(
                "the ecosystem `{}` has no `vers` scheme psirt-site writes",
                package.ecosystem
            );
            r.explain(at, &why);
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for interval in intervals(r, at) {
        let Some(entry) = entry(package, scheme, kind == "SEMVER", &interval) else {
            r.explain(
                at,
                "a version `vers` cannot hold (a space, comparator, `|` or `*` in it)",
            );
            continue;
        };
        for pointer in &interval.events {
            r.str(pointer);
        }
        r.str(&format!("{at}/type"));
        out.push(entry);
    }
    out
}

/// The intervals of a range's events; an event that opens or closes nothing (a `fixed`
/// without an `introduced` before it) is reported.
fn intervals<'a>(r: &mut Reader<'a>, at: &str) -> Vec<Interval<'a>> {
    let mut out = Vec::new();
    let mut open: Option<Interval<'a>> = None;
    for k in 0..r.len(&format!("{at}/events")) {
        let event = format!("{at}/events/{k}");
        let Some((kind, value)) = ["introduced", "fixed", "last_affected", "limit"]
            .into_iter()
            .find_map(|kind| Some((kind, r.peek(&format!("{event}/{kind}"))?.as_str()?)))
        else {
            continue;
        };
        let pointer = format!("{event}/{kind}");
        let end = match kind {
            "fixed" => End::Fixed,
            "last_affected" => End::LastAffected,
            "limit" => End::Limit,
            _ => {
                // A second `introduced` while one is open: the open one has no end.
                out.extend(open.take());
                open = Some(Interval {
                    introduced: Some(value),
                    end: None,
                    events: vec![pointer],
                });
                continue;
            }
        };
        match open.take() {
            Some(mut interval) => {
                interval.end = Some((end, value));
                interval.events.push(pointer);
                out.push(interval);
            }
            None => r.explain(
                &event,
                "it ends no interval: no `introduced` event comes before it",
            ),
        }
    }
    out.extend(open);
    out
}

/// The entry of one interval: `introduced` `0` (and SemVer's smallest version `0.0.0-0`,
/// which RustSec writes) means from the first version on.
fn entry(package: &Package, scheme: &str, semver: bool, interval: &Interval<'_>) -> Option<Entry> {
    let from_start = |v: &str| v == "0" || (semver && v == "0.0.0-0");
    let versions = interval
        .introduced
        .into_iter()
        .chain(interval.end.map(|(_, v)| v));
    if !versions.into_iter().all(plain_version) {
        return None;
    }
    let mut constraints = Vec::new();
    if let Some(v) = interval.introduced.filter(|v| !from_start(v)) {
        constraints.push(format!(">={v}"));
    }
    let fixed = match interval.end {
        Some((End::Fixed, v)) => {
            constraints.push(format!("<{v}"));
            Some(v.to_string())
        }
        Some((End::Limit, v)) => {
            constraints.push(format!("<{v}"));
            None
        }
        Some((End::LastAffected, v)) => {
            constraints.push(format!("<={v}"));
            None
        }
        None => None,
    };
    let range = if constraints.is_empty() {
        format!("vers:{scheme}/*")
    } else {
        format!("vers:{scheme}/{}", constraints.join("|"))
    };
    check_vers(&range).ok()?;
    Some(Entry {
        product: package.catalog_id.clone(),
        versions: Some(range),
        version: None,
        fixed,
    })
}

/// A version a `vers` constraint can hold as it is: no separator, comparator, wildcard,
/// space or control character (`1.0.0|<0` would smuggle in a constraint of its own).
fn plain_version(v: &str) -> bool {
    !v.is_empty()
        && !v.chars().any(|c| {
            matches!(c, '|' | '<' | '>' | '=' | '!' | '*' | ',') || c.is_whitespace() || c.is_control()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cargo() -> Package {
        Package {
            catalog_id: "cargo-x".into(),
            ecosystem: "crates.io".into(),
            scheme: Some("cargo"),
        }
    }

    fn ranges_of(events: Value) -> (Vec<Entry>, Vec<String>) {
        let doc = json!({"affected": [{"ranges": [{"type": "SEMVER", "events": events}]}]});
        let mut r = Reader::new(&doc);
        let out = entries(&mut r, &[Some(cargo())]);
        let lost = r.lost().into_iter().map(|l| l.pointer).collect();
        (out, lost)
    }

    #[test]
    fn each_interval_is_a_release_train_with_its_fix() {
        let (out, lost) = ranges_of(json!([
            {"introduced": "0.0.0-0"}, {"fixed": "0.11.6"}, {"introduced": "0.12.0"}, {"fixed": "0.12.1"}
        ]));
        let ranges: Vec<_> = out
            .iter()
            .map(|e| (e.versions.as_deref(), e.fixed.as_deref()))
            .collect();
        assert_eq!(
            ranges,
            [
                (Some("vers:cargo/<0.11.6"), Some("0.11.6")),
                (Some("vers:cargo/>=0.12.0|<0.12.1"), Some("0.12.1"))
            ]
        );
        assert!(lost.is_empty(), "{lost:?}");
    }

    #[test]
    fn open_and_last_affected_intervals_have_no_fix() {
        let (out, _) = ranges_of(json!([{"introduced": "0"}]));
        assert_eq!(out[0].versions.as_deref(), Some("vers:cargo/*"));
        let (out, _) = ranges_of(json!([{"introduced": "1.0"}, {"last_affected": "1.4"}]));
        assert_eq!(out[0].versions.as_deref(), Some("vers:cargo/>=1.0|<=1.4"));
        assert_eq!(out[0].fixed, None);
    }

    #[test]
    fn what_cannot_be_written_is_reported() {
        let (out, mut lost) = ranges_of(json!([{"introduced": "1 0"}, {"fixed": "2"}]));
        assert!(out.is_empty());
        lost.sort();
        assert_eq!(
            lost,
            [
                "/affected/0/ranges/0/events/0/introduced",
                "/affected/0/ranges/0/events/1/fixed",
                "/affected/0/ranges/0/type"
            ]
        );
    }
}
