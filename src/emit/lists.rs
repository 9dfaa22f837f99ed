//! The list pages: the home page, the advisory index with its year and severity filters,
//! the product pages (each split into pages by `[lists] per_page`), plus the site's own
//! pages and the 404 page, as one job per output page.

use std::collections::BTreeMap;

use crate::hash::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::html::{content_page, not_found};
use super::page::{list_page, page};
use super::paginate::{self, Page};
use super::reuse::{self, Keys};
use super::{EmitOptions, OutputFile};
use crate::diag::Diagnostic;
use crate::digest::Key;
use crate::model::{Advisory, Severity};
use crate::routes;
use crate::site::Site;
use crate::theme::Theme;
use crate::view::{
    AdvisoryView, CardContext, Common, Family, HomeContext, IndexContext, Link, Pagination, ProductContext,
    ProductItem, ProductsContext, SeverityCount, YearGroup, main_feed_link, product_feed_link, product_ref,
    root_path, severity_feed_link,
};

/// Each advisory's summary view as a template value, made once and shared by every list
/// that shows it (the home page, the index, each year and severity, each product). Template
/// values are reference-counted, so a list of 10,000 advisories costs pointers, not copies.
/// The value carries `card`, the advisory's `partials/advisory_card.html`, rendered here
/// once instead of once per list (at 10,000 advisories the lists show ~45,000 cards).
/// Only the advisories of pages that are made get one: an incremental build that keeps
/// most list pages makes a few cards, not 10,000.
pub struct Summaries<'s>(HashMap<&'s str, tera::Value>);

impl<'s> Summaries<'s> {
    fn new(site: &'s Site, theme: &Theme, shown: &[&'s Advisory]) -> Result<Self, Diagnostic> {
        let values = shown
            .par_iter()
            .map(|a| {
                let value = summary_with_card(site, theme, a)?;
                Ok((a.id.as_str(), value))
            })
            .collect::<Result<_, Diagnostic>>()?;
        Ok(Summaries(values))
    }

    fn of<'a>(&self, advisories: impl IntoIterator<Item = &'a Advisory>) -> Vec<tera::Value> {
        advisories
            .into_iter()
            .filter_map(|a| self.0.get(a.id.as_str()).cloned())
            .collect()
    }
}

fn summary_with_card(site: &Site, theme: &Theme, a: &Advisory) -> Result<tera::Value, Diagnostic> {
    let what = "preparing the advisory lists";
    let view = tera::Value::try_from_serializable(&AdvisoryView::summary_of(site, a))
        .map_err(|e| crate::theme::template_error(&e, what))?;
    let what = format!("rendering the list card of {} ({})", a.id, a.source.display());
    let card = theme.render("partials/advisory_card.html", &CardContext { a: &view }, &what)?;
    if !view.is_map() {
        let msg = format!("{what}: the advisory's summary is not a map (a psirt-site bug)");
        return Err(Diagnostic::error(crate::diag::Code::Output, msg));
    }
    let mut map = view.into_map().unwrap_or_default();
    map.insert("card".into(), tera::Value::safe_string(&card));
    Ok(tera::Value::from(map))
}

type MakePage<'a> = Box<dyn Fn(&Summaries<'_>) -> Result<OutputFile, Diagnostic> + Sync + Send + 'a>;

/// One page of the lists: made, or taken from the previous build when its key matches.
pub struct ListJob<'a> {
    /// The key of everything the page is made from ([`reuse::list_page_key`]) and the file
    /// it is written to; `None`: the page is made on every build (the few pages that read
    /// more than the lists' context and their cards: the home page, the product list, the
    /// site's own pages).
    keyed: Option<(Key, String)>,
    /// The advisories whose cards the page shows.
    shows: Vec<&'a Advisory>,
    make: MakePage<'a>,
}

impl<'a> ListJob<'a> {
    /// A page made on every build.
    fn always(shows: Vec<&'a Advisory>, make: MakePage<'a>) -> Self {
        ListJob {
            keyed: None,
            shows,
            make,
        }
    }

    /// A page of a list at `path`, kept by its key.
    fn keyed(keys: &Keys<'_>, path: &str, shows: Vec<&'a Advisory>, make: MakePage<'a>) -> Self {
        let key = reuse::list_page_key(keys, path, shows.iter().copied());
        ListJob {
            keyed: key.map(|key| (key, routes::page_file(path))),
            shows,
            make,
        }
    }

    /// The page's key and the file it is written to, if it has a key.
    pub fn key_and_file(&self) -> Option<&(Key, String)> {
        self.keyed.as_ref()
    }

    /// Makes the page; `summaries` must hold the cards of every advisory it shows.
    pub fn make(&self, summaries: &Summaries<'_>) -> Result<OutputFile, Diagnostic> {
        (self.make)(summaries)
    }
}

