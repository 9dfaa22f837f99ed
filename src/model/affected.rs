//! `[[affected]]` entries: versions said explicitly, release trains (a product in several
//! entries), statuses with VEX justifications, components on platforms, identification
//! helpers, and the CSAF product ids of each version leaf.

use std::collections::BTreeMap;

use toml::Spanned;

use super::advisory::{Affected, LeafIds, LeafNames, Platform};
use super::build::Builder;
use super::enums::ProductStatus;
use super::identification::{self, Problem};
use super::ids::ProductId;
use super::leaves::LeafIdAlloc;
use super::products::{Product, branches};
use super::raw::{RawAdvisory, RawAffected, RawVulnerability};
use super::status::{DocumentCategory, Relationship};
use super::versions::{RangeRead, SCHEMES, VersionSpec, read_range};
use crate::diag::{Code, Diagnostic};
use crate::hash::{HashMap, HashSet};

/// Products whose entries say they are (or may be) vulnerable, once each, in order: what a
/// vulnerability concerns unless it names its `products`.
pub fn concerned_products(affected: &[Affected]) -> Vec<ProductId> {
    let mut seen = HashSet::default();
    affected
        .iter()
        .filter(|a| a.status.is_concerned())
        .filter(|a| seen.insert(&a.product))
        .map(|a| a.product.clone())
        .collect()
}

