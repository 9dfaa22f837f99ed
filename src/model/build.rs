//! Construction of the advisory model from front matter. Every check that needs only
//! one advisory and the product catalog happens here, with spans into the user's file.

use std::ops::Range;
use std::path::Path;

use jiff::Timestamp;
use toml::Spanned;
use toml::value::Datetime;

use super::advisory::{Acknowledgment, Advisory, Body, Remediation, Revision, Vulnerability, Withdrawal};
use super::cvss::{CvssV3, CvssV4};
use super::cvss_more::CvssV2;
use super::enums::{ProductStatus, Status};
use super::explicit_ids::DefinedIds;
use super::groups::ProductGroup;
use super::ids::{AdvisoryId, Cve, Cwe, ProductId, reserved_advisory_id};
use super::products::Catalog;
use super::raw::*;
use super::time::to_timestamp;
use crate::diag::{Code, Diagnostic};
use crate::hash::HashSet;
use crate::url::check_url;

/// What [`Builder::products`] makes of an advisory's products and vulnerabilities.
struct Products {
    product_ids: std::collections::BTreeMap<ProductId, String>,
    affected: Vec<super::advisory::Affected>,
    product_groups: Vec<ProductGroup>,
    vulnerabilities: Vec<Option<Vulnerability>>,
}

/// Converts raw front matter into an `Advisory`, collecting every problem.
pub struct Builder<'a> {
    pub file: &'a Path,
    /// Offset of the front matter in the file: added to every span.
    pub offset: usize,
    pub catalog: &'a Catalog,
    pub diags: Vec<Diagnostic>,
    /// Products with an `[[affected]]` entry that is not "not affected": remediations,
    /// scores and threats may name them even when no entry calls them vulnerable (Red Hat
    /// writes its fixes for the `fixed` products). Filled in by [`Builder::build`].
    pub stated: HashSet<ProductId>,
}

