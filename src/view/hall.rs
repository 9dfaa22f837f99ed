//! The context of the acknowledgments page (`acknowledgments.html`).

use serde::Serialize;

use super::Common;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreditView {
    pub label: String,
    pub url: Option<String>,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResearcherView {
    pub name: String,
    pub organization: Option<String>,
    pub url: Option<String>,
    pub anonymous: bool,
    /// Credits in this year (the card's year).
    pub count: usize,
    /// Credits across all years.
    pub total: usize,
    pub credits: Vec<CreditView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearView {
    pub year: i16,
    pub researchers: Vec<ResearcherView>,
}

#[derive(Serialize)]
pub struct HallContext {
    #[serde(flatten)]
    pub common: Common,
    pub years: Vec<YearView>,
    pub total_researchers: usize,
}
