//! Pagination of the advisory lists (the index, each year, each severity, each product):
//! `[lists] per_page` advisories per page, page 1 at the list's own path and page `n` at
//! `<path>page/<n>/`. Without it, the index of a PSIRT with 10,000 advisories is one 9 MB
//! page that browsers and screen readers struggle with.

use crate::view::{PageLink, Pagination};

/// One page of a list: its path (for the output file and canonical URL), the items on it,
/// and its place among its siblings.
pub struct Page<T> {
    pub path: String,
    pub items: Vec<T>,
    pub pagination: Pagination,
}

/// Splits `items` into pages of `per_page` (all on one page for `0`). An empty list still
/// has one page, which says that nothing matches. `root` prefixes site-relative URLs.
pub fn split<T: Clone>(items: &[T], per_page: usize, base: &str, root: &str) -> Vec<Page<T>> {
    let size = if per_page == 0 {
        items.len().max(1)
    } else {
        per_page
    };
    let chunks: Vec<&[T]> = if items.is_empty() {
        vec![&[]]
    } else {
        items.chunks(size).collect()
    };
    let pages = chunks.len();
    let url = |n: usize| format!("{root}/{}", crate::routes::list_page(base, n));
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, chunk)| {
            let page = i + 1;
            Page {
                path: crate::routes::list_page(base, page),
                items: chunk.to_vec(),
                pagination: Pagination {
                    page,
                    pages,
                    previous: (page > 1).then(|| url(page - 1)),
                    next: (page < pages).then(|| url(page + 1)),
                    links: links(page, pages, &url),
                },
            }
        })
        .collect()
}

/// Page numbers around `page` with gaps, as in "1 … 4 5 [6] 7 8 … 20".
fn links(page: usize, pages: usize, url: &dyn Fn(usize) -> String) -> Vec<PageLink> {
    if pages <= 1 {
        return Vec::new();
    }
    let shown = |n: usize| n == 1 || n == pages || n.abs_diff(page) <= 2;
    let mut out = Vec::new();
    for n in 1..=pages {
        if shown(n) {
            out.push(PageLink {
                label: n.to_string(),
                url: Some(url(n)),
                current: n == page,
            });
        } else if out.last().is_some_and(|l: &PageLink| l.url.is_some()) {
            out.push(PageLink {
                label: "…".into(),
                url: None,
                current: false,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(p: &Pagination) -> String {
        let labels: Vec<&str> = p.links.iter().map(|l| l.label.as_str()).collect();
        labels.join(" ")
    }

    #[test]
    fn one_page_when_everything_fits_or_per_page_is_zero() {
        for per_page in [0, 10] {
            let pages = split(&[1, 2, 3], per_page, "advisories/", "");
            assert_eq!(pages.len(), 1);
            assert_eq!(pages[0].path, "advisories/");
            assert_eq!(pages[0].items, [1, 2, 3]);
            assert!(pages[0].pagination.links.is_empty());
            assert_eq!(pages[0].pagination.previous, None);
            assert_eq!(pages[0].pagination.next, None);
        }
        let empty = split::<u8>(&[], 10, "advisories/", "");
        assert_eq!(empty.len(), 1, "an empty list still has its page");
    }

    #[test]
    fn pages_have_paths_neighbours_and_a_window_of_links() {
        let items: Vec<usize> = (0..95).collect();
        let pages = split(&items, 10, "advisories/2024/", "/sec");
        assert_eq!(pages.len(), 10);
        assert_eq!(pages[9].items.len(), 5);
        assert_eq!(pages[1].path, "advisories/2024/page/2/");
        let p = &pages[5].pagination;
        assert_eq!((p.page, p.pages), (6, 10));
        assert_eq!(p.previous.as_deref(), Some("/sec/advisories/2024/page/5/"));
        assert_eq!(p.next.as_deref(), Some("/sec/advisories/2024/page/7/"));
        assert_eq!(labels(p), "1 … 4 5 6 7 8 … 10");
        assert!(p.links.iter().filter(|l| l.current).all(|l| l.label == "6"));
        assert_eq!(labels(&pages[0].pagination), "1 2 3 … 10");
        assert_eq!(
            pages[0].pagination.links[0].url.as_deref(),
            Some("/sec/advisories/2024/")
        );
        assert_eq!(labels(&pages[9].pagination), "1 … 8 9 10");
        assert_eq!(labels(&pages[3].pagination), "1 2 3 4 5 6 … 10");
    }
}
