//! The `too-large` limit: how many (vulnerability, product) pairs an advisory relates,
//! counted before the build makes any per-vulnerability list (see docs/security.md), and
//! the products each vulnerability concerns, made in one pass once the count is known.

use super::advisory::Affected;
use super::build::Builder;
use super::ids::ProductId;
use super::raw::RawAdvisory;
use crate::diag::Code;
use crate::hash::HashSet;

/// Most (vulnerability, product) and (remediation, product) pairs one advisory may have.
/// Large real advisories have a few tens of thousands (100 CVEs for 200 products); at this
/// limit `check` takes under a second.
pub const MAX_PRODUCT_STATUSES: usize = 100_000;

/// Most pairs as [`MAX_PRODUCT_STATUSES`] counts them when every `[[affected]]` entry is
/// taken to concern every vulnerability, what the build's per-vulnerability passes over
/// the entries cost. Ten times the pairs: an imported 10 MB advisory (150 vulnerabilities,
/// 1,000 products, entries limited to the vulnerabilities they concern) has 210,000 and
/// 90,000 real pairs; a hostile one of many vulnerabilities and many limited entries is
/// refused before the build does vulnerabilities × entries work.
pub const MAX_PRODUCT_VISITS: usize = 10 * MAX_PRODUCT_STATUSES;

impl Builder<'_> {
    /// Whether the (vulnerability, product) pairs, each a product status in the CSAF
    /// document, a link on the page and a CSAF test, stay within [`MAX_PRODUCT_STATUSES`].
    /// They grow with vulnerabilities times products: a 200 KB advisory of 2,000 of each
    /// took 40 s and 5 GB. Counted from the raw lists and `concerned` (what each
    /// vulnerability concerns without a `products` list, see [`concerned_counts`]), before
    /// any per-vulnerability list is made. The build still visits every concerned product
    /// for every vulnerability whose entries are limited to some, so the pairs counted as if
    /// no entry were limited stay within [`MAX_PRODUCT_VISITS`].
    pub(super) fn product_statuses_fit(
        &mut self,
        raw: &RawAdvisory,
        affected: &[Affected],
        concerned: &[usize],
        all: usize,
    ) -> bool {
        let pairs = related_pairs(raw, |i| concerned.get(i).copied().unwrap_or(all));
        let other = other_status_pairs(affected, raw.vulnerabilities.len());
        // A vulnerability that lists its own `products` is still checked against every
        // entry: 6,000 such vulnerabilities and entries (860 KB) took 8.6 s, growing with the
        // square. Each counts for all the products as well.
        let own = raw
            .vulnerabilities
            .iter()
            .filter(|v| v.products.is_some())
            .count();
        let visits = related_pairs(raw, |_| all).saturating_add(own.saturating_mul(all));
        let help = "split it into advisories per product family, or name the concerned `products` of each vulnerability";
        if pairs > MAX_PRODUCT_STATUSES {
            let msg = format!(
                "the advisory relates {pairs} products to its vulnerabilities and remediations, more than {MAX_PRODUCT_STATUSES}"
            );
            self.error(Code::TooLarge, &raw.id, msg, help);
            return false;
        }
        if other > MAX_PRODUCT_STATUSES {
            let msg = format!(
                "the advisory's fixed and not-affected statements make {other} product statuses for its vulnerabilities, more than {MAX_PRODUCT_STATUSES}"
            );
            let help = "split it into advisories per product family, or limit each statement to the `vulnerabilities` it is about";
            self.error(Code::TooLarge, &raw.id, msg, help);
            return false;
        }
        if visits > MAX_PRODUCT_VISITS {
            let msg = format!(
                "the advisory's [[affected]] entries name {all} products for {} vulnerabilities: {visits} combinations to check, more than {MAX_PRODUCT_VISITS}",
                raw.vulnerabilities.len()
            );
            self.error(Code::TooLarge, &raw.id, msg, help);
            return false;
        }
        true
    }
}