impl Builder<'_> {
    fn problems(&mut self, problems: Vec<Problem>) {
        for (code, span, msg, help) in problems {
            let span = span.start + self.offset..span.end + self.offset;
            self.diags
                .push(Diagnostic::error(code, msg).at(self.file, span).help(help));
        }
    }

    pub(super) fn affected(
        &mut self,
        raw: &RawAdvisory,
        product_ids: &BTreeMap<ProductId, String>,
    ) -> Vec<Affected> {
        let category = raw.category.as_ref().map(|c| *c.get_ref()).unwrap_or_default();
        self.category_needs(raw);
        let mut out: Vec<Affected> = Vec::new();
        // Sets, not searches of `out`: 100k rows took minutes.
        let mut statements: HashSet<String> = HashSet::default();
        let mut ids = LeafIdAlloc::default();
        ids.bases = product_ids.clone();
        // Platform leaves use the platform's own id; no generated id may take it.
        for p in raw.affected.iter().filter_map(|a| a.platform.as_ref()) {
            if let Some(p) = ProductId::parse(p.get_ref())
                .ok()
                .and_then(|p| self.catalog.get(&p))
            {
                let base = ids.base(p).to_string();
                ids.taken.insert(base);
            }
        }
        // Per product, the product-name branch its entries join now; only advisories that
        // open further branches pay for the map.
        let branching = raw.affected.iter().any(|a| a.new_branch);
        let mut name_branches: HashMap<ProductId, usize> = HashMap::default();
        for a in &raw.affected {
            let Some(product) = self.product(&a.product) else {
                continue;
            };
            let Some(mut entry) = self.affected_entry(a, product, &raw.vulnerabilities, category) else {
                continue;
            };
            if branching {
                // The first entry of a product opens its first branch anyway.
                entry.name_branch = match name_branches.get(&entry.product) {
                    Some(b) if a.new_branch => b + 1,
                    Some(b) => *b,
                    None => 0,
                };
                name_branches.insert(entry.product.clone(), entry.name_branch);
            }
            let mut statement = format!(
                "{:?}",
                (
                    &entry.product,
                    &entry.versions,
                    &entry.fixed,
                    entry.status,
                    &entry.platform,
                    &entry.branches,
                    &entry.vulnerabilities
                )
            );
            // Only where used, so that the common key costs what it did.
            if entry.name_branch > 0 || !entry.below_version.is_empty() || entry.at_branch {
                let shape = (entry.name_branch, &entry.below_version, entry.at_branch);
                statement.push_str(&format!("{shape:?}"));
            }
            if !statements.insert(statement) {
                self.error(
                    Code::DuplicateId,
                    &a.product,
                    format!("product `{}` is listed twice in [[affected]] with the same versions", entry.product),
                    "merge the entries; a product may have several entries (release trains) with different versions",
                );
                continue;
            }
            out.push(self.leaf_ids(entry, a, &mut ids));
        }
        self.every_vulnerability_has_a_status(raw, &out);
        out
    }

    fn affected_entry(
        &mut self,
        a: &RawAffected,
        product: ProductId,
        vulns: &[RawVulnerability],
        category: DocumentCategory,
    ) -> Option<Affected> {
        let p = self.catalog.get(&product)?.clone();
        if p.tree == super::shape::TreeShape::Product {
            let msg = format!(
                "`{product}` is a leaf of its own (`tree = \"product\"` in the catalog): it has no versions to state"
            );
            let help = "name it as the `platform` of a component, or remove `tree = \"product\"` from content/products.toml";
            self.error(Code::InvalidValue, &a.product, msg, help);
            return None;
        }
        // A malformed `versions` is reported where it is; the entry is left out.
        let versions = self.entry_versions(a, &p).ok()?;
        let fixed = text(&a.fixed);
        let status = self.entry_status(a, versions.as_ref(), fixed.as_deref());
        let (justification, impact) = self.not_affected_reasons(a, status, category);
        let mut problems = Vec::new();
        let entry_branches = entry_branches(a, &p, &mut problems);
        let below_version = if a.below_version.is_empty() {
            Vec::new()
        } else {
            branches(&a.below_version, &mut problems)
        };
        let own = a
            .identification
            .as_ref()
            .map(|i| identification::check(i, &mut problems));
        self.problems(problems);
        self.below_needs_a_version(a, versions.as_ref());
        let at_branch = self.at_branch(a, versions.as_ref(), &entry_branches);
        Some(Affected {
            platform: self.platform(a, &p),
            vulnerabilities: a
                .vulnerabilities
                .as_ref()
                .map(|v| self.scope(v, &a.product, vulns)),
            identification: own.map_or_else(|| p.identification.clone(), |i| p.identification.overlaid(&i)),
            product,
            versions,
            fixed,
            status,
            justification,
            impact,
            branches: entry_branches,
            below_version,
            at_branch,
            name_branch: 0,
            ids: LeafIds::default(),
            groups: a.groups.iter().map(|g| g.get_ref().trim().to_string()).collect(),
            names: LeafNames {
                versions: self.optional_text(&a.name, "name"),
                fixed: self.optional_text(&a.fixed_name, "fixed_name"),
            },
        })
    }

    /// The entry's status, as written or implied (`fixed` without `versions`: fixed; else
    /// known affected); reports a `fixed_name` without `fixed`, and missing `versions` where
    /// the status needs them.
    fn entry_status(
        &mut self,
        a: &RawAffected,
        versions: Option<&VersionSpec>,
        fixed: Option<&str>,
    ) -> ProductStatus {
        if let (Some(n), None) = (&a.fixed_name, fixed) {
            let help = "add fixed = \"<first fixed version>\", or remove fixed_name";
            self.error(
                Code::MissingField,
                n,
                "`fixed_name` names the `fixed` leaf, but there is no `fixed`".into(),
                help,
            );
        }
        let status = match &a.status {
            Some(s) => *s.get_ref(),
            None if versions.is_none() && fixed.is_some() => ProductStatus::Fixed,
            None => ProductStatus::KnownAffected,
        };
        let fixed_only = status == ProductStatus::Fixed && fixed.is_some();
        // A component on a platform may be stated for the platform as a whole (the way
        // distributions write it), as may a product under investigation.
        let at_branch = a.at_branch.as_ref().is_some_and(|b| *b.get_ref());
        let whole = a.platform.is_some() || status == ProductStatus::UnderInvestigation || at_branch;
        if versions.is_none() && status.needs_versions() && !fixed_only && !whole {
            let at = a.status.as_ref().map_or(a.product.span(), Spanned::span);
            self.error_at(
                Code::MissingField,
                at,
                "missing field `versions` for an affected product".into(),
                "add versions = \"< 4.2.1\" (a range) or version = \"4.2.0\" (one version)",
            );
        }
        status
    }

    /// `versions` (a range) or `version` (one version), never both; `Err` when what is
    /// written was refused (and reported).
    fn entry_versions(&mut self, a: &RawAffected, p: &Product) -> Result<Option<VersionSpec>, ()> {
        let scheme = match &a.scheme {
            Some(s) if !SCHEMES.contains(&s.get_ref().as_str()) => {
                let msg = format!("unknown version scheme `{}`", s.get_ref().escape_debug());
                self.error(
                    Code::UnknownCategory,
                    s,
                    msg,
                    "use a vers scheme: semver, rpm, deb, generic, maven, npm, pypi, …",
                );
                p.scheme.clone()
            }
            Some(s) => s.get_ref().clone(),
            None => p.scheme.clone(),
        };
        match (&a.versions, &a.version) {
            (Some(_), Some(single)) => {
                self.error(
                    Code::InvalidValue,
                    single,
                    "an entry has either `versions` (a range) or `version` (one version), not both".into(),
                    "write each range or version in its own [[affected]] entry",
                );
                Err(())
            }
            (None, Some(_)) => Ok(text(&a.version).map(|text| VersionSpec::Single { text })),
            (Some(range), None) => self.range(range, &scheme),
            (None, None) => Ok(None),
        }
    }

    fn range(&mut self, range: &Spanned<String>, scheme: &str) -> Result<Option<VersionSpec>, ()> {
        if range.get_ref().trim().is_empty() {
            return Ok(None);
        }
        match read_range(range.get_ref(), scheme) {
            RangeRead::Range(spec) => Ok(Some(spec)),
            RangeRead::LegacySingle(spec) => {
                let span = self.span(range);
                self.diags.push(
                    Diagnostic::warning(
                        Code::InvalidValue,
                        format!(
                            "`{}` is one version, but `versions` is a range",
                            spec.text().escape_debug()
                        ),
                    )
                    .at(self.file, span)
                    .help(format!(
                        "write version = \"{}\" (it is read as one version)",
                        spec.text().escape_debug()
                    )),
                );
                Ok(Some(spec))
            }
            RangeRead::Invalid(msg) => {
                self.error(
                    Code::InvalidValue,
                    range,
                    msg,
                    "write e.g. vers:semver/>=9.3.0|<9.3.1, or >= 9.3.0, < 9.3.1",
                );
                Err(())
            }
        }
    }
}

