//! The CSAF `scores[]` of a vulnerability beyond its own vectors: `cvss_product_ids` (the
//! exact products of the first score) and `[[vulnerabilities.scores]]` (further scores for
//! some products), and the rule that one product has one score per CVSS version.

use serde::Serialize;
use toml::Spanned;

use super::build::Builder;
use super::cvss::CvssV3;
use super::cvss_more::CvssV2;
use super::explicit_ids::{DefinedIds, ExplicitIds};
use super::groups::ProductGroup;
use super::ids::ProductId;
use super::raw::{RawScore, RawVulnerability};
use crate::diag::Code;

/// A further CSAF `scores[]` entry: other vectors for some products.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    pub cvss_v2: Option<CvssV2>,
    pub cvss_v3: Option<CvssV3>,
    /// The catalog products it is for (the vulnerability's unless named), for the page.
    pub products: Vec<ProductId>,
    /// CSAF product ids written as they are instead of the leaves of `products`.
    pub product_ids: Vec<String>,
}

/// What one score is for: its CVSS versions and products (exact ids where given).
struct Scored<'a> {
    versions: Vec<&'static str>,
    ids: &'a [String],
    products: &'a [ProductId],
}

impl Scored<'_> {
    fn versions(v2: Option<&CvssV2>, v3: Option<&CvssV3>) -> Vec<&'static str> {
        v2.map(|_| "2.0")
            .into_iter()
            .chain(v3.map(|v| v.version))
            .collect()
    }

    fn of(s: &Score) -> Scored<'_> {
        Scored {
            versions: Scored::versions(s.cvss_v2.as_ref(), s.cvss_v3.as_ref()),
            ids: &s.product_ids,
            products: &s.products,
        }
    }

    /// The CVSS version and product that this and `later` both score, if any.
    fn clash(&self, later: &Scored<'_>) -> Option<(&'static str, String)> {
        let version = later.versions.iter().find(|v| self.versions.contains(v))?;
        Some((*version, self.shared(later)?))
    }

    /// A product both scores are for: by id where both name ids, by catalog product where
    /// neither does (a product stands for the same leaves in both). Where one names ids and
    /// the other products, they may name different leaves of one product (the vulnerable
    /// and the not-affected versions): the build's CSAF validation decides.
    fn shared(&self, other: &Scored<'_>) -> Option<String> {
        match (self.ids.is_empty(), other.ids.is_empty()) {
            (false, false) => {
                let found = self.ids.iter().find(|i| other.ids.contains(i));
                found.map(|id| format!("product id `{id}`"))
            }
            (true, true) => {
                let found = self.products.iter().find(|p| other.products.contains(p));
                found.map(|p| format!("product `{p}`"))
            }
            _ => None,
        }
    }
}

/// What a vulnerability's scores are for, checked.
pub(super) struct ScoredProducts {
    /// The first score's catalog products and groups, or its exact ids.
    pub products: Vec<ProductId>,
    pub groups: Vec<String>,
    pub ids: Vec<String>,
    /// `[[vulnerabilities.scores]]`.
    pub others: Vec<Score>,
}

