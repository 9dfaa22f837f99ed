//! The vulnerabilities' product statuses → `[[affected]]` entries: one entry per leaf (or
//! component on a platform) and status, with the leaf's original `product_id`, limited to
//! the vulnerabilities it is stated for, with VEX justifications (flags) and impact
//! statements (threats) of products known not to be affected.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use super::products::{Leaf, Tree};
use super::reader::Reader;
use crate::model::versions::{AS_WRITTEN, RangeRead, read_range, to_vers};

/// One `[[affected]]` entry.
#[derive(Debug, Clone, Serialize)]
pub(super) struct AffectedEntry {
    pub product: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    versions: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    /// `none` where a comparison range is kept as written (`< 3.1.1.0`, not its `vers` form).
    #[serde(skip_serializing_if = "Option::is_none")]
    scheme: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    impact: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    relationship: Option<String>,
    #[serde(skip_serializing_if = "toml::Table::is_empty")]
    branches: toml::Table,
    #[serde(skip_serializing_if = "toml::Table::is_empty")]
    below_version: toml::Table,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    at_branch: bool,
    /// The product is named in another branch than the one of its entries before.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    new_branch: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    identification: Option<toml::Table>,
    product_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    vulnerabilities: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    platform_product_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    platform_name: Option<String>,
    /// The CSAF product id statuses name (`<platform>:<leaf>` for a component).
    #[serde(skip)]
    pub status_id: String,
    /// The vulnerabilities (by index) the entry is stated for.
    #[serde(skip)]
    pub scope: Vec<usize>,
}

/// The product statuses in CSAF, in the order import reads them.
const STATUSES: [&str; 8] = [
    "known_affected",
    "first_affected",
    "last_affected",
    "under_investigation",
    "fixed",
    "first_fixed",
    "recommended",
    "known_not_affected",
];

/// A statement about one leaf for one vulnerability.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Said {
    status: &'static str,
    justification: Option<String>,
    impact: Option<String>,
}

/// A leaf or a component on a platform: what statuses can name.
struct Unit<'t> {
    original: &'t str,
    leaf: &'t Leaf,
    platform: Option<(&'t str, &'t str)>,
    status_id: String,
    relation: Option<&'t super::products::Relation>,
}

/// Per unit: each statement made of it, with the vulnerabilities it is made for, in order.
type Statements = Vec<Vec<(Said, Vec<usize>)>>;

/// Every entry, in the order of the tree, then the relationships. `names` are how the
/// vulnerabilities are named in `vulnerabilities` (CVE, else title).
pub(super) fn entries(r: &mut Reader<'_>, tree: &Tree, names: &[String]) -> Vec<AffectedEntry> {
    let units = if !tree.product_id_order.is_entries() {
        // The lists are written sorted: the entries can follow the tree.
        in_tree_order(units(tree), tree)
    } else {
        in_order(r, units(tree), names.len())
    };
    let mut said = statements(r, &units, names.len());
    add_unstated(r, &units, &mut said, names.len());
    entries_of(r, tree, &units, said, names)
}

/// Per unit: each statement the product statuses make of it, with the vulnerabilities it is
/// made for, in order.
fn statements(r: &mut Reader<'_>, units: &[Unit<'_>], vulnerabilities: usize) -> Statements {
    let by_id: HashMap<&str, usize> = units.iter().enumerate().map(|(i, u)| (u.original, i)).collect();
    let mut said: Statements = vec![Vec::new(); units.len()];
    for v in 0..vulnerabilities {
        let reasons = Reasons::read(r, v);
        for status in STATUSES {
            let list = format!("/vulnerabilities/{v}/product_status/{status}");
            for i in 0..r.len(&list) {
                let at = format!("{list}/{i}");
                let Some(u) = r.peek(&at).and_then(Value::as_str).and_then(|id| by_id.get(id)) else {
                    r.explain(&at, "a product id the product tree does not define");
                    continue;
                };
                r.str(&at);
                let stmt = reasons.said(status, units[*u].original);
                match said[*u].iter_mut().find(|(s, _)| *s == stmt) {
                    Some((_, vulns)) if !vulns.contains(&v) => vulns.push(v),
                    Some(_) => {}
                    None => said[*u].push((stmt, vec![v])),
                }
            }
        }
    }
    said
}