/// The entry's branches, then the product's of other categories, outermost first.
fn entry_branches(a: &RawAffected, p: &Product, problems: &mut Vec<Problem>) -> Vec<(String, String)> {
    let mut out = branches(&a.branches, problems);
    let given: Vec<&String> = out.iter().map(|(c, _)| c).collect();
    let inherited: Vec<(String, String)> = p
        .branches
        .iter()
        .filter(|(c, _)| !given.contains(&c))
        .cloned()
        .collect();
    out.extend(inherited);
    out.sort_by_key(|(c, _)| super::status::BRANCH_CATEGORIES.iter().position(|x| x == c));
    out
}

impl Builder<'_> {
    /// `at_branch` makes the last branch the leaf: there must be a branch, and no versions.
    fn at_branch(
        &mut self,
        a: &RawAffected,
        versions: Option<&VersionSpec>,
        branches: &[(String, String)],
    ) -> bool {
        let Some(flag) = a.at_branch.as_ref().filter(|f| *f.get_ref()) else {
            return false;
        };
        let problem = if branches.is_empty() {
            Some("`at_branch` makes the entry's last branch its leaf, and it has no `branches`")
        } else if versions.is_some() || a.fixed.is_some() || !a.below_version.is_empty() {
            Some(
                "`at_branch` makes the entry's last branch its leaf: it has no `version`, `versions`, `fixed` or `below_version`",
            )
        } else {
            None
        };
        if let Some(msg) = problem {
            let help = "give the entry `branches` and no versions, or remove `at_branch`";
            self.error(Code::InvalidValue, flag, msg.into(), help);
        }
        problem.is_none()
    }

    /// `below_version` hangs the `versions` leaf below its version branch: there must be one.
    fn below_needs_a_version(&mut self, a: &RawAffected, versions: Option<&VersionSpec>) {
        if let (Some((_, name)), None) = (a.below_version.iter().next(), versions) {
            self.error(
                Code::MissingField,
                name,
                "`below_version` places the `versions` leaf below its version branch, and there is no `version` or `versions`".into(),
                "add version = \"<the release>\", or move the branches to `branches`",
            );
        }
    }
}

fn text(s: &Option<Spanned<String>>) -> Option<String> {
    s.as_ref()
        .map(|v| v.get_ref().trim().to_string())
        .filter(|v| !v.is_empty())
}

