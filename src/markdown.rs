//! Markdown to HTML with a fixed set of options, safe by default: raw HTML is shown as
//! text unless the site opts in, link targets are limited to safe schemes, headings get
//! anchors and footnote ids get a prefix so they cannot collide with the page's own ids.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

use crate::model::advisory::Section;

mod anchors;
mod links;

use anchors::Slugs;
pub use anchors::{RenamedId, is_theme_id, slugify};
pub use links::site_links;

/// The rendered body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// `##` sections: heading and Markdown range in the body (for CSAF notes).
    pub sections: Vec<Section>,
    /// Byte range (in the body) of a level-1 heading, if the body has one.
    pub h1: Option<Range<usize>>,
    /// Headings whose given id was taken, with the anchor each got instead.
    pub renamed: Vec<RenamedId>,
    /// Each `##` heading's text and anchor, for the page's table of contents.
    pub toc: Vec<TocEntry>,
}

/// A `##` heading of a body as the table of contents links to it.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct TocEntry {
    pub label: String,
    pub id: String,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Nesting deeper than this is flattened to text: deeply nested input would otherwise
/// make rendering (and browsers) slow.
const MAX_DEPTH: usize = 64;

pub fn render(body: &str, raw_html: bool) -> Rendered {
    let (events, mut out) = process(body, raw_html, Keep::Events);
    // Rendered HTML is a little longer than its Markdown.
    out.html.reserve(body.len() + body.len() / 4);
    html::push_html(&mut out.html, events.into_iter());
    out
}

/// As [`render`] without making the HTML: the sections and the level-1 heading.
pub fn outline(body: &str, raw_html: bool) -> Rendered {
    process(body, raw_html, Keep::Outline).1
}

/// Whether the body might have a level-1 heading: a line that, after any indentation and
/// block-quote or list markers, starts with `#` and then a space, a tab or the line's end, or
/// consists of `=` (a setext underline). Never false for a body that has one; a `true` may
/// be a line in a code block, which [`outline`] then tells apart.
pub fn may_have_h1(body: &str) -> bool {
    // Only lines with a `#` or `=` can be one; find those without looking at every line.
    let bytes = body.as_bytes();
    let mut from = 0;
    while let Some(found) = bytes
        .get(from..)
        .and_then(|rest| memchr::memchr2(b'#', b'=', rest))
    {
        let at = from + found;
        // Line breaks are ASCII, so these are char boundaries.
        let start = memchr::memrchr2(b'\n', b'\r', &bytes[..at]).map_or(0, |p| p + 1);
        let end = memchr::memchr2(b'\n', b'\r', &bytes[at..]).map_or(bytes.len(), |p| at + p);
        if line_may_be_h1(&body[start..end]) {
            return true;
        }
        from = end;
    }
    false
}

/// Whether a heading might give its own id (`{#id}`); [`outline`] then tells which ids
/// were taken.
pub fn may_have_heading_id(body: &str) -> bool {
    memchr::memmem::find(body.as_bytes(), b"{#").is_some()
}

/// One line of [`may_have_h1`].
fn line_may_be_h1(line: &str) -> bool {
    let rest = after_container_markers(line);
    let atx = rest
        .strip_prefix('#')
        .is_some_and(|after| after.is_empty() || after.starts_with([' ', '\t']));
    let setext = rest.starts_with('=') && rest.trim_end().bytes().all(|b| b == b'=');
    atx || setext
}

/// `line` without leading whitespace, `>` and list markers (`-`, `*`, `+`, `1.`, `1)` and a
/// space), however deeply nested.
fn after_container_markers(line: &str) -> &str {
    let mut rest = line;
    loop {
        let trimmed = rest.trim_start_matches([' ', '\t', '>']);
        let digits = trimmed.len() - trimmed.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let marker = match trimmed.as_bytes().get(digits) {
            Some(b'-' | b'*' | b'+') if digits == 0 => 1,
            Some(b'.' | b')') if digits > 0 => digits + 1,
            _ => 0,
        };
        let after = &trimmed[marker..];
        let next = if marker > 0 && (after.is_empty() || after.starts_with([' ', '\t'])) {
            after
        } else {
            trimmed
        };
        if next.len() == rest.len() {
            return rest;
        }
        rest = next;
    }
}

/// What [`process`] keeps besides the outline.
#[derive(Clone, Copy, PartialEq)]
enum Keep {
    /// Every event, to render.
    Events,
    /// Only what the outline needs (heading texts): no event list is built.
    Outline,
}