/// Gives an `unstated` statement to each leaf that no status names but scores,
/// remediations or threats do, and to each version (or branch) leaf that nothing names but
/// the tree lists all the same: in the tree, in no status list.
fn add_unstated(r: &mut Reader<'_>, units: &[Unit<'_>], said: &mut Statements, vulnerabilities: usize) {
    let named_elsewhere = named_outside_statuses(r, vulnerabilities);
    let every_vulnerability: Vec<usize> = (0..vulnerabilities).collect();
    for (unit, said) in units.iter().zip(said.iter_mut()) {
        let stands_alone = !unit.leaf.whole_product && unit.relation.is_none() && unit.platform.is_none();
        let vulns = match named_elsewhere.get(unit.original) {
            Some(vulns) => vulns,
            None if stands_alone && vulnerabilities > 0 => &every_vulnerability,
            None => continue,
        };
        if said.is_empty() {
            let stmt = Said {
                status: "unstated",
                justification: None,
                impact: None,
            };
            said.push((stmt, vulns.clone()));
        }
    }
}

/// The entries of the units' statements; of two leaves of one product with the same
/// version and status, the second is explained as not carried over.
fn entries_of(
    r: &mut Reader<'_>,
    tree: &Tree,
    units: &[Unit<'_>],
    said: Statements,
    names: &[String],
) -> Vec<AffectedEntry> {
    let mut out = Vec::new();
    let mut statements = HashSet::new();
    // Per product: where its last product-name branch is, and its number.
    let mut name_branches: HashMap<String, (Option<&str>, usize)> = HashMap::new();
    for (unit, said) in units.iter().zip(said) {
        let name_at = unit.leaf.name_at.as_deref();
        for (stmt, vulns) in said {
            let mut e = entry(unit, tree, stmt, &vulns, names);
            let number = match name_branches.get(&e.product) {
                Some((at, n)) if *at != name_at => {
                    e.new_branch = true;
                    n + 1
                }
                Some((_, n)) => *n,
                None => 0,
            };
            let key = format!(
                "{:?}",
                (
                    number,
                    &e.product,
                    &e.versions,
                    &e.version,
                    &e.status,
                    &e.platform,
                    &e.branches,
                    &e.below_version,
                    &e.vulnerabilities
                )
            );
            if statements.insert(key) {
                name_branches.insert(e.product.clone(), (name_at, number));
                out.push(e);
            } else {
                r.explain(
                    &unit.leaf.at,
                    "two leaves of one product with the same version and status",
                );
            }
        }
    }
    out
}

/// The order of the entries decides both the order of the tree's leaves and the order of
/// the product ids in statuses (scores and remediations can name theirs explicitly). Where
/// the statuses name more ids than the tree has values (about five a leaf), their order is
/// kept: units in the order the vulnerabilities' product statuses first name them
/// (categories in the schema's order, as psirt-site writes them), the others after them
/// in tree order.
fn in_order<'t>(r: &Reader<'_>, mut units: Vec<Unit<'t>>, vulns: usize) -> Vec<Unit<'t>> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut references = 0;
    for v in 0..vulns {
        let at = format!("/vulnerabilities/{v}");
        let mut sorted = STATUSES;
        sorted.sort_unstable();
        for status in sorted {
            for id in product_ids_at(r, &format!("{at}/product_status/{status}")) {
                let next = first.len();
                first.entry(id).or_insert(next);
                references += 1;
            }
        }
    }
    if references > 5 * units.len() {
        // Stable: units never named keep their tree order, after the named ones.
        units.sort_by_key(|u| first.get(u.original).copied().unwrap_or(usize::MAX));
    }
    units
}

/// The vulnerabilities (in order) whose scores, remediations or threats name each id.
fn named_outside_statuses<'d>(r: &Reader<'d>, vulns: usize) -> HashMap<&'d str, Vec<usize>> {
    let mut out: HashMap<&str, Vec<usize>> = HashMap::new();
    for v in 0..vulns {
        let at = format!("/vulnerabilities/{v}");
        let mut lists = Vec::new();
        for (list, key) in [
            ("scores", "products"),
            ("remediations", "product_ids"),
            ("threats", "product_ids"),
        ] {
            for i in 0..r.len(&format!("{at}/{list}")) {
                lists.push(format!("{at}/{list}/{i}/{key}"));
            }
        }
        for id in lists.iter().flat_map(|l| product_ids_at(r, l)) {
            let named = out.entry(id).or_default();
            if !named.contains(&v) {
                named.push(v);
            }
        }
    }
    out
}

