//! RustSec advisories (a ```` ```toml ```` front matter, then `# Title` and a Markdown
//! description) → the OSV JSON RustSec publishes for them, field by field:
//!
//! | RustSec | OSV |
//! |---|---|
//! | `advisory.id`, `aliases`, `related` | `id`, `aliases`, `related` |
//! | `advisory.date` (noon UTC), `withdrawn` | `published` and `modified`, `withdrawn` |
//! | title, description | `summary`, `details` |
//! | `advisory.cvss` | `severity[]` (`CVSS_V3` or `CVSS_V4`) and `affected[].database_specific.cvss` |
//! | `advisory.package` | `affected[0].package` (`crates.io`, `pkg:cargo/<name>`) |
//! | `versions.patched`, `versions.unaffected` | `affected[0].ranges[0]`: a SEMVER range whose events are the gaps between the unaffected and patched requirements (below) |
//! | `affected.functions` (names), `os`, `arch` | `affected[0].ecosystem_specific.affects` |
//! | `advisory.categories`, `informational` | `affected[0].database_specific` |
//! | `advisory.keywords`, `license` | `database_specific` (RustSec's OSV leaves keywords out; kept here so that they are counted) |
//! | the package, the advisory page, `url`, `references` | `references[]`: `PACKAGE`, `ADVISORY`, `WEB`, `WEB` |
//!
//! Ranges: each requirement (`>= 1.2.3, < 1.3.0`, `^0.9`, `= 0.12.0`, `<= 0.1.2`) is an
//! interval of SemVer versions; the affected versions are what no requirement covers. Each
//! gap starts with an `introduced` event (`0.0.0-0` at the start, as RustSec writes it) and
//! ends with a `fixed` event at the start of the next covered interval. An exclusive lower
//! or inclusive upper bound (`> 1.2.3`, `<= 1.2.3`) is moved to the next patch version
//! (`1.2.4`), the one approximation: OSV has no such events. Partial versions (`^0.9`) are
//! padded with zeros.

use std::cmp::Ordering;
use std::path::Path;

use serde_json::{Value, json};

/// A RustSec advisory with a CVSS 3 vector: (id, year, vector), for a rebuilt-field check.
pub(super) const WITH_CVSS_V3: (&str, &str, &str) = (
    "RUSTSEC-2020-0105",
    "2020",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
);

/// Every advisory below `root` as (id, OSV record), sorted by path.
pub(super) fn convert_all(root: &Path) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.expect("readable corpus");
        let name = entry.file_name().to_string_lossy();
        // Advisories of the Rust toolchain (`rust/std/`) are named by their CVE id.
        if !name.ends_with(".md") || name == "EXAMPLE_ADVISORY.md" {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).expect("read");
        match convert(&text) {
            Some(record) => out.push((record["id"].as_str().unwrap_or_default().to_string(), record)),
            None => panic!("cannot convert {}", entry.path().display()),
        }
    }
    out
}