impl Builder<'_> {
    /// `cvss_v3` with every score written where `cvss_v3_all_scores = true` asks for it.
    pub(super) fn all_scores(
        &mut self,
        cvss: Option<CvssV3>,
        vector: &Option<Spanned<String>>,
        all: &Option<Spanned<bool>>,
    ) -> Option<CvssV3> {
        let Some(flag) = all.as_ref().filter(|f| *f.get_ref()) else {
            return cvss;
        };
        if vector.is_none() {
            let msg = "`cvss_v3_all_scores` without a `cvss_v3` vector".into();
            self.error(
                Code::MissingField,
                flag,
                msg,
                "add cvss_v3, or remove `cvss_v3_all_scores`",
            );
        }
        match cvss?.with_all_scores() {
            Ok(c) => Some(c),
            Err(msg) => {
                self.error(Code::InvalidCvss, flag, msg, "check the `cvss_v3` vector");
                None
            }
        }
    }

    /// The products of the first score (`cvss_products`, `cvss_groups` or
    /// `cvss_product_ids`) and the further scores; `vectors` are the first score's.
    pub(super) fn scored(
        &mut self,
        v: &RawVulnerability,
        vulnerable: &[ProductId],
        groups: &[ProductGroup],
        defined: Option<&DefinedIds<'_>>,
        vectors: (Option<&CvssV2>, Option<&CvssV3>),
    ) -> ScoredProducts {
        let (mut products, groups) = self.score_products(v, vulnerable, groups);
        let mut ids = Vec::new();
        if let Some(explicit) = self.score_product_ids(v, defined) {
            (products, ids) = (explicit.products, explicit.ids);
        }
        // Only vulnerabilities with further scores pay for comparing them with the first.
        let others = if v.scores.is_empty() {
            Vec::new()
        } else {
            let first = Scored {
                versions: Scored::versions(vectors.0, vectors.1),
                ids: &ids,
                products: &products,
            };
            self.other_scores(&v.scores, vulnerable, defined, first)
        };
        ScoredProducts {
            products,
            groups,
            ids,
            others,
        }
    }

    /// `cvss_product_ids`: the exact ids of `scores[].products` and their catalog
    /// products, with a score and instead of `cvss_products` and `cvss_groups`.
    fn score_product_ids(
        &mut self,
        v: &RawVulnerability,
        defined: Option<&DefinedIds<'_>>,
    ) -> Option<ExplicitIds> {
        let list = v.cvss_product_ids.as_ref()?;
        if v.cvss_products.is_some() || !v.cvss_groups.is_empty() {
            self.one_of(list, "cvss_product_ids", "cvss_products`/`cvss_groups");
        }
        if v.cvss_v2.is_none() && v.cvss_v3.is_none() {
            let msg = "`cvss_product_ids` says which products the CVSS scores are for, but there is no CVSS v2 or v3 score".into();
            let help = "add cvss_v3 (or cvss_v2), or remove `cvss_product_ids`";
            self.error(Code::MissingField, list, msg, help);
        }
        Some(self.explicit_ids(list, defined, "cvss_product_ids"))
    }

    /// `[[vulnerabilities.scores]]`: each with a v2 or v3 vector, for the vulnerability's
    /// products unless `products` or `product_ids` (not both) name others; none for a
    /// product of an earlier score of the same CVSS version (CSAF test 6.1.7).
    fn other_scores(
        &mut self,
        raw: &[Spanned<RawScore>],
        vulnerable: &[ProductId],
        defined: Option<&DefinedIds<'_>>,
        first: Scored<'_>,
    ) -> Vec<Score> {
        let mut out: Vec<Score> = Vec::new();
        for entry in raw {
            let score = self.other_score(entry, vulnerable, defined);
            let this = Scored::of(&score);
            let clash = std::iter::once(first.clash(&this))
                .chain(out.iter().map(|s| Scored::of(s).clash(&this)))
                .flatten()
                .next();
            let s = entry.get_ref();
            if let Some((version, what)) = clash
                && let Some(at) = if version == "2.0" { &s.cvss_v2 } else { &s.cvss_v3 }
            {
                let msg = format!("{what} already has a CVSS v{version} score in this vulnerability");
                let help = "a product has one score per CVSS version (CSAF test 6.1.7): name other products here, or remove one score";
                self.error(Code::InvalidValue, at, msg, help);
            }
            out.push(score);
        }
        out
    }

    fn other_score(
        &mut self,
        entry: &Spanned<RawScore>,
        vulnerable: &[ProductId],
        defined: Option<&DefinedIds<'_>>,
    ) -> Score {
        let s = entry.get_ref();
        if s.cvss_v2.is_none() && s.cvss_v3.is_none() {
            let msg = "a [[vulnerabilities.scores]] entry has no vector".into();
            self.error(Code::MissingField, entry, msg, "add cvss_v3 (or cvss_v2)");
        }
        let cvss_v2 = self.cvss(&s.cvss_v2, &None, CvssV2::parse, |c| c.score);
        let cvss_v3 = self.cvss(&s.cvss_v3, &None, CvssV3::parse, |c| c.score);
        let cvss_v3 = self.all_scores(cvss_v3, &s.cvss_v3, &s.cvss_v3_all_scores);
        let explicit = s.product_ids.as_ref().map(|ids| {
            if s.products.is_some() {
                self.one_of(ids, "product_ids", "products");
            }
            self.explicit_ids(ids, defined, "product_ids")
        });
        let (products, product_ids) = match (explicit, &s.products) {
            (Some(e), _) => (e.products, e.ids),
            (None, Some(ids)) => (self.vulnerable_products(ids, vulnerable), Vec::new()),
            (None, None) => (vulnerable.to_vec(), Vec::new()),
        };
        Score {
            cvss_v2,
            cvss_v3,
            products,
            product_ids,
        }
    }
}