/// Every page except the advisory pages (see [`super::html::advisory`]): the lists, the
/// site's own pages and the 404 page, as one job per page, so that the caller can write
/// each page as soon as it is made.
pub struct Lists<'a> {
    site: &'a Site,
    theme: &'a Theme,
    opts: EmitOptions,
}

impl<'a> Lists<'a> {
    pub fn new(site: &'a Site, theme: &'a Theme, opts: EmitOptions) -> Self {
        Lists { site, theme, opts }
    }

    /// The cards of every advisory these jobs show.
    pub fn summaries(&self, jobs: &[&ListJob<'a>]) -> Result<Summaries<'a>, Diagnostic> {
        let mut shown: Vec<&'a Advisory> = jobs.iter().flat_map(|j| j.shows.iter().copied()).collect();
        shown.sort_unstable_by(|a, b| a.id.as_str().cmp(b.id.as_str()));
        shown.dedup_by(|a, b| a.id == b.id);
        Summaries::new(self.site, self.theme, &shown)
    }

    pub fn jobs(&self, keys: &Keys<'_>) -> Vec<ListJob<'a>> {
        let (site, theme, opts) = (self.site, self.theme, self.opts);
        let latest: Vec<&Advisory> = site.advisories.iter().take(10).map(Arc::as_ref).collect();
        let mut jobs: Vec<ListJob<'a>> = vec![
            ListJob::always(latest, Box::new(move |s| home(site, theme, opts, s))),
            ListJob::always(Vec::new(), Box::new(move |_| products_index(site, theme, opts))),
            ListJob::always(Vec::new(), Box::new(move |_| not_found(site, theme, opts))),
        ];
        let filtered = filtered(site);
        let years: Vec<i16> = filtered
            .iter()
            .filter_map(|(f, ..)| match f {
                Filter::Year(y) => Some(*y),
                _ => None,
            })
            .collect();
        let (per_page, root) = (site.config.lists.per_page, root_path(site.config.base()));
        // Each list's pages (their keys read every card's) on every core, in order.
        let index = filtered
            .into_par_iter()
            .flat_map_iter(|(filter, list, per_year)| {
                let (total, years) = (list.len(), &years);
                let pages = paginate::split(&list, per_page, &filter.path(), &root);
                pages.into_iter().map(move |page| {
                    let (years, per_year) = (years.clone(), per_year.clone());
                    let (path, shows) = (page.path.clone(), page.items.clone());
                    let make: MakePage<'a> = Box::new(move |summaries| {
                        let list = ListPage {
                            filter,
                            page: &page,
                            total,
                            per_year: &per_year,
                        };
                        advisory_index(site, theme, opts, summaries, &list, &years)
                    });
                    ListJob::keyed(keys, &path, shows, make)
                })
            });
        jobs.par_extend(index);
        let by_product = site.advisories_by_product();
        let products = site.catalog.products.values().collect::<Vec<_>>();
        let products = products.into_par_iter().flat_map_iter(|p| {
            let list = by_product.get(&p.id).cloned().unwrap_or_default();
            let (base, total) = (routes::product_dir(&p.id), list.len());
            let pages = paginate::split(&list, per_page, &base, &root);
            pages.into_iter().map(move |page| {
                let (path, shows) = (page.path.clone(), page.items.clone());
                let make = move |s: &Summaries<'_>| product(site, theme, opts, s, p, &page, total);
                ListJob::keyed(keys, &path, shows, Box::new(make))
            })
        });
        jobs.par_extend(products);
        for p in &site.pages {
            jobs.push(ListJob::always(
                Vec::new(),
                Box::new(move |_| content_page(site, theme, opts, p)),
            ));
        }
        jobs
    }
}

/// Every severity, and `None` (unrated) when some advisory has no score (as [`filtered`]).
fn severities(site: &Site) -> Vec<Option<Severity>> {
    let mut out: Vec<Option<Severity>> = Severity::ALL.iter().copied().map(Some).collect();
    if site.advisories.iter().any(|a| a.severity().is_none()) {
        out.push(None);
    }
    out
}