/// One advisory's text → its OSV record.
pub(super) fn convert(text: &str) -> Option<Value> {
    let rest = text.strip_prefix("```toml\n")?;
    let (front, markdown) = rest.split_once("\n```\n")?;
    let front: toml::Table = toml::from_str(front).ok()?;
    let markdown = markdown.trim_start();
    let (title, details) = match markdown.strip_prefix("# ") {
        Some(t) => t.split_once('\n').unwrap_or((t, "")),
        None => ("", markdown),
    };
    let advisory = front.get("advisory")?.as_table()?;
    let s = |k: &str| advisory.get(k).and_then(toml::Value::as_str);
    let list = |t: Option<&toml::Table>, k: &str| -> Vec<String> {
        t.and_then(|t| t.get(k))
            .and_then(toml::Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    let id = s("id")?;
    let package = s("package")?;
    let time = |d: &str| format!("{d}T12:00:00Z");
    let date = time(s("date")?);
    let mut record = json!({
        "schema_version": "1.7.0",
        "id": id,
        "modified": date,
        "published": date,
        "aliases": list(Some(advisory), "aliases"),
        "related": list(Some(advisory), "related"),
        "summary": title.trim(),
        "details": details.trim(),
        "severity": severity(s("cvss")),
        "affected": [affected(&front, package)],
        "references": references(id, package, s("url"), list(Some(advisory), "references")),
        "database_specific": {
            "license": s("license").unwrap_or("CC0-1.0"),
            "keywords": list(Some(advisory), "keywords"),
        },
    });
    if let Some(w) = s("withdrawn") {
        record["withdrawn"] = json!(time(w));
        record["modified"] = json!(time(w));
    }
    Some(record)
}

fn severity(cvss: Option<&str>) -> Value {
    match cvss {
        Some(v) if v.starts_with("CVSS:4") => json!([{"type": "CVSS_V4", "score": v}]),
        Some(v) => json!([{"type": "CVSS_V3", "score": v}]),
        None => json!([]),
    }
}

fn affected(front: &toml::Table, package: &str) -> Value {
    let advisory = front.get("advisory").and_then(toml::Value::as_table);
    let versions = front.get("versions").and_then(toml::Value::as_table);
    let affected = front.get("affected").and_then(toml::Value::as_table);
    let strings = |t: Option<&toml::Table>, k: &str| -> Vec<String> {
        t.and_then(|t| t.get(k))
            .and_then(toml::Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    let functions: Vec<String> = affected
        .and_then(|a| a.get("functions"))
        .and_then(toml::Value::as_table)
        .map(|f| f.keys().cloned().collect())
        .unwrap_or_default();
    let covered: Vec<String> = strings(versions, "unaffected")
        .into_iter()
        .chain(strings(versions, "patched"))
        .collect();
    let informational = advisory
        .and_then(|a| a.get("informational"))
        .and_then(toml::Value::as_str);
    json!({
        "package": {"ecosystem": "crates.io", "name": package, "purl": format!("pkg:cargo/{package}")},
        "ecosystem_specific": {"affects": {
            "arch": strings(affected, "arch"),
            "os": strings(affected, "os"),
            "functions": functions,
        }},
        "database_specific": {
            "categories": strings(advisory, "categories"),
            "cvss": advisory.and_then(|a| a.get("cvss")).and_then(toml::Value::as_str),
            "informational": informational.map(str::trim),
        },
        "ranges": [{"type": "SEMVER", "events": events(&covered)}],
    })
}

fn references(id: &str, package: &str, url: Option<&str>, more: Vec<String>) -> Value {
    let mut out = vec![
        json!({"type": "PACKAGE", "url": format!("https://crates.io/crates/{package}")}),
        json!({"type": "ADVISORY", "url": format!("https://rustsec.org/advisories/{id}.html")}),
    ];
    out.extend(url.into_iter().map(|u| json!({"type": "WEB", "url": u})));
    out.extend(more.into_iter().map(|u| json!({"type": "WEB", "url": u})));
    Value::Array(out)
}

/// A SemVer version: numbers and a pre-release (compared as text, enough for RustSec's).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Version {
    numbers: [u64; 3],
    pre: String,
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        // A pre-release comes before its release.
        let pre = match (self.pre.is_empty(), other.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => self.pre.cmp(&other.pre),
        };
        self.numbers.cmp(&other.numbers).then(pre)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Version {
    /// `1.2` → 1.2.0; also how many numbers were written.
    fn parse(text: &str) -> Option<(Version, usize)> {
        let (core, pre) = text.trim().split_once('-').unwrap_or((text.trim(), ""));
        let parts: Vec<u64> = core.split('.').map(|n| n.parse().ok()).collect::<Option<_>>()?;
        if parts.is_empty() || parts.len() > 3 {
            return None;
        }
        let mut numbers = [0; 3];
        numbers[..parts.len()].copy_from_slice(&parts);
        let pre = pre.to_string();
        Some((Version { numbers, pre }, parts.len()))
    }

    fn bump(&self, at: usize) -> Version {
        let mut numbers = self.numbers;
        numbers[at] += 1;
        for n in numbers.iter_mut().skip(at + 1) {
            *n = 0;
        }
        Version {
            numbers,
            pre: String::new(),
        }
    }

    fn text(&self) -> String {
        let [a, b, c] = self.numbers;
        if self.pre.is_empty() {
            format!("{a}.{b}.{c}")
        } else {
            format!("{a}.{b}.{c}-{}", self.pre)
        }
    }
}

/// A point between versions: `(v, false)` is just before `v`, `(v, true)` just after it.
/// Intervals are `[start, end)` between such points; `None` is the start or end of all.
type Point = (Version, bool);

/// One requirement as an interval.
fn interval(requirement: &str) -> Option<(Option<Point>, Option<Point>)> {
    let (mut start, mut end): (Option<Point>, Option<Point>) = (None, None);
    for comparator in requirement.split(',') {
        let c = comparator.trim();
        let op_len = c.find(|ch: char| ch.is_ascii_digit()).unwrap_or(c.len());
        let (op, version) = c.split_at(op_len);
        let (v, written) = Version::parse(version)?;
        let caret_end = || match v.numbers {
            [0, 0, _] if written == 3 => v.bump(2),
            [0, _, _] if written >= 2 => v.bump(1),
            _ => v.bump(0),
        };
        let (lo, hi) = match op.trim() {
            ">=" => (Some((v.clone(), false)), None),
            ">" => (Some((v.clone(), true)), None),
            "<" => (None, Some((v.clone(), false))),
            "<=" => (None, Some((v.clone(), true))),
            "=" => (Some((v.clone(), false)), Some((v.clone(), true))),
            "~" => (
                Some((v.clone(), false)),
                Some((v.bump(if written >= 2 { 1 } else { 0 }), false)),
            ),
            "^" | "" => (Some((v.clone(), false)), Some((caret_end(), false))),
            _ => return None,
        };
        start = max_point(start, lo);
        end = min_point(end, hi);
    }
    Some((start, end))
}

fn max_point(a: Option<Point>, b: Option<Point>) -> Option<Point> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if point_cmp(&a, &b) == Ordering::Less { b } else { a }),
        (a, b) => a.or(b),
    }
}

fn min_point(a: Option<Point>, b: Option<Point>) -> Option<Point> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if point_cmp(&a, &b) == Ordering::Greater {
            b
        } else {
            a
        }),
        (a, b) => a.or(b),
    }
}