impl Builder<'_> {
    pub(super) fn span<T>(&self, s: &Spanned<T>) -> Range<usize> {
        let r = s.span();
        r.start + self.offset..r.end + self.offset
    }

    pub(super) fn error<T>(&mut self, code: Code, at: &Spanned<T>, msg: String, help: &str) {
        let span = self.span(at);
        self.error_at(code, span.start - self.offset..span.end - self.offset, msg, help);
    }

    /// As [`Builder::error`], at a span relative to the front matter.
    pub(super) fn error_at(&mut self, code: Code, span: Range<usize>, msg: String, help: &str) {
        let span = span.start + self.offset..span.end + self.offset;
        let mut d = Diagnostic::error(code, msg).at(self.file, span);
        if !help.is_empty() {
            d = d.help(help);
        }
        self.diags.push(d);
    }

    pub(super) fn date(&mut self, dt: &Spanned<Datetime>) -> Option<Timestamp> {
        match to_timestamp(dt.get_ref()) {
            Ok(t) => Some(t),
            Err(msg) => {
                self.error(Code::InvalidDate, dt, msg, "write e.g. 2026-03-10T09:00:00Z");
                None
            }
        }
    }

    pub(super) fn url(&mut self, url: &Spanned<String>) -> Option<String> {
        match check_url(url.get_ref(), &["https", "http"]) {
            Ok(()) => Some(url.get_ref().clone()),
            Err(msg) => {
                self.error(Code::InvalidUrl, url, msg, "use an absolute https:// URL");
                None
            }
        }
    }

    /// A remediation's link may also be an address to write to: vendors without a download
    /// page name their support address (`mailto:psirt@example.com`).
    fn remediation_url(&mut self, url: &Spanned<String>) -> Option<String> {
        match check_url(url.get_ref(), &["https", "http", "mailto"]) {
            Ok(()) => Some(url.get_ref().clone()),
            Err(msg) => {
                let help = "use an absolute https:// URL, or a mailto: address";
                self.error(Code::InvalidUrl, url, msg, help);
                None
            }
        }
    }

    pub(super) fn product(&mut self, id: &Spanned<String>) -> Option<ProductId> {
        let parsed = ProductId::parse(id.get_ref())
            .ok()
            .filter(|p| self.catalog.get(p).is_some());
        if parsed.is_none() {
            let known = self.catalog.ids_hint();
            self.error(
                Code::UnknownProduct,
                id,
                format!("unknown product id `{}`", id.get_ref().escape_debug()),
                &format!("define it in content/products.toml; known ids: {known}"),
            );
        }
        parsed
    }

    pub(super) fn non_empty(&mut self, s: &Spanned<String>, what: &str) -> String {
        if s.get_ref().trim().is_empty() {
            let help = "write the text, or remove the key if it is optional";
            self.error(Code::InvalidValue, s, format!("{what} is empty"), help);
        }
        s.get_ref().trim().to_string()
    }

    /// Builds the advisory; `None` when any error was found (the diagnostics say why).
    pub fn build(&mut self, raw: RawAdvisory, body: Body) -> Option<Advisory> {
        let errors_before = self.diags.len();
        let id = self.advisory_id(&raw.id);
        let title = self.non_empty(&raw.title, "title");
        let summary = self.non_empty(&raw.summary, "summary");
        let published = self.date(&raw.published);
        let mut revisions = self.revisions(&raw, published);
        let withdrawn = raw
            .withdrawn
            .as_ref()
            .and_then(|w| self.withdrawal(w, &mut revisions));
        let Products {
            product_ids,
            affected,
            product_groups,
            vulnerabilities,
        } = self.products(&raw)?;
        let acknowledgments = raw
            .acknowledgments
            .iter()
            .map(|a| self.acknowledgment(a))
            .collect();
        let references = self.references(&raw.references);
        let (notes, summary_place) = self.document_notes(&raw.notes);
        let distribution_text = self.optional_text(&raw.distribution_text, "distribution_text");
        let vendor_severity = self.vendor_severity(&raw.vendor_severity);
        if self.diags[errors_before..].iter().any(Diagnostic::is_error) {
            return None;
        }
        // Exact-size lists: grown one push at a time they keep room for four entries, and an
        // `Affected` is ~500 bytes, a `Vulnerability` ~730 (see docs/performance.md).
        let mut affected = affected;
        affected.shrink_to_fit();
        let mut vulnerabilities = vulnerabilities.into_iter().collect::<Option<Vec<_>>>()?;
        vulnerabilities.shrink_to_fit();
        let highest = Advisory::highest_rating(&vulnerabilities);
        let named = Advisory::named_products(&affected);
        Some(Advisory {
            id: id?,
            title,
            published: published?,
            status: raw.status,
            category: raw.category.as_ref().map(|c| *c.get_ref()).unwrap_or_default(),
            tlp: raw.tlp,
            summary,
            notes,
            summary_place,
            distribution_text,
            vendor_severity,
            revisions,
            affected,
            product_id_order: raw.product_id_order,
            product_ids,
            product_groups,
            vulnerabilities,
            acknowledgments,
            references,
            withdrawn,
            body,
            source: self.file.to_path_buf(),
            id_span: self.span(&raw.id),
            // Set by `document::parse_advisory` from the source file's digest.
            fingerprint: [0; 32],
            highest,
            named,
        })
    }

    /// The advisory's id; `None` after an `invalid-id` error, whose hint depends on whether
    /// the id is one of the site's own page names.
    fn advisory_id(&mut self, id: &Spanned<String>) -> Option<AdvisoryId> {
        match AdvisoryId::parse(id.get_ref()) {
            Ok(id) => Some(id),
            Err(msg) => {
                let help = if reserved_advisory_id(id.get_ref()).is_some() {
                    "rename the advisory id, e.g. ACME-SA-2026-0042: it names the page's folder `advisories/<id>/`"
                } else {
                    "use letters, digits, `-`, `_` and `.` only, e.g. ACME-SA-2026-0042"
                };
                self.error(Code::InvalidId, id, msg, help);
                None
            }
        }
    }

    /// The products the advisory states, its product groups and its vulnerabilities about
    /// them (`None` for a vulnerability with errors); `None` when the product statuses would
    /// not fit in a document (an error at the id says so).
    fn products(&mut self, raw: &RawAdvisory) -> Option<Products> {
        let product_ids = self.product_id_overrides(raw);
        let affected = self.affected(raw, &product_ids);
        self.stated = affected
            .iter()
            .filter(|a| a.status != ProductStatus::KnownNotAffected)
            .map(|a| a.product.clone())
            .collect();
        // Vulnerabilities concern the products that are (or may be) affected.
        let affected_ids = super::affected::concerned_products(&affected);
        let defined = DefinedIds::when_used(raw, &affected);
        let product_groups = self.product_groups(
            &raw.product_groups,
            &raw.affected,
            &affected,
            &affected_ids,
            defined.as_ref(),
        );
        self.duplicate_cves(&raw.vulnerabilities);
        let concerned_counts =
            super::size_limit::concerned_counts(&affected, raw.vulnerabilities.len(), affected_ids.len());
        if !self.product_statuses_fit(raw, &affected, &concerned_counts, affected_ids.len()) {
            return None;
        }
        let concerned = super::size_limit::concerned_by_vulnerability(&affected, raw.vulnerabilities.len());
        let vulnerabilities = raw
            .vulnerabilities
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let concerned = concerned
                    .as_ref()
                    .map_or(affected_ids.as_slice(), |c| c[i].as_slice());
                self.vulnerability(v, concerned, &product_groups, defined.as_ref())
            })
            .collect::<Vec<_>>();
        Some(Products {
            product_ids,
            affected,
            product_groups,
            vulnerabilities,
        })
    }

    fn revisions(&mut self, raw: &RawAdvisory, published: Option<Timestamp>) -> Vec<Revision> {
        if raw.revisions.is_empty() && raw.status != Status::Draft {
            self.error(
                Code::NoRevisions,
                &raw.id,
                "a non-draft advisory needs at least one [[revisions]] entry".into(),
                "add [[revisions]] with date = <published> and summary = \"Initial public release\"",
            );
        }
        let mut out: Vec<Revision> = Vec::new();
        let mut previous = published;
        let labels = self.revision_numbers(&raw.revisions);
        for (i, r) in raw.revisions.iter().enumerate() {
            let Some(date) = self.date(&r.date) else { continue };
            if let Some(prev) = previous.filter(|p| date < *p) {
                let what = if i == 0 {
                    "`published`"
                } else {
                    "the revision before it"
                };
                self.error(
                    Code::RevisionOrder,
                    &r.date,
                    format!("revision {} is dated before {what} ({prev})", i + 1),
                    "list revisions oldest first, none before `published`",
                );
            }
            previous = Some(date);
            out.push(Revision {
                number: u32::try_from(i + 1).unwrap_or(u32::MAX),
                label: labels.as_ref().and_then(|l| l.get(i).cloned()),
                date,
                summary: r.summary.trim().to_string(),
                legacy_version: self.optional_text(&r.legacy_version, "legacy_version"),
                date_span: self.span(&r.date),
            });
        }
        out
    }

    /// The withdrawal becomes the last revision, so the CSAF revision history, version,
    /// changes.csv, ROLIE feed and the updates feed all show it without further input.
    fn withdrawal(&mut self, w: &RawWithdrawn, revisions: &mut Vec<Revision>) -> Option<Withdrawal> {
        let date = self.date(&w.date)?;
        let reason = self.non_empty(&w.reason, "withdrawn.reason");
        if let Some(last) = revisions.last().filter(|r| r.date > date) {
            let msg = format!("the withdrawal is dated before the last revision ({})", last.date);
            self.error(
                Code::RevisionOrder,
                &w.date,
                msg,
                "date the withdrawal after every revision",
            );
            return None;
        }
        revisions.push(Revision {
            number: u32::try_from(revisions.len() + 1).unwrap_or(u32::MAX),
            label: revisions
                .last()
                .and_then(|r| r.label.as_deref())
                .map(super::revision_numbers::next_number),
            date,
            summary: format!("Withdrawn: {reason}"),
            legacy_version: None,
            date_span: self.span(&w.date),
        });
        Some(Withdrawal { date, reason })
    }

    fn vulnerability(
        &mut self,
        v: &RawVulnerability,
        affected: &[ProductId],
        groups: &[ProductGroup],
        defined: Option<&DefinedIds<'_>>,
    ) -> Option<Vulnerability> {
        let cve = v.cve.as_ref().and_then(|c| match Cve::parse(c.get_ref()) {
            Ok(cve) => Some(cve),
            Err(msg) => {
                let help = "copy the id from its CVE record (cve.org), e.g. CVE-2026-10001";
                self.error(Code::InvalidCve, c, msg, help);
                None
            }
        });
        let cve_span = v.cve.as_ref().map(|c| self.span(c)).unwrap_or_default();
        // Names come from one CWE list whatever the advisory's date (`model/cwe.rs`).
        let cwe = v.cwe.as_ref().and_then(|c| {
            let (cwe, note) = match Cwe::lookup(c.get_ref()) {
                Ok((cwe, warning)) => (Some(cwe), warning),
                Err(error) => (None, Some(error)),
            };
            let span = self.span(c);
            self.diags.extend(note.map(|d| d.at(self.file, span)));
            cwe
        });
        let cvss_v2 = self.cvss(&v.cvss_v2, &None, CvssV2::parse, |c| c.score);
        let cvss_v3 = self.cvss(&v.cvss_v3, &v.cvss_v3_score, CvssV3::parse, |c| c.score);
        let cvss_v3 = self.all_scores(cvss_v3, &v.cvss_v3, &v.cvss_v3_all_scores);
        let cvss_v4 = self.cvss(&v.cvss_v4, &v.cvss_v4_score, CvssV4::parse, |c| c.score);
        let products = match &v.products {
            Some(ids) => self.vulnerable_products(ids, affected),
            None => affected.to_vec(),
        };
        let remediations = v
            .remediations
            .iter()
            .map(|r| self.remediation(r, &products, groups, defined))
            .collect();
        let scores = self.scored(
            v,
            &products,
            groups,
            defined,
            (cvss_v2.as_ref(), cvss_v3.as_ref()),
        );
        let discovery_date = v.discovery_date.as_ref().and_then(|d| self.date(d));
        Some(Vulnerability {
            cve,
            cve_span,
            title: v.title.trim().to_string(),
            ids: self.vuln_ids(&v.ids),
            cwe,
            description: v.description.as_ref().map(|d| d.trim().to_string()),
            notes: self.notes(&v.notes),
            references: self.references(&v.references),
            cvss_v2,
            cvss_v3,
            cvss_v4,
            discovery_date,
            release_date: v.release_date.as_ref().and_then(|d| self.date(d)),
            remediations,
            threats: self.threats(&v.threats, &products, groups),
            score_products: scores.products,
            score_groups: scores.groups,
            score_product_ids: scores.ids,
            exploited: self.exploited(&v.exploited),
            acknowledgments: v.acknowledgments.iter().map(|a| self.acknowledgment(a)).collect(),
            other_scores: scores.others,
            products,
        })
    }

    /// CSAF allows each CVE once per document (test 6.1.23).
    fn duplicate_cves(&mut self, vulns: &[RawVulnerability]) {
        let mut seen: HashSet<&str> = HashSet::default();
        for c in vulns.iter().filter_map(|v| v.cve.as_ref()) {
            if !seen.insert(c.get_ref().as_str()) {
                self.error(
                    Code::DuplicateId,
                    c,
                    format!("{} is used by two vulnerabilities of this advisory", c.get_ref()),
                    "describe each CVE in one [[vulnerabilities]] entry",
                );
            }
        }
    }

    pub(super) fn vulnerable_products(
        &mut self,
        ids: &[Spanned<String>],
        affected: &[ProductId],
    ) -> Vec<ProductId> {
        let mut out = Vec::new();
        // Built only for a list that names products; a search per name was quadratic.
        let affected: HashSet<&ProductId> = if ids.is_empty() {
            HashSet::default()
        } else {
            affected.iter().collect()
        };
        for id in ids {
            let Some(p) = self.product(id) else { continue };
            if !affected.contains(&p) && !self.stated.contains(&p) {
                self.error(
                    Code::UnknownProduct,
                    id,
                    format!("product `{p}` is not an affected product of this advisory"),
                    "list it in [[affected]] (known_affected, under_investigation, fixed, …; not known_not_affected)",
                );
            }
            out.push(p);
        }
        out
    }

    fn remediation(
        &mut self,
        r: &RawRemediation,
        vulnerable: &[ProductId],
        groups: &[ProductGroup],
        defined: Option<&DefinedIds<'_>>,
    ) -> Remediation {
        let explicit = r.product_ids.as_ref().map(|ids| {
            if r.products.is_some() {
                self.one_of(ids, "product_ids", "products");
            }
            self.explicit_ids(ids, defined, "product_ids")
        });
        // A remediation for some groups is for those only, not for every product.
        let (products, product_ids) = match (explicit, &r.products) {
            (Some(e), _) => (e.products, e.ids),
            (None, Some(ids)) => (self.vulnerable_products(ids, vulnerable), Vec::new()),
            (None, None) if !r.groups.is_empty() => (Vec::new(), Vec::new()),
            (None, None) => (vulnerable.to_vec(), Vec::new()),
        };
        let groups = self.group_refs(&r.groups, groups, vulnerable).ids;
        Remediation {
            category: r.category,
            details: r.details.trim().to_string(),
            url: r.url.as_ref().and_then(|u| self.remediation_url(u)),
            products,
            product_ids,
            date: r.date.as_ref().and_then(|d| self.date(d)),
            restart_required: self.restart(&r.restart_required),
            entitlements: self.unique_texts(&r.entitlements, "entitlement"),
            groups,
        }
    }

    fn acknowledgment(&mut self, a: &RawAcknowledgment) -> Acknowledgment {
        let anonymous = a.anonymous.as_ref().is_some_and(|s| *s.get_ref());
        if let (Some(flag), true) = (&a.anonymous, anonymous && !a.names.is_empty()) {
            self.error(
                Code::InvalidValue,
                flag,
                "an anonymous acknowledgment must not carry names".into(),
                "remove `names`, or remove `anonymous` if the researcher agreed to be named",
            );
        }
        let names = a
            .names
            .iter()
            .map(|n| self.non_empty(n, "acknowledged name"))
            .collect();
        Acknowledgment {
            names,
            organization: a.organization.as_ref().map(|o| o.trim().to_string()),
            url: a.url.as_ref().and_then(|u| self.url(u)),
            summary: a.summary.as_ref().map(|s| s.trim().to_string()),
            anonymous,
        }
    }
}