/// The (vulnerability or remediation or threat, product) pairs of the advisory, given how
/// many products the vulnerability at each index concerns without a `products` list.
fn related_pairs(raw: &RawAdvisory, concerned: impl Fn(usize) -> usize) -> usize {
    let mut pairs = 0usize;
    for (i, v) in raw.vulnerabilities.iter().enumerate() {
        let products = v.products.as_ref().map_or_else(|| concerned(i), Vec::len);
        let remediated: usize = v
            .remediations
            .iter()
            .map(|r| {
                let explicit = r.product_ids.as_ref().map(|ids| ids.get_ref().len());
                r.products.as_ref().map(Vec::len).or(explicit).unwrap_or(products)
            })
            .sum();
        let threatened: usize = v
            .threats
            .iter()
            .filter_map(|t| t.products.as_ref())
            .map(Vec::len)
            .sum();
        pairs = pairs
            .saturating_add(products)
            .saturating_add(remediated)
            .saturating_add(threatened);
    }
    pairs
}

/// The product statuses of the entries that concern no vulnerability (fixed, known not
/// affected): each is a (vulnerability, product) pair of the CSAF document's
/// `product_status` too, bounded by [`MAX_PRODUCT_STATUSES`] on its own. An entry limited
/// to some `vulnerabilities` counts for those only. Without this bound, 1,500
/// `known_not_affected` entries for 1,500 vulnerabilities (a 240 KB file) made 2.25
/// million statuses: 10 s and 1.8 GB for `check`.
fn other_status_pairs(affected: &[Affected], vulnerabilities: usize) -> usize {
    affected
        .iter()
        .filter(|a| !a.status.is_concerned())
        .map(|a| a.vulnerabilities.as_ref().map_or(vulnerabilities, Vec::len))
        .fold(0, usize::saturating_add)
}

/// Per vulnerability, how many products its `[[affected]]` entries concern: the length of
/// the list [`concerned_by_vulnerability`] would make, counted without making it. An entry
/// limited to some `vulnerabilities` counts for those only (import writes large documents
/// so: counting it for every vulnerability refused a 10 MB document of 90,000 pairs as
/// 210,000). One pass over the entries and their lists, so a hostile file costs no more
/// than its size before the limit is checked.
pub(super) fn concerned_counts(affected: &[Affected], vulnerabilities: usize, all: usize) -> Vec<usize> {
    if affected.iter().all(|a| a.vulnerabilities.is_none()) {
        return vec![all; vulnerabilities];
    }
    let everywhere: HashSet<&ProductId> = affected
        .iter()
        .filter(|a| a.status.is_concerned() && a.vulnerabilities.is_none())
        .map(|a| &a.product)
        .collect();
    let mut counts = vec![everywhere.len(); vulnerabilities];
    let mut seen: HashSet<(usize, &ProductId)> = HashSet::default();
    for a in affected.iter().filter(|a| a.status.is_concerned()) {
        let Some(indexes) = &a.vulnerabilities else {
            continue;
        };
        if everywhere.contains(&a.product) {
            continue;
        }
        for &i in indexes {
            if i < vulnerabilities && seen.insert((i, &a.product)) {
                counts[i] += 1;
            }
        }
    }
    counts
}

/// Per vulnerability, the products its entries concern, once each in entry order, in one
/// pass (one pass per vulnerability was vulnerabilities × entries); `None` when no entry is
/// limited, as every vulnerability then concerns them all.
pub(super) fn concerned_by_vulnerability(
    affected: &[Affected],
    vulnerabilities: usize,
) -> Option<Vec<Vec<ProductId>>> {
    if affected.iter().all(|a| a.vulnerabilities.is_none()) {
        return None;
    }
    let mut lists: Vec<Vec<ProductId>> = vec![Vec::new(); vulnerabilities];
    let mut seen: HashSet<(usize, &ProductId)> = HashSet::default();
    for a in affected.iter().filter(|a| a.status.is_concerned()) {
        let mut add = |i: usize| {
            if seen.insert((i, &a.product)) {
                lists[i].push(a.product.clone());
            }
        };
        match &a.vulnerabilities {
            None => (0..vulnerabilities).for_each(&mut add),
            Some(indexes) => indexes
                .iter()
                .filter(|&&i| i < vulnerabilities)
                .for_each(|&i| add(i)),
        }
    }
    Some(lists)
}
