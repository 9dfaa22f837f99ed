//! What an advisory is made of before it is written: the catalog, the people, and the
//! advisories' statements. Generating fills these (`advisory.rs`, `affected.rs`); writing
//! reads them (`front_matter.rs`, `body.rs`).

use crate::rng::Rng;
use crate::vocab::{FAMILIES, FIRST, LAST, ORGS, SCHEMES, SOFTWARE, SW_FAMILY, THIRD_PARTY};

pub(crate) struct Product {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) vendor: &'static str,
    pub(crate) family: &'static str,
    /// The current major release (own products).
    pub(crate) major: i64,
    pub(crate) scheme: Option<&'static str>,
    /// Index into `THIRD_PARTY` for a third-party component.
    pub(crate) third_party: Option<usize>,
    /// Indices of the platforms a component is part of.
    pub(crate) part_of: Vec<usize>,
}

/// What an `[[affected]]` entry says about its versions.
pub(crate) enum Versions {
    /// A range, `versions` (`>= 8.2.0, < 8.2.4`).
    Range(String),
    /// One version, `version` (`8.2.3`).
    One(String),
}

impl Versions {
    pub(crate) fn text(&self) -> &str {
        match self {
            Versions::Range(s) | Versions::One(s) => s,
        }
    }
}

/// An `[[affected]]` entry, with its product's id and name copied in.
pub(crate) struct Affected {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) versions: Option<Versions>,
    pub(crate) fixed: Option<String>,
    /// The status as written; `fixed` for a fixed-only statement (written without `status`).
    pub(crate) status: &'static str,
    /// A component's platform: (product id, product name).
    pub(crate) platform: Option<(String, String)>,
    pub(crate) justification: Option<&'static str>,
    pub(crate) impact: Option<String>,
    /// Limits the statement to one vulnerability (an index into the advisory's `vulns`).
    pub(crate) only: Option<usize>,
}

impl Affected {
    pub(crate) fn new(
        p: &Product,
        versions: Option<Versions>,
        fixed: Option<String>,
        status: &'static str,
    ) -> Self {
        Affected {
            id: p.id.clone(),
            name: p.name.clone(),
            versions,
            fixed,
            status,
            platform: None,
            justification: None,
            impact: None,
            only: None,
        }
    }

    /// Whether the vulnerabilities concern it (it gets scores and remediations).
    pub(crate) fn vulnerable(&self) -> bool {
        matches!(self.status, "known_affected" | "under_investigation")
    }

    /// The name of what users run: the platform for a component on one.
    pub(crate) fn shown_name(&self) -> &str {
        self.platform.as_ref().map_or(&self.name, |(_, name)| name)
    }
}

pub(crate) struct Vuln {
    pub(crate) cve: String,
    pub(crate) cwe: usize,
    pub(crate) component: &'static str,
    pub(crate) v3: String,
    pub(crate) v4: Option<String>,
    /// Indices into the advisory's `affected` (vulnerable entries); `subset` when not all.
    pub(crate) products: Vec<usize>,
    pub(crate) subset: bool,
    pub(crate) discovered: i64,
    /// The vendor's bug id (`FXOS-41187`).
    pub(crate) bug: Option<String>,
    /// Knowledge-base article number, for a per-vulnerability reference.
    pub(crate) kb: Option<u32>,
    /// Exploited in the wild: the details and since when.
    pub(crate) exploited: Option<(String, i64)>,
    /// An `impact` threat.
    pub(crate) threat: bool,
}

/// What kind of document an advisory is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The vendor's own products, some in several release trains.
    Ordinary,
    /// A third-party component on the vendor's appliances.
    Component(usize),
    /// A `csaf_vex` statement about a third-party vulnerability.
    Vex(Option<usize>),
}

pub(crate) struct Advisory {
    pub(crate) id: String,
    pub(crate) kind: Kind,
    pub(crate) published: i64,
    pub(crate) status: &'static str,
    pub(crate) tlp: &'static str,
    pub(crate) revisions: Vec<i64>,
    pub(crate) affected: Vec<Affected>,
    pub(crate) vulns: Vec<Vuln>,
    /// Researcher indices per acknowledgment; an empty list is an anonymous credit.
    pub(crate) acks: Vec<Vec<usize>>,
    pub(crate) vendor_severity: Option<&'static str>,
}

pub(crate) type People = [(String, Option<&'static str>)];

/// 50 own products in six families, then the third-party components.
pub(crate) fn products() -> Vec<Product> {
    let mut out: Vec<Product> = Vec::new();
    let mut add = |id: String, name: String, family| {
        let major = 2 + (out.len() as i64 * 7) % 9;
        let scheme = SCHEMES.iter().find(|(f, _)| *f == family).and_then(|(_, s)| *s);
        out.push(Product {
            id,
            name,
            vendor: "Acme Networks",
            family,
            major,
            scheme,
            third_party: None,
            part_of: Vec::new(),
        });
    };
    for &(family, prefix, name, letters, n) in FAMILIES {
        for model in (1..=n).map(|i| format!("{letters}{}", i * 100)) {
            let id = format!("{prefix}-{}", model.to_lowercase());
            add(id, format!("Acme {name} {model}"), family);
        }
    }
    for &(id, name) in SOFTWARE {
        add(id.to_string(), format!("Acme {name}"), SW_FAMILY);
    }
    for (i, t) in THIRD_PARTY.iter().enumerate() {
        let part_of = (0..out.len())
            .filter(|p| t.families.contains(&out[*p].family))
            .collect();
        out.push(Product {
            id: t.id.to_string(),
            name: t.name.to_string(),
            vendor: t.vendor,
            family: "",
            major: 0,
            scheme: Some(t.scheme),
            third_party: Some(i),
            part_of,
        });
    }
    out
}

/// 300 distinct researchers, 60 % with an organization.
pub(crate) fn researchers(rng: &mut Rng) -> Vec<(String, Option<&'static str>)> {
    let first: Vec<&str> = FIRST.split_whitespace().collect();
    let last: Vec<&str> = LAST.split_whitespace().collect();
    let mut out: Vec<(String, Option<&'static str>)> = Vec::new();
    while out.len() < 300 {
        let name = format!("{} {}", rng.pick(&first), rng.pick(&last));
        let org = rng.percent(60).then(|| *rng.pick(ORGS));
        if !out.iter().any(|(n, _)| *n == name) {
            out.push((name, org));
        }
    }
    out
}