impl Builder<'_> {
    /// The VEX justification and impact statement of a product known not to be affected.
    fn not_affected_reasons(
        &mut self,
        a: &RawAffected,
        status: ProductStatus,
        category: DocumentCategory,
    ) -> (Option<super::status::Justification>, Option<String>) {
        let not_affected = status == ProductStatus::KnownNotAffected;
        let help = "justifications and impact statements explain `status = \"known_not_affected\"`";
        if let (Some(j), false) = (&a.justification, not_affected) {
            self.error(
                Code::InvalidValue,
                j,
                "a justification needs status = \"known_not_affected\"".into(),
                help,
            );
        }
        if let (Some(i), false) = (&a.impact, not_affected) {
            self.error(
                Code::InvalidValue,
                i,
                "an impact statement needs status = \"known_not_affected\"".into(),
                help,
            );
        }
        let impact = text(&a.impact);
        if not_affected
            && category == DocumentCategory::CsafVex
            && a.justification.is_none()
            && impact.is_none()
        {
            self.error(
                Code::MissingField,
                &a.product,
                "a VEX statement that a product is not affected needs a `justification` or an `impact` (CSAF test 6.1.27.9)".into(),
                "add justification = \"vulnerable_code_not_present\" or impact = \"why the flaw cannot be exploited\"",
            );
        }
        (a.justification.as_ref().map(|j| *j.get_ref()), impact)
    }

    fn platform(&mut self, a: &RawAffected, p: &Product) -> Option<Platform> {
        if let (Some(r), None) = (&a.relationship, &a.platform) {
            self.error(
                Code::MissingField,
                r,
                "a relationship needs a `platform`".into(),
                "add platform = \"<product id>\"",
            );
        }
        for extra in [&a.platform_product_id, &a.platform_name].into_iter().flatten() {
            if a.platform.is_none() {
                self.error(
                    Code::MissingField,
                    extra,
                    "`platform_product_id` and `platform_name` need a `platform`".into(),
                    "add platform = \"<product id>\"",
                );
            }
        }
        let raw = a.platform.as_ref()?;
        let platform = self.product(raw)?;
        if platform == p.id {
            self.error(
                Code::UnknownProduct,
                raw,
                "a product cannot be its own platform".into(),
                "name the product it is part of",
            );
            return None;
        }
        let declared = p.part_of.iter().find(|(id, _)| *id == platform).map(|(_, r)| *r);
        let relationship = a
            .relationship
            .as_ref()
            .map(|r| *r.get_ref())
            .or(declared)
            .unwrap_or(Relationship::DefaultComponentOf);
        Some(Platform {
            product: platform,
            relationship,
            name: text(&a.platform_name),
        })
    }

    /// Which vulnerabilities (by CVE or title) an entry is about.
    fn scope(
        &mut self,
        names: &[Spanned<String>],
        at: &Spanned<String>,
        vulns: &[RawVulnerability],
    ) -> Vec<usize> {
        let mut out = Vec::new();
        for name in names {
            let n = name.get_ref().trim();
            let found = vulns.iter().position(|v| {
                v.cve
                    .as_ref()
                    .is_some_and(|c| c.get_ref().eq_ignore_ascii_case(n))
                    || v.title.trim() == n
            });
            match found {
                Some(i) if !out.contains(&i) => out.push(i),
                Some(_) => {}
                None => self.error(
                    Code::UnknownVulnerability,
                    name,
                    format!(
                        "`{}` is neither the CVE nor the title of a vulnerability of this advisory",
                        n.escape_debug()
                    ),
                    "name a [[vulnerabilities]] entry by its cve, or by its title when it has none",
                ),
            }
        }
        if names.is_empty() {
            self.error(
                Code::InvalidValue,
                at,
                "the entry's `vulnerabilities` list is empty".into(),
                "leave it out for all vulnerabilities, or name at least one",
            );
        }
        out
    }
}

impl Builder<'_> {
    /// What CSAF's profile tests require of an informational advisory (6.1.27.2, 6.1.27.3).
    fn category_needs(&mut self, raw: &RawAdvisory) {
        let Some(category) = raw.category.as_ref() else {
            return;
        };
        if *category.get_ref() != DocumentCategory::CsafInformationalAdvisory {
            return;
        }
        if !raw.vulnerabilities.is_empty() {
            self.error(
                Code::InvalidValue,
                category,
                "an informational advisory has no [[vulnerabilities]] (CSAF test 6.1.27.3)".into(),
                "remove the [[vulnerabilities]] entries, or use category = \"csaf_security_advisory\"",
            );
        }
        if raw.references.is_empty() {
            self.error(
                Code::MissingField,
                category,
                "an informational advisory needs at least one [[references]] entry (CSAF test 6.1.27.2)"
                    .into(),
                "add [[references]] with the url and summary of the notice's source",
            );
        }
    }
}