/// The sanitised events of the body (headings already turned into HTML with anchors), and
/// its outline.
fn process(body: &str, raw_html: bool, keep: Keep) -> (Vec<Event<'_>>, Rendered) {
    let mut out = Rendered::default();
    // Ids the theme's page layout uses itself are never given out (see `THEME_IDS`).
    let mut slugs = Slugs::new();
    // About one event per 16 bytes of Markdown: sized once instead of grown by doubling.
    let mut events: Vec<Event<'_>> = match keep {
        Keep::Events => Vec::with_capacity(body.len() / 16),
        Keep::Outline => Vec::new(),
    };
    let mut heading: Option<(HeadingLevel, usize, Vec<Event<'_>>, Option<CowStr<'_>>)> = None;
    // The `note=<category>` attribute of the heading being read.
    let mut note: Option<String> = None;
    let mut h2_starts: Vec<H2> = Vec::new();
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        let event = sanitize(event, raw_html);
        match event {
            Event::Start(Tag::Heading { level, id, attrs, .. }) => {
                heading = Some((level, range.start, Vec::new(), id));
                note = note_attribute(&attrs);
            }
            Event::End(TagEnd::Heading(level)) => {
                let Some((_, start, inner, given_id)) = heading.take() else {
                    continue;
                };
                let text = plain_text(&inner);
                let id = match given_id {
                    Some(given) => {
                        let id = slugs.explicit(&given);
                        if id != *given {
                            out.renamed.push(RenamedId {
                                theme: is_theme_id(&given),
                                given: given.to_string(),
                                id: id.clone(),
                                heading: start..range.end,
                            });
                        }
                        id
                    }
                    None => slugs.auto(&text),
                };
                if level == HeadingLevel::H1 && out.h1.is_none() {
                    out.h1 = Some(start..range.end);
                }
                if level == HeadingLevel::H2 {
                    out.toc.push(TocEntry {
                        label: text.clone(),
                        id: id.clone(),
                    });
                    h2_starts.push(H2 {
                        text: text.clone(),
                        start,
                        end: range.end,
                        note: note.take(),
                    });
                }
                if keep == Keep::Events {
                    events.push(Event::Html(heading_open(level, &id).into()));
                    events.extend(inner);
                    events.push(Event::Html(format!("</{level}>").into()));
                }
            }
            other => {
                let other = limit_depth(other, &mut depth);
                match &mut heading {
                    Some((_, _, inner, _)) => inner.push(other),
                    None if keep == Keep::Events => events.push(other),
                    None => {}
                }
            }
        }
    }
    out.sections = sections(body, &h2_starts);
    (events, out)
}

/// A `##` heading: its text, byte range and `note=` attribute.
struct H2 {
    text: String,
    start: usize,
    end: usize,
    note: Option<String>,
}

/// The value of a heading's `note=<category>` attribute (`## Timeline {note=general}`):
/// which CSAF note the section is. Checked against the categories when the advisory is read.
fn note_attribute(attrs: &[(CowStr<'_>, Option<CowStr<'_>>)]) -> Option<String> {
    attrs
        .iter()
        .find(|(k, _)| k.as_ref() == "note")
        .map(|(_, v)| v.as_deref().unwrap_or_default().to_string())
}

/// Whether a heading might carry a `note=` attribute; [`outline`] then finds it.
pub fn may_have_note_attribute(body: &str) -> bool {
    memchr::memmem::find(body.as_bytes(), b"note=").is_some()
}

fn heading_open(level: HeadingLevel, id: &str) -> String {
    format!("<{level} id=\"{}\">", crate::escape::markup(id))
}

/// Keeps the nesting of block containers bounded; deeper content becomes plain text.
fn limit_depth<'a>(event: Event<'a>, depth: &mut usize) -> Event<'a> {
    match &event {
        Event::Start(_) => {
            *depth += 1;
            if *depth > MAX_DEPTH {
                return Event::Text("".into());
            }
        }
        Event::End(_) => {
            *depth = depth.saturating_sub(1);
            if *depth >= MAX_DEPTH {
                return Event::Text("".into());
            }
        }
        _ => {}
    }
    event
}

/// Raw HTML becomes text unless allowed; links and images may only use safe schemes;
/// footnote labels get a prefix.
fn sanitize(event: Event<'_>, raw_html: bool) -> Event<'_> {
    match event {
        Event::Html(h) | Event::InlineHtml(h) if !raw_html => Event::Text(h),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title: replace_forbidden(title),
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(dest_url),
            title: replace_forbidden(title),
            id,
        }),
        // The body's own characters are checked when it is read; a character reference
        // (`&#1;`) can still decode to one that HTML and XML cannot carry.
        Event::Text(t) => Event::Text(replace_forbidden(t)),
        Event::Code(t) => Event::Code(replace_forbidden(t)),
        Event::FootnoteReference(label) => Event::FootnoteReference(format!("fn-{label}").into()),
        Event::Start(Tag::FootnoteDefinition(label)) => {
            Event::Start(Tag::FootnoteDefinition(format!("fn-{label}").into()))
        }
        other => other,
    }
}