/// Leaves in the tree's order, each relationship at the place of its component.
fn in_tree_order<'t>(mut units: Vec<Unit<'t>>, tree: &Tree) -> Vec<Unit<'t>> {
    let place: HashMap<&str, usize> = tree
        .order
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    units.sort_by_key(|u| {
        let leaf = u.relation.map_or(u.original, |rel| rel.component.as_str());
        place.get(leaf).copied().unwrap_or(usize::MAX)
    });
    units
}

fn product_ids_at<'d>(r: &Reader<'d>, at: &str) -> Vec<&'d str> {
    r.peek(at)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn units(tree: &Tree) -> Vec<Unit<'_>> {
    let mut out: Vec<Unit<'_>> = tree
        .order
        .iter()
        .filter_map(|id| {
            let leaf = tree.leaves.get(id)?;
            Some(Unit {
                original: id,
                leaf,
                platform: None,
                status_id: id.clone(),
                relation: None,
            })
        })
        .collect();
    for rel in &tree.relations {
        let (Some(leaf), Some(pl)) = (tree.leaves.get(&rel.component), tree.leaves.get(&rel.platform)) else {
            continue;
        };
        out.push(Unit {
            original: &rel.product_id,
            leaf,
            platform: Some((&pl.catalog_id, &rel.category)),
            status_id: rel.product_id.clone(),
            relation: Some(rel),
        });
    }
    out
}

/// The id psirt-site gives a platform: the advisory's `[product_ids]`, else its catalog
/// `product_id`, else its catalog id.
fn platform_base<'c>(tree: &'c Tree, id: &'c str) -> &'c str {
    if let Some(own) = tree.product_ids.get(id) {
        return own;
    }
    tree.catalog
        .iter()
        .rev()
        .find(|c| c.id == id)
        .map_or(id, |c| c.product_id.as_deref().unwrap_or(&c.id))
}

fn entry(unit: &Unit<'_>, tree: &Tree, stmt: Said, vulns: &[usize], names: &[String]) -> AffectedEntry {
    let leaf = unit.leaf;
    // A leaf on a branch below the product name, without a version (a product family).
    let at_branch = leaf.version.is_none() && !leaf.branches.is_empty() && leaf.name_at.is_some();
    let whole = stmt.status != "known_not_affected" && unit.platform.is_none() && !at_branch;
    let (versions, version, scheme) = versions_of(leaf.version.as_ref(), whole);
    let all = vulns.len() == names.len();
    // psirt-site's own name is `<product> <versions>`; the publisher's is kept where it differs.
    let text = versions
        .as_ref()
        .or(version.as_ref())
        .map_or("all versions", String::as_str);
    let catalog_name = tree
        .catalog
        .iter()
        .rev()
        .find(|c| c.id == leaf.catalog_id)
        .map_or("", |c| c.name.as_str());
    let own_name = match leaf.branches.last() {
        Some((_, branch)) if at_branch => format!("{catalog_name} {branch}"),
        _ => format!("{catalog_name} {text}"),
    };
    let name = (own_name != leaf.name && !leaf.name.trim().is_empty()).then(|| leaf.name.clone());
    AffectedEntry {
        product: leaf.catalog_id.clone(),
        versions,
        version,
        scheme,
        status: (stmt.status != "known_affected").then(|| stmt.status.to_string()),
        justification: stmt.justification,
        impact: stmt.impact,
        platform: unit.platform.map(|(p, _)| p.to_string()),
        relationship: unit.platform.map(|(_, c)| c.to_string()),
        branches: table(&leaf.branches),
        below_version: table(&leaf.below_version),
        at_branch,
        new_branch: false,
        identification: leaf.identification.clone(),
        product_id: unit
            .relation
            .map_or_else(|| unit.original.to_string(), |r| r.component.clone()),
        platform_product_id: unit.relation.and_then(|r| {
            let base = platform_base(tree, &tree.leaves.get(&r.platform)?.catalog_id);
            (format!("{base}:{}", r.component) != r.product_id).then(|| r.product_id.clone())
        }),
        platform_name: unit.relation.and_then(|r| r.name.clone()),
        vulnerabilities: (!all).then(|| vulns.iter().map(|v| names[*v].clone()).collect()),
        name,
        status_id: unit.status_id.clone(),
        scope: vulns.to_vec(),
    }
}