/// Every filter of the advisory index with its advisories in site order, sorted out in one
/// pass over the site: all; each year, newest first; every severity, and `None` (unrated)
/// when some advisory has no score (a site that rates every advisory gets no empty
/// "Unrated" page or tile).
/// With each filter, how many of its advisories each year has.
fn filtered(site: &Site) -> Vec<(Filter, Vec<&Advisory>, PerYear)> {
    let mut years: BTreeMap<i16, Vec<&Advisory>> = BTreeMap::new();
    // Index `Severity::ALL.len()`: unrated.
    let mut severities = vec![(Vec::new(), PerYear::new()); Severity::ALL.len() + 1];
    for a in site.advisories.iter().map(Arc::as_ref) {
        let year = a.year();
        years.entry(year).or_default().push(a);
        let at = a
            .severity()
            .and_then(|s| Severity::ALL.iter().position(|x| *x == s));
        let (list, per_year) = &mut severities[at.unwrap_or(Severity::ALL.len())];
        list.push(a);
        *per_year.entry(year).or_default() += 1;
    }
    let all = site.advisories.iter().map(Arc::as_ref).collect();
    let per_year = years.iter().map(|(y, list)| (*y, list.len())).collect();
    let mut out = vec![(Filter::All, all, per_year)];
    out.extend(years.into_iter().rev().map(|(y, list)| {
        let per_year = PerYear::from([(y, list.len())]);
        (Filter::Year(y), list, per_year)
    }));
    let unrated = severities.pop().filter(|(list, _)| !list.is_empty());
    let filters = Severity::ALL.iter().map(|s| Filter::Severity(Some(*s)));
    out.extend(
        filters
            .zip(severities)
            .map(|(f, (list, per_year))| (f, list, per_year)),
    );
    if let Some((list, per_year)) = unrated {
        out.push((Filter::Severity(None), list, per_year));
    }
    out
}

/// How many advisories of a list each year has.
type PerYear = BTreeMap<i16, usize>;

fn home(
    site: &Site,
    theme: &Theme,
    opts: EmitOptions,
    summaries: &Summaries<'_>,
) -> Result<OutputFile, Diagnostic> {
    let root = root_path(site.config.base());
    let ctx = HomeContext {
        common: Common::new(site, opts, "home", "Security advisories", ""),
        latest: summaries.of(site.advisories.iter().take(10).map(Arc::as_ref)),
        // Every advisory is in one tile, unrated ones too, so that the tiles add up
        // to the total shown beside them.
        counts: severities(site)
            .into_iter()
            .map(|s| {
                let (severity, label) = crate::view::severity_key(s);
                SeverityCount {
                    severity,
                    label,
                    count: site.advisories.iter().filter(|a| a.severity() == s).count(),
                    url: format!("{root}/{}", Filter::Severity(s).path()),
                }
            })
            .collect(),
        total: site.advisories.len(),
        products: site
            .catalog
            .products
            .keys()
            .map(|id| product_ref(site, id, &root))
            .collect(),
    };
    page(theme, "index.html", &ctx, routes::HOME, "rendering the home page")
}

/// A filter of the advisory index: all, one year, or one severity (`None`: unrated).
#[derive(Clone, Copy, PartialEq)]
enum Filter {
    All,
    Year(i16),
    Severity(Option<Severity>),
}

/// One page of a filtered list.
struct ListPage<'p, 'a> {
    filter: Filter,
    page: &'p Page<&'a Advisory>,
    /// Advisories of the whole list, and per year.
    total: usize,
    per_year: &'p BTreeMap<i16, usize>,
}

impl Filter {
    fn path(self) -> String {
        match self {
            Filter::All => routes::ADVISORIES.into(),
            Filter::Year(y) => routes::year_list(y),
            Filter::Severity(s) => routes::severity_list(crate::view::severity_key(s).0),
        }
    }

    fn heading(self) -> String {
        match self {
            Filter::All => "All advisories".into(),
            Filter::Year(y) => format!("Advisories published in {y}"),
            Filter::Severity(Some(s)) => format!("{} severity advisories", s.label()),
            Filter::Severity(None) => "Unrated advisories".into(),
        }
    }
}

/// A page's title: the list's, and which page it is when there are several.
fn page_title(title: &str, p: &Pagination) -> String {
    match p.pages {
        0 | 1 => title.to_string(),
        n => format!("{title}, page {} of {n}", p.page),
    }
}

/// The advisories of one page grouped by year of first release, newest first (the page's
/// advisories are in site order, newest first, so a year's advisories are consecutive).
fn year_groups(summaries: &Summaries<'_>, list: &ListPage<'_, '_>) -> Vec<YearGroup> {
    list.page
        .items
        .chunk_by(|a, b| a.year() == b.year())
        .map(|run| YearGroup {
            year: run[0].year(),
            count: list.per_year.get(&run[0].year()).copied().unwrap_or(run.len()),
            advisories: summaries.of(run.iter().copied()),
        })
        .collect()
}