fn replace_forbidden(text: CowStr<'_>) -> CowStr<'_> {
    match crate::text::replace_forbidden(&text) {
        Some(clean) => clean.into(),
        None => text,
    }
}

/// Relative links and fragments pass; absolute ones need http, https or mailto.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let scheme_end = url.find(':');
    let first_sep = url.find(['/', '?', '#']);
    let has_scheme = match (scheme_end, first_sep) {
        (Some(c), Some(s)) => c < s,
        (Some(_), None) => true,
        _ => false,
    };
    if !has_scheme {
        return url;
    }
    let scheme = url[..scheme_end.unwrap_or(0)].to_ascii_lowercase();
    if matches!(scheme.as_str(), "http" | "https" | "mailto") {
        url
    } else {
        "#".into()
    }
}

fn plain_text(events: &[Event<'_>]) -> String {
    let mut s = String::new();
    for e in events {
        if let Event::Text(t) | Event::Code(t) = e {
            s.push_str(t);
        }
    }
    s
}

/// Splits the body into its `##` sections (heading text, Markdown source after it). Text
/// before the first `##` becomes a section with an empty heading.
fn sections(body: &str, h2: &[H2]) -> Vec<Section> {
    let mut out = Vec::new();
    let first = h2.first().map_or(body.len(), |h| h.start);
    let preamble = trimmed(body, 0..first);
    if !preamble.is_empty() {
        out.push(Section {
            heading: String::new(),
            markdown: preamble,
            note: None,
            heading_at: 0..0,
        });
    }
    for (i, h) in h2.iter().enumerate() {
        let end = h2.get(i + 1).map_or(body.len(), |next| next.start);
        out.push(Section {
            heading: h.text.clone(),
            markdown: trimmed(body, h.end..end),
            note: h.note.clone(),
            heading_at: h.start..h.end,
        });
    }
    out
}

/// `range` of `text` without leading and trailing whitespace (empty if out of bounds).
fn trimmed(text: &str, range: Range<usize>) -> Range<usize> {
    let Some(part) = text.get(range.clone()) else {
        return 0..0;
    };
    let start = range.start + (part.len() - part.trim_start().len());
    let end = range.start + part.trim_end().len();
    start..end.max(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn renders_tables_footnotes_and_anchors() {
        let r = render(
            "## Details\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1].\n\n[^1]: Note.\n\n## Details\n",
            false,
        );
        assert!(r.html.contains("<h2 id=\"details\">Details</h2>"));
        assert!(r.html.contains("<h2 id=\"details-2\">"));
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("fn-1"));
        assert_eq!(r.sections.len(), 2);
        let body =
            "## Details\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nText[^1].\n\n[^1]: Note.\n\n## Details\n";
        let first = &body[r.sections[0].markdown.clone()];
        assert!(first.starts_with("| a | b |"), "{first:?}");
        assert!(first.ends_with("[^1]: Note."), "{first:?}");
        assert!(r.sections[1].markdown.is_empty());
    }

    #[test]
    fn raw_html_is_text_by_default() {
        let r = render("<script>alert(1)</script>\n\nx <b>y</b>", false);
        assert!(!r.html.contains("<script>"));
        assert!(r.html.contains("&lt;script&gt;"));
        let r = render("<b>y</b>", true);
        assert!(r.html.contains("<b>y</b>"));
    }

    #[test]
    fn may_have_h1_never_misses_a_level_1_heading() {
        let with_h1 = [
            "# Title",
            "#",
            "text\n\n   # Title",
            "> # Quoted",
            "- # In a list",
            "1. # Numbered",
            "10) > - # Nested",
            "- a\n\n    # In the item",
            "Title\n=====",
            "> Title\n> ===",
            "text\r# After a bare CR",
            "#\tTab",
            "a # b and c = d\n# Title after other candidates",
        ];
        for body in with_h1 {
            assert!(
                outline(body, false).h1.is_some(),
                "pulldown sees an h1 in {body:?}"
            );
            assert!(may_have_h1(body), "{body:?}");
        }
        let without = [
            "## Section\n\ntext",
            "#hashtag",
            "text with # inside",
            "```\ncode\n```",
            "- item\n- item",
            "a == b",
        ];
        for body in without {
            assert!(outline(body, false).h1.is_none(), "{body:?}");
            assert!(!may_have_h1(body), "{body:?}");
        }
    }

    #[test]
    fn unsafe_link_schemes_are_dropped() {
        let r = render(
            "[x](javascript:alert(1)) [y](https://a.example) [z](../rel) ![i](data:x)",
            false,
        );
        assert!(!r.html.contains("javascript:"));
        assert!(!r.html.contains("data:"));
        assert!(r.html.contains("https://a.example"));
        assert!(r.html.contains("../rel"));
    }

    #[test]
    fn finds_h1() {
        assert!(render("# Title\n\ntext", false).h1.is_some());
        assert!(render("## Sub\n", false).h1.is_none());
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let deep = "> ".repeat(5000) + "x";
        let r = render(&deep, false);
        assert!(r.html.matches("<blockquote>").count() <= MAX_DEPTH);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn never_panics(s in "\\PC{0,200}", raw in any::<bool>()) {
            let _ = render(&s, raw);
        }
    }
}
