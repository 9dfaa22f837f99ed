//! The contexts of the list pages: home, the advisory index (all, per year, per severity),
//! the product list and each product's page, with their pagination.

use serde::Serialize;

use super::{Common, Link, ProductRef};

#[derive(Serialize)]
pub struct CardContext<'v> {
    pub a: &'v tera::Value,
}

#[derive(Serialize)]
pub struct SeverityCount {
    pub severity: &'static str,
    pub label: &'static str,
    pub count: usize,
    pub url: String,
}

#[derive(Serialize)]
pub struct HomeContext {
    #[serde(flatten)]
    pub common: Common,
    pub latest: Vec<tera::Value>,
    pub counts: Vec<SeverityCount>,
    pub total: usize,
    pub products: Vec<ProductRef>,
}

#[derive(Serialize)]
pub struct YearGroup {
    pub year: i16,
    /// The list's advisories of this year on all its pages (not only this page's).
    pub count: usize,
    pub advisories: Vec<tera::Value>,
}

#[derive(Serialize)]
pub struct IndexContext {
    #[serde(flatten)]
    pub common: Common,
    pub heading: String,
    pub groups: Vec<YearGroup>,
    pub years: Vec<Link>,
    pub severities: Vec<Link>,
    pub total: usize,
    pub pagination: Pagination,
}

#[derive(Serialize)]
pub struct ProductItem {
    pub id: String,
    pub name: String,
    pub url: String,
    pub description: Option<String>,
    pub count: usize,
}

#[derive(Serialize)]
pub struct Family {
    pub name: String,
    pub products: Vec<ProductItem>,
}

#[derive(Serialize)]
pub struct ProductsContext {
    #[serde(flatten)]
    pub common: Common,
    pub families: Vec<Family>,
}

#[derive(Serialize)]
pub struct ProductContext {
    #[serde(flatten)]
    pub common: Common,
    pub product: crate::model::Product,
    pub advisories: Vec<tera::Value>,
    pub total: usize,
    pub pagination: Pagination,
}

/// Where one page stands among the pages of its list, for the template.
#[derive(Debug, Clone, Serialize)]
pub struct Pagination {
    /// This page's number, from 1.
    pub page: usize,
    /// How many pages the list has (1 when it is not split).
    pub pages: usize,
    /// Site-relative URLs of the neighbouring pages, `null` at either end.
    pub previous: Option<String>,
    pub next: Option<String>,
    /// The page links to show: the first and last page and two on each side of this one,
    /// with a gap (`url` null) where pages are left out.
    pub links: Vec<PageLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    pub label: String,
    pub url: Option<String>,
    pub current: bool,
}