/// One page of the index, a year or a severity; `total` counts all pages' advisories.
fn advisory_index(
    site: &Site,
    theme: &Theme,
    opts: EmitOptions,
    summaries: &Summaries<'_>,
    list: &ListPage<'_, '_>,
    years: &[i16],
) -> Result<OutputFile, Diagnostic> {
    let (filter, page, total) = (list.filter, list.page, list.total);
    let root = root_path(site.config.base());
    let link = |label: String, f: Filter| Link {
        label,
        url: format!("{root}/{}", f.path()),
        current: f == filter,
    };
    let mut year_links = vec![link("All years".into(), Filter::All)];
    year_links.extend(years.iter().map(|y| link(y.to_string(), Filter::Year(*y))));
    let severities = severities(site)
        .into_iter()
        .map(|s| link(crate::view::severity_key(s).1.into(), Filter::Severity(s)))
        .collect();
    let groups = year_groups(summaries, list);
    let mut feeds = vec![main_feed_link(site)];
    if let Filter::Severity(Some(s)) = filter {
        feeds.push(severity_feed_link(site, s));
    }
    let heading = filter.heading();
    let title = page_title(&heading, &page.pagination);
    let ctx = IndexContext {
        common: Common::new(site, opts, "advisories", &title, &page.path).with_feeds(feeds),
        heading,
        groups,
        years: year_links,
        severities,
        total,
        pagination: page.pagination.clone(),
    };
    let what = "rendering the advisory index";
    list_page(theme, "advisories.html", &ctx, &page.path, what, page.items.len())
}

fn products_index(site: &Site, theme: &Theme, opts: EmitOptions) -> Result<OutputFile, Diagnostic> {
    let root = root_path(site.config.base());
    // By name (the order they are shown in); counts from one pass over the rows. A
    // search of the families and of the advisories per product was quadratic.
    let mut families: BTreeMap<String, Vec<ProductItem>> = BTreeMap::new();
    let by_product = site.advisories_by_product();
    for p in site.catalog.products.values() {
        let name = p.family.clone().unwrap_or_else(|| "Other products".into());
        families.entry(name).or_default().push(ProductItem {
            id: p.id.to_string(),
            name: p.name.clone(),
            url: product_ref(site, &p.id, &root).url,
            description: p.description.clone(),
            count: by_product.get(&p.id).map_or(0, Vec::len),
        });
    }
    let families: Vec<Family> = families
        .into_iter()
        .map(|(name, products)| Family { name, products })
        .collect();
    let index = ProductsContext {
        common: Common::new(site, opts, "products", "Products", routes::PRODUCTS),
        families,
    };
    let what = "rendering the product list";
    page(theme, "products.html", &index, routes::PRODUCTS, what)
}

/// One page of a product's advisories; `total` counts all pages' advisories.
fn product(
    site: &Site,
    theme: &Theme,
    opts: EmitOptions,
    summaries: &Summaries<'_>,
    p: &crate::model::Product,
    page: &Page<&Advisory>,
    total: usize,
) -> Result<OutputFile, Diagnostic> {
    let title = page_title(&format!("Advisories for {}", p.name), &page.pagination);
    let ctx = ProductContext {
        common: Common::new(site, opts, "products", &title, &page.path)
            .with_feeds(vec![main_feed_link(site), product_feed_link(site, &p.id)]),
        product: p.clone(),
        advisories: summaries.of(page.items.iter().copied()),
        total,
        pagination: page.pagination.clone(),
    };
    let what = format!("rendering product {}", p.id);
    let cards = ctx.advisories.len();
    list_page(theme, "product.html", &ctx, &page.path, &what, cards)
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Filter {
        fn keeps(self, a: &Advisory) -> bool {
            match self {
                Filter::All => true,
                Filter::Year(y) => a.year() == y,
                Filter::Severity(s) => a.severity() == s,
            }
        }
    }

    /// The one pass that sorts advisories into filters gives each filter what filtering
    /// the site by it gives, in site order, and the filters in the index's order.
    #[test]
    fn each_filter_has_the_advisories_it_keeps() {
        let site = crate::emit::demo_site();
        let filtered = filtered(&site);
        let mut years: Vec<i16> = site.advisories.iter().map(|a| a.year()).collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        years.dedup();
        let mut expected = vec![Filter::All];
        expected.extend(years.into_iter().map(Filter::Year));
        expected.extend(severities(&site).into_iter().map(Filter::Severity));
        assert!(expected.len() > 3, "the demo has years and severities");
        assert!(
            filtered.iter().map(|(f, ..)| *f).eq(expected),
            "filters in the index's order"
        );
        for (filter, list, per_year) in &filtered {
            let kept = site
                .advisories
                .iter()
                .map(Arc::as_ref)
                .filter(|a| filter.keeps(a));
            assert!(list.iter().map(|a| a.id.as_str()).eq(kept.map(|a| a.id.as_str())));
            let mut counted = PerYear::new();
            list.iter()
                .for_each(|a| *counted.entry(a.year()).or_default() += 1);
            assert_eq!(*per_year, counted, "{:?}", filter.path());
        }
    }
}