fn point_cmp(a: &Point, b: &Point) -> Ordering {
    a.0.cmp(&b.0).then(a.1.cmp(&b.1))
}

/// The version an event names for a point: just after `v` is the next patch version.
fn event_version(p: &Point) -> String {
    if p.1 { p.0.bump(2).text() } else { p.0.text() }
}

/// The SEMVER events of the versions no requirement covers.
fn events(covered: &[String]) -> Vec<Value> {
    let mut intervals: Vec<_> = covered.iter().filter_map(|r| interval(r)).collect();
    intervals.sort_by(|a, b| match (&a.0, &b.0) {
        (None, None) => Ordering::Equal,
        (None, _) => Ordering::Less,
        (_, None) => Ordering::Greater,
        (Some(x), Some(y)) => point_cmp(x, y),
    });
    let mut out = Vec::new();
    // Covered up to here; `Some(None)` is the start of all versions.
    let mut cursor: Option<Option<Point>> = Some(None);
    for (start, end) in intervals {
        let Some(covered_to) = cursor.clone() else {
            break;
        };
        let gap = match (&covered_to, &start) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(c), Some(s)) => point_cmp(c, s) == Ordering::Less,
        };
        if gap {
            let introduced = covered_to.as_ref().map_or("0.0.0-0".to_string(), event_version);
            out.push(json!({"introduced": introduced}));
            out.push(json!({"fixed": start.as_ref().map(event_version)}));
        }
        cursor = match (end, covered_to) {
            (None, _) => None,
            (Some(e), None) => Some(Some(e)),
            (Some(e), Some(c)) => Some(Some(if point_cmp(&e, &c) == Ordering::Greater {
                e
            } else {
                c
            })),
        };
    }
    if let Some(covered_to) = cursor {
        let introduced = covered_to.as_ref().map_or("0.0.0-0".to_string(), event_version);
        out.push(json!({"introduced": introduced}));
    }
    out
}

#[test]
fn ranges_are_the_gaps_between_the_covered_requirements() {
    let events_of =
        |reqs: &[&str]| -> Vec<Value> { events(&reqs.iter().map(|r| r.to_string()).collect::<Vec<_>>()) };
    assert_eq!(
        events_of(&[">= 0.11.6, < 0.12.0", ">= 0.12.1"]),
        [
            json!({"introduced": "0.0.0-0"}),
            json!({"fixed": "0.11.6"}),
            json!({"introduced": "0.12.0"}),
            json!({"fixed": "0.12.1"})
        ]
    );
    assert_eq!(
        events_of(&["<= 0.1.2", ">= 1.2.3, < 1.3.0", ">= 1.3.4"]),
        [
            json!({"introduced": "0.1.3"}),
            json!({"fixed": "1.2.3"}),
            json!({"introduced": "1.3.0"}),
            json!({"fixed": "1.3.4"})
        ]
    );
    assert_eq!(
        events_of(&["^0.9.1"]),
        [
            json!({"introduced": "0.0.0-0"}),
            json!({"fixed": "0.9.1"}),
            json!({"introduced": "0.10.0"})
        ]
    );
    assert_eq!(events_of(&[]), [json!({"introduced": "0.0.0-0"})]);
}