fn table(branches: &[(String, String)]) -> toml::Table {
    branches
        .iter()
        .map(|(c, n)| (c.clone(), toml::Value::String(n.clone())))
        .collect()
}

/// The `versions`, `version` and `scheme` of a leaf's version branch (is a range, name);
/// `whole`: a leaf without one stands for all versions.
fn versions_of(
    branch: Option<&(bool, String)>,
    whole: bool,
) -> (Option<String>, Option<String>, Option<String>) {
    match branch {
        Some((true, name)) if name.starts_with("vers:") => {
            // A malformed one (`vers:all/<V5.1 SP1 HF8`) is kept as written too.
            let valid = matches!(read_range(name, "generic"), RangeRead::Range(_));
            (Some(name.clone()), None, (!valid).then(|| AS_WRITTEN.to_string()))
        }
        // Any other range text is kept as written (`< 3.1.1.0`, not its `vers` form; `3.1`
        // stays a range), unless psirt-site writes it so anyway (free text).
        Some((true, name)) => {
            let plain = matches!(read_range(name, "generic"), RangeRead::Range(_))
                && to_vers(name, "generic").is_none();
            (Some(name.clone()), None, (!plain).then(|| AS_WRITTEN.to_string()))
        }
        Some((false, name)) => (None, Some(name.clone()), None),
        None if whole => (Some("*".into()), None, None),
        None => (None, None, None),
    }
}

/// A vulnerability's VEX reasons: flag labels and impact threats, by product id.
struct Reasons {
    flags: HashMap<String, String>,
    impacts: HashMap<String, String>,
}

impl Reasons {
    fn read(r: &mut Reader<'_>, v: usize) -> Self {
        let at = format!("/vulnerabilities/{v}");
        let not_affected: HashSet<&str> = r
            .peek(&format!("{at}/product_status/known_not_affected"))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut flags = HashMap::new();
        for i in 0..r.len(&format!("{at}/flags")) {
            let f = format!("{at}/flags/{i}");
            let ids = product_ids(r, &f);
            let label = r.peek(&format!("{f}/label")).and_then(Value::as_str);
            let (Some(label), false) = (label, ids.is_empty()) else {
                continue;
            };
            if ids.iter().all(|id| not_affected.contains(id.as_str())) {
                r.take_all(&format!("{f}/label"));
                r.take_all(&format!("{f}/product_ids"));
                for id in ids {
                    flags.entry(id).or_insert_with(|| label.to_string());
                }
            }
        }
        let mut impacts = HashMap::new();
        for i in 0..r.len(&format!("{at}/threats")) {
            let t = format!("{at}/threats/{i}");
            let ids = product_ids(r, &t);
            let is_impact = r.peek(&format!("{t}/category")).and_then(Value::as_str) == Some("impact");
            let details = r.peek(&format!("{t}/details")).and_then(Value::as_str);
            let (Some(details), true, false) = (details, is_impact, ids.is_empty()) else {
                continue;
            };
            let dated = r.peek(&format!("{t}/date")).is_some();
            if !dated && ids.iter().all(|id| not_affected.contains(id.as_str())) {
                r.take_all(&t);
                for id in ids {
                    impacts.entry(id).or_insert_with(|| details.to_string());
                }
            }
        }
        Reasons { flags, impacts }
    }

    fn said(&self, status: &'static str, id: &str) -> Said {
        let not_affected = status == "known_not_affected";
        Said {
            status,
            justification: self.flags.get(id).filter(|_| not_affected).cloned(),
            impact: self.impacts.get(id).filter(|_| not_affected).cloned(),
        }
    }
}

fn product_ids(r: &Reader<'_>, at: &str) -> Vec<String> {
    r.peek(&format!("{at}/product_ids"))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default()
}

/// Whether impact threats are entries' impact statements (then the mapping of a
/// vulnerability's threats leaves them out).
pub(super) fn is_impact_statement(r: &Reader<'_>, v: usize, t: usize) -> bool {
    let at = format!("/vulnerabilities/{v}");
    let not_affected: HashSet<&str> = r
        .peek(&format!("{at}/product_status/known_not_affected"))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let th = format!("{at}/threats/{t}");
    let ids = product_ids(r, &th);
    r.peek(&format!("{th}/category")).and_then(Value::as_str) == Some("impact")
        && r.peek(&format!("{th}/date")).is_none()
        && !ids.is_empty()
        && ids.iter().all(|id| not_affected.contains(id.as_str()))
}
