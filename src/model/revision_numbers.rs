//! Revision numbers the publisher gives (`[[revisions]] number = "1.0.1"`). CSAF allows
//! integer versioning (`1`, `2`, …) and semantic versioning (`1.0.0`, `1.0.1`, …); psirt-site
//! numbers revisions 1, 2, … unless every revision gives its number. Given numbers must follow
//! what CSAF's mandatory tests ask of a revision history: one scheme (6.1.30), each number
//! once and greater than the one before (6.1.14, 6.1.22).

use std::cmp::Ordering;

use super::build::Builder;
use super::raw::RawRevision;
use crate::diag::Code;

/// A revision number, read: integer versioning, or semantic versioning's core numbers and
/// pre-release identifiers (build metadata plays no part in precedence).
#[derive(Debug, PartialEq, Eq)]
enum Number {
    Integer(u64),
    Semantic { core: [u64; 3], pre: Vec<String> },
}

impl Number {
    fn parse(s: &str) -> Option<Number> {
        if let Some(n) = integer(s) {
            return Some(Number::Integer(n));
        }
        let (version, build) = s.split_once('+').map_or((s, None), |(v, b)| (v, Some(b)));
        if build.is_some_and(|b| !identifiers(b, false)) {
            return None;
        }
        let (core, pre) = version
            .split_once('-')
            .map_or((version, None), |(c, p)| (c, Some(p)));
        if pre.is_some_and(|p| !identifiers(p, true)) {
            return None;
        }
        let parts: Vec<u64> = core.split('.').map(integer).collect::<Option<_>>()?;
        let core: [u64; 3] = parts.try_into().ok()?;
        let pre = pre.map_or_else(Vec::new, |p| p.split('.').map(str::to_string).collect());
        Some(Number::Semantic { core, pre })
    }

    /// Semantic versioning's precedence; `None` between the two schemes.
    fn compare(&self, other: &Number) -> Option<Ordering> {
        match (self, other) {
            (Number::Integer(a), Number::Integer(b)) => Some(a.cmp(b)),
            (Number::Semantic { core: a, pre: pa }, Number::Semantic { core: b, pre: pb }) => {
                Some(a.cmp(b).then_with(|| pre_release_order(pa, pb)))
            }
            _ => None,
        }
    }
}

/// A number without sign or leading zero (`0`, `17`).
fn integer(s: &str) -> Option<u64> {
    let digits = !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits && (s == "0" || !s.starts_with('0')))
        .then(|| s.parse().ok())
        .flatten()
}

/// Dot-separated identifiers of `[0-9A-Za-z-]`; numeric pre-release ones without a leading zero.
fn identifiers(s: &str, pre_release: bool) -> bool {
    s.split('.').all(|id| {
        let chars = !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        let numeric = id.bytes().all(|b| b.is_ascii_digit());
        chars && !(pre_release && numeric && integer(id).is_none())
    })
}

/// A version without pre-release identifiers ranks above one with them; otherwise the
/// identifiers compare one by one (numeric ones as numbers, below alphanumeric ones).
fn pre_release_order(a: &[String], b: &[String]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    for (x, y) in a.iter().zip(b) {
        let order = match (integer(x), integer(y)) {
            (Some(m), Some(n)) => m.cmp(&n),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => x.cmp(y),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

impl Builder<'_> {
    /// The revisions' own numbers, checked, in order; `None` where psirt-site numbers them.
    pub(super) fn revision_numbers(&mut self, revisions: &[RawRevision]) -> Option<Vec<String>> {
        let given = revisions.iter().filter(|r| r.number.is_some()).count();
        if given == 0 {
            return None;
        }
        let mut ok = true;
        let mut previous: Option<Number> = None;
        for r in revisions {
            let Some(n) = &r.number else {
                self.error(
                    Code::RevisionNumber,
                    &r.date,
                    "this revision has no `number`, but others of the advisory have one".into(),
                    "give every revision its `number`, or none (psirt-site then numbers them 1, 2, …)",
                );
                ok = false;
                continue;
            };
            let Some(number) = Number::parse(n.get_ref()) else {
                self.error(
                    Code::RevisionNumber,
                    n,
                    format!("`{}` is neither an integer nor a semantic version", n.get_ref()),
                    "write an integer without leading zeros (`2`) or a semantic version (`1.0.1`)",
                );
                ok = false;
                continue;
            };
            if let Some(p) = &previous {
                let (msg, help) = match p.compare(&number) {
                    None => (
                        "integer and semantic versioning mixed in one revision history",
                        "number every revision in one scheme (CSAF test 6.1.30)",
                    ),
                    Some(Ordering::Less) => ("", ""),
                    Some(_) => (
                        "this revision's number is not greater than the one before it",
                        "number revisions in increasing order, each number once (CSAF tests 6.1.14, 6.1.22)",
                    ),
                };
                if !msg.is_empty() {
                    self.error(Code::RevisionNumber, n, msg.into(), help);
                    ok = false;
                }
            }
            previous = Some(number);
        }
        ok.then(|| {
            revisions
                .iter()
                .filter_map(|r| r.number.as_ref())
                .map(|n| n.get_ref().clone())
                .collect()
        })
    }
}

/// The number after `last` in its scheme, for a revision psirt-site adds (the withdrawal):
/// the next integer, or the next major version.
pub fn next_number(last: &str) -> String {
    match Number::parse(last) {
        Some(Number::Integer(n)) => n.saturating_add(1).to_string(),
        Some(Number::Semantic { core, .. }) => format!("{}.0.0", core[0].saturating_add(1)),
        None => last.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semantic_versions_compare_by_precedence() {
        let n = |s: &str| Number::parse(s).unwrap_or_else(|| panic!("{s}"));
        let order = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0",
            "1.0.1",
            "1.2.0",
            "10.0.0",
        ];
        for pair in order.windows(2) {
            assert_eq!(n(pair[0]).compare(&n(pair[1])), Some(Ordering::Less), "{pair:?}");
        }
        assert_eq!(n("2").compare(&n("10")), Some(Ordering::Less));
        assert_eq!(n("1").compare(&n("1.0.0")), None);
        for bad in ["01", "1.0", "1.0.0-01", "1.0.0-", "v1", "", "1.0.0+"] {
            assert_eq!(Number::parse(bad), None, "{bad}");
        }
        assert_eq!(next_number("3"), "4");
        assert_eq!(next_number("1.0.1"), "2.0.0");
    }
}
