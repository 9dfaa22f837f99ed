//! Finding the links in Markdown content that lead to the site itself, so that the build can
//! check them against the files it writes (see [`crate::validate::links`]).

use pulldown_cmark::{Event, LinkType, Parser, Tag};

use crate::model::advisory::BodyLink;

/// The links and images of `body` whose target has no scheme and is not only a fragment:
/// `/pgp/`, `../ACME-SA-2026-0001/`, `policy/#scope`. Spans are into the whole file
/// (`offset` is where the body starts in it). Links with a scheme (`https:`, `mailto:`)
/// lead elsewhere and are not returned.
pub fn site_links(body: &str, offset: usize) -> Vec<BodyLink> {
    // Most bodies link only to other sites: a look at the text after each `](` and `]:`
    // spares them a second Markdown parse.
    if !may_have_site_link(body) {
        return Vec::new();
    }
    let mut links = Vec::new();
    for (event, range) in Parser::new_ext(body, super::options()).into_offset_iter() {
        let (Event::Start(Tag::Link {
            link_type, dest_url, ..
        })
        | Event::Start(Tag::Image {
            link_type, dest_url, ..
        })) = event
        else {
            continue;
        };
        // An email autolink's target is the bare address.
        if link_type != LinkType::Email && is_site_target(&dest_url) {
            links.push(BodyLink {
                target: dest_url.to_string(),
                span: offset + range.start..offset + range.end,
            });
        }
    }
    links
}

/// Whether some `](target`, or `]: target` of a reference definition, in the text might be a
/// link to the site. Never false for a body that has one, except for a reference definition
/// whose label spans lines; may be true for text that only looks like one.
fn may_have_site_link(body: &str) -> bool {
    let bytes = body.as_bytes();
    let mut from = 0;
    while let Some(i) = body[from..].find(']').map(|i| from + i) {
        from = i + 1;
        let plausible = match bytes.get(i + 1) {
            Some(b'(') => true,
            // `[label]: target` starts its line (after container markers such as `>`, `-`
            // or `1.`); elsewhere `]:` is text ("[ERROR]: connection refused").
            Some(b':') => starts_definition(body, i),
            _ => false,
        };
        if !plausible {
            continue;
        }
        let rest = body[i + 2..].trim_start_matches([' ', '\t', '\n', '\r', '<']);
        if is_site_target(rest.split([' ', ')', '>', '\n']).next().unwrap_or_default()) {
            return true;
        }
    }
    false
}

/// Whether the `]` at `close` ends a label that opens its line: only spaces, tabs and list
/// or block-quote markers come before the label's `[`.
fn starts_definition(body: &str, close: usize) -> bool {
    let line_start = body[..close].rfind('\n').map_or(0, |n| n + 1);
    let line = &body[line_start..close];
    let Some(open) = line.find('[') else {
        return false;
    };
    line[..open]
        .chars()
        .all(|c| matches!(c, ' ' | '\t' | '>' | '-' | '*' | '+' | '.' | ')' | '0'..='9'))
}

/// A target without a scheme that names more than a fragment of the same page.
fn is_site_target(target: &str) -> bool {
    if target.is_empty() || target.starts_with('#') {
        return false;
    }
    let scheme_end = target.find(':');
    let first_separator = target.find(['/', '?', '#']);
    match (scheme_end, first_separator) {
        (Some(colon), Some(sep)) => colon > sep,
        (Some(_), None) => false,
        (None, _) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(body: &str) -> Vec<String> {
        site_links(body, 0).into_iter().map(|l| l.target).collect()
    }

    #[test]
    fn finds_links_to_the_site_only() {
        let body = "See [policy](/policy/), [key](../../pgp/ \"t\"), ![logo](img/a.png),\n\
                    [ext](https://example.org/x), [mail](mailto:a@b.example), <a@b.example>,\n\
                    [top](#top), [ref][r] and <https://example.org/>.\n\n[r]: /advisories/X-1/\n";
        assert_eq!(
            targets(body),
            ["/policy/", "../../pgp/", "img/a.png", "/advisories/X-1/"]
        );
    }

    #[test]
    fn spans_point_into_the_file() {
        let body = "Text [here](/x/).";
        let links = site_links(body, 100);
        assert_eq!(links[0].span, 105..116);
    }

    #[test]
    fn code_is_not_a_link() {
        assert!(targets("`[a](/b/)`\n\n    [c](/d/)\n").is_empty());
    }

    #[test]
    fn external_only_bodies_skip_the_parse() {
        assert!(!may_have_site_link(
            "[a](https://x.example/) and [b]: https://y.example/"
        ));
        assert!(may_have_site_link("[a]( /b/)"));
        assert!(may_have_site_link("[a]: <b/c>"));
        assert!(may_have_site_link("> - [a]: /b/"));
        assert!(!may_have_site_link("log line [crates.io]: rejected request"));
    }
}
