//! HTML minification that costs next to nothing: one pass over the bytes that drops comments
//! and the whitespace a browser would not render, and leaves everything else as written.
//!
//! The theme already writes tight markup (no indentation), so what is left to remove is the
//! line break between block-level tags and the odd run of spaces in text. General-purpose
//! minifiers (parsing into a tree, rewriting attributes) cost about 40 % of a 10k-advisory
//! build for a few percent of bytes; this pass costs about a memcpy. It never omits a tag,
//! never touches attributes, and leaves `<pre>`, `<textarea>`, `<code>`, `<script>` and
//! `<style>` content byte for byte.

/// Elements around which whitespace is never rendered: their boundaries start or end a line
/// box (or they are not rendered at all), so a whitespace run that touches one is dropped.
const BLOCK: &[&str] = &[
    "address",
    "article",
    "aside",
    "base",
    "blockquote",
    "body",
    "br",
    "caption",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "link",
    "main",
    "menu",
    "meta",
    "nav",
    "noscript",
    "ol",
    "optgroup",
    "option",
    "p",
    "pre",
    "script",
    "search",
    "section",
    "style",
    "summary",
    "table",
    "tbody",
    "td",
    "template",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "ul",
];

/// Elements whose content is copied unchanged.
const VERBATIM: &[&str] = &["code", "pre", "script", "style", "textarea"];

/// Returns the minified page. Input that is not well-formed in the places this pass looks at
/// (an unclosed tag or comment) is copied through from that point on.
pub fn minify(html: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(html.len());
    let mut i = 0;
    // Name of the last tag written (lowercase, without `/`), to judge the whitespace after it.
    let mut last_tag: &[u8] = b"html";
    while i < html.len() {
        let b = html[i];
        if b == b'<' {
            if html[i..].starts_with(b"<!--") {
                match find(html, i + 4, b"-->") {
                    Some(end) => i = end + 3,
                    None => return copy_rest(out, html, i),
                }
                continue;
            }
            let Some(end) = tag_end(html, i) else {
                return copy_rest(out, html, i);
            };
            out.extend_from_slice(&html[i..=end]);
            let opening = html[i + 1] != b'/';
            let name = tag_name(&html[i + 1..end]);
            i = end + 1;
            last_tag = name;
            if opening && is_in(name, VERBATIM) {
                i = copy_verbatim(&mut out, html, i, name);
            }
        } else if b.is_ascii_whitespace() {
            let start = i;
            while i < html.len() && html[i].is_ascii_whitespace() {
                i += 1;
            }
            let after_tag = out.last() == Some(&b'>');
            let before_tag = html.get(i) == Some(&b'<');
            let at_block_edge = (after_tag && is_in(last_tag, BLOCK))
                || (before_tag && is_in(tag_name(html.get(i + 1..).unwrap_or_default()), BLOCK))
                || out.is_empty();
            if !at_block_edge {
                out.push(if i - start == 1 { b } else { b' ' });
            }
        } else {
            let start = i;
            while i < html.len() && html[i] != b'<' && !html[i].is_ascii_whitespace() {
                i += 1;
            }
            out.extend_from_slice(&html[start..i]);
        }
    }
    out
}

/// Copies the content of a verbatim element up to and including its closing tag.
fn copy_verbatim(out: &mut Vec<u8>, html: &[u8], from: usize, name: &[u8]) -> usize {
    let mut i = from;
    while let Some(lt) = find(html, i, b"</") {
        let after = &html[lt + 2..];
        if after.len() >= name.len() && after[..name.len()].eq_ignore_ascii_case(name) {
            out.extend_from_slice(&html[from..lt]);
            return lt;
        }
        i = lt + 2;
    }
    out.extend_from_slice(&html[from..]);
    html.len()
}

fn copy_rest(mut out: Vec<u8>, html: &[u8], from: usize) -> Vec<u8> {
    out.extend_from_slice(&html[from..]);
    out
}

/// Index of the `>` that ends the tag starting at `start`, skipping quoted attribute values.
fn tag_end(html: &[u8], start: usize) -> Option<usize> {
    let mut quote = None;
    for (offset, &b) in html[start + 1..].iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(start + 1 + offset),
            (None, _) => {}
        }
    }
    None
}

/// The element name of a tag's inside (`/p`, `a href=…`, `!DOCTYPE html`).
fn tag_name(inside: &[u8]) -> &[u8] {
    let inside = inside.strip_prefix(b"/").unwrap_or(inside);
    let len = inside
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(inside.len());
    &inside[..len]
}

fn is_in(name: &[u8], set: &[&str]) -> bool {
    set.iter().any(|s| s.as_bytes().eq_ignore_ascii_case(name))
}

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::minify;

    fn min(s: &str) -> String {
        String::from_utf8(minify(s.as_bytes())).unwrap()
    }

    #[test]
    fn drops_whitespace_at_block_edges() {
        assert_eq!(
            min(
                "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<title>T</title>\n</head>\n<body>\n<p>\n a\n</p>\n</body>\n</html>\n"
            ),
            "<!DOCTYPE html><html lang=\"en\"><head><title>T</title></head><body><p>a</p></body></html>"
        );
        assert_eq!(
            min("<ul>\n<li>a</li>\n<li>b</li>\n</ul>"),
            "<ul><li>a</li><li>b</li></ul>"
        );
    }

    #[test]
    fn keeps_one_space_between_inline_content() {
        assert_eq!(
            min("<p><a href=x>a</a>\n<a>b</a>  c\n\td</p>"),
            "<p><a href=x>a</a>\n<a>b</a> c d</p>"
        );
        assert_eq!(min("<p>x <em>y</em> z</p>"), "<p>x <em>y</em> z</p>");
    }

    #[test]
    fn leaves_verbatim_elements_and_attributes_alone() {
        let pre = "<pre><code>fn main() {\n    x  y\n}\n</code></pre>";
        assert_eq!(min(pre), pre);
        assert_eq!(min("<p><code>a  b</code></p>"), "<p><code>a  b</code></p>");
        assert_eq!(
            min("<script>\nlet a = \"<p> \";\n</script>"),
            "<script>\nlet a = \"<p> \";\n</script>"
        );
        assert_eq!(
            min("<div title=\"a  >  b\">\n</div>"),
            "<div title=\"a  >  b\"></div>"
        );
    }

    #[test]
    fn removes_comments_and_survives_broken_input() {
        assert_eq!(min("<p>a<!-- note -->b</p>"), "<p>ab</p>");
        assert_eq!(min("<p>a <!-- open"), "<p>a <!-- open");
        assert_eq!(min("<p>a <b"), "<p>a <b");
        assert_eq!(min("<pre>never closed\n  x"), "<pre>never closed\n  x");
        assert_eq!(min(""), "");
    }
}
