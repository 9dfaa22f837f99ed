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
fn is_block(name: &[u8]) -> bool {
    let mut lower = [0u8; 12];
    let Some(lower) = lowercase(name, &mut lower) else {
        return false;
    };
    matches!(
        lower,
        b"address"
            | b"article"
            | b"aside"
            | b"base"
            | b"blockquote"
            | b"body"
            | b"br"
            | b"caption"
            | b"col"
            | b"colgroup"
            | b"dd"
            | b"details"
            | b"dialog"
            | b"div"
            | b"dl"
            | b"dt"
            | b"fieldset"
            | b"figcaption"
            | b"figure"
            | b"footer"
            | b"form"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"head"
            | b"header"
            | b"hgroup"
            | b"hr"
            | b"html"
            | b"legend"
            | b"li"
            | b"link"
            | b"main"
            | b"menu"
            | b"meta"
            | b"nav"
            | b"noscript"
            | b"ol"
            | b"optgroup"
            | b"option"
            | b"p"
            | b"pre"
            | b"script"
            | b"search"
            | b"section"
            | b"style"
            | b"summary"
            | b"table"
            | b"tbody"
            | b"td"
            | b"template"
            | b"tfoot"
            | b"th"
            | b"thead"
            | b"title"
            | b"tr"
            | b"ul"
    )
}

/// Elements whose content is copied unchanged.
fn is_verbatim(name: &[u8]) -> bool {
    let mut lower = [0u8; 12];
    matches!(
        lowercase(name, &mut lower),
        Some(b"code" | b"pre" | b"script" | b"style" | b"textarea")
    )
}

fn lowercase<'b>(name: &[u8], buf: &'b mut [u8; 12]) -> Option<&'b [u8]> {
    let out = buf.get_mut(..name.len())?;
    for (o, b) in out.iter_mut().zip(name) {
        *o = b.to_ascii_lowercase();
    }
    Some(out)
}

/// A tag's element name, lowercased; names longer than any this pass knows are kept as
/// "other" (never block-level, never verbatim).
#[derive(Clone, Copy)]
struct TagName {
    buf: [u8; 12],
    len: usize,
}

impl TagName {
    fn of(name: &[u8]) -> Self {
        let mut buf = [0u8; 12];
        let len = match lowercase(name, &mut buf) {
            Some(lower) => lower.len(),
            None => usize::MAX,
        };
        TagName { buf, len }
    }

    fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(b"")
    }

    fn is_block(&self) -> bool {
        self.len <= self.buf.len() && is_block(self.as_bytes())
    }

    fn is_verbatim(&self) -> bool {
        self.len <= self.buf.len() && is_verbatim(self.as_bytes())
    }
}

/// Returns the minified page. Input that is not well-formed in the places this pass looks at
/// (an unclosed tag or comment) is copied through from that point on.
///
/// Works in place: the output is never longer than what has been read, so it is written
/// over the bytes already read (a 9 MB list page is not held twice).
pub fn minify(mut html: Vec<u8>) -> Vec<u8> {
    let len = minify_in_place(&mut html);
    html.truncate(len);
    html
}

/// Minifies `html[..]` into `html[..n]` and returns `n`. Invariant: the write position `o`
/// never passes the read position `i`.
fn minify_in_place(html: &mut [u8]) -> usize {
    let (mut i, mut o) = (0, 0);
    // The last tag written, to judge the whitespace after it.
    let mut last_tag = TagName::of(b"html");
    while i < html.len() {
        let b = html[i];
        if b == b'<' {
            if html[i..].starts_with(b"<!--") {
                match find(html, i + 4, b"-->") {
                    Some(end) => i = end + 3,
                    None => return copy(html, i..html.len(), o),
                }
                continue;
            }
            let Some(end) = tag_end(html, i) else {
                return copy(html, i..html.len(), o);
            };
            // Read the tag before it is moved: the copy may overwrite it.
            let opening = html[i + 1] != b'/';
            last_tag = TagName::of(tag_name(&html[i + 1..end]));
            o = copy(html, i..end + 1, o);
            i = end + 1;
            if opening && last_tag.is_verbatim() {
                let close = verbatim_end(html, i, last_tag.as_bytes());
                o = copy(html, i..close, o);
                i = close;
            }
        } else if b.is_ascii_whitespace() {
            let start = i;
            while i < html.len() && html[i].is_ascii_whitespace() {
                i += 1;
            }
            let written = o.checked_sub(1).map(|last| html[last]);
            let after_tag = written == Some(b'>');
            let before_tag = html.get(i) == Some(&b'<');
            let at_block_edge = (after_tag && last_tag.is_block())
                || (before_tag && is_block(tag_name(html.get(i + 1..).unwrap_or_default())))
                || o == 0;
            // A removed comment can leave two runs of whitespace next to each other.
            let after_space = written.is_some_and(|w| w.is_ascii_whitespace());
            if !at_block_edge && !after_space {
                html[o] = if i - start == 1 { b } else { b' ' };
                o += 1;
            }
        } else {
            let start = i;
            i = text_end(html, i);
            o = copy(html, start..i, o);
        }
    }
    o
}

/// Moves `html[range]` to position `to` (never after `range.start`); returns the new end.
fn copy(html: &mut [u8], range: std::ops::Range<usize>, to: usize) -> usize {
    let len = range.len();
    if range.start != to {
        html.copy_within(range, to);
    }
    to + len
}

/// End of the text run starting at `from` (not whitespace, not `<`) that is copied as
/// written: words and the single whitespace characters between two words, which the
/// whitespace rule above would keep unchanged anyway. Copying whole runs instead of word
/// by word cut the minifier's own time by about a third.
fn text_end(html: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(&b) = html.get(i) {
        if b == b'<' {
            break;
        }
        if b.is_ascii_whitespace() {
            match html.get(i + 1) {
                Some(&next) if next != b'<' && !next.is_ascii_whitespace() => {}
                _ => break,
            }
        }
        i += 1;
    }
    i
}

/// Where the content of a verbatim element (`<pre>`, `<script>`, …) that starts at `from`
/// ends: at its closing tag, or at the end of the input.
fn verbatim_end(html: &[u8], from: usize, name: &[u8]) -> usize {
    let mut i = from;
    while let Some(lt) = find(html, i, b"</") {
        let after = &html[lt + 2..];
        if after.len() >= name.len() && after[..name.len()].eq_ignore_ascii_case(name) {
            return lt;
        }
        i = lt + 2;
    }
    html.len()
}

/// Index of the `>` that ends the tag starting at `start`, skipping quoted attribute values.
fn tag_end(html: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    loop {
        i += memchr::memchr3(b'>', b'"', b'\'', html.get(i..)?)?;
        match html[i] {
            b'>' => return Some(i),
            quote => i += 1 + memchr::memchr(quote, html.get(i + 1..)?)? + 1,
        }
    }
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

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack.get(from..)?, needle).map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::minify;

    fn min(s: &str) -> String {
        String::from_utf8(minify(s.as_bytes().to_vec())).unwrap()
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
    fn output_moved_over_the_input_keeps_later_tags_intact() {
        // Everything after the removed comment and whitespace is written over bytes already
        // read: tag names and verbatim content must be read before they are moved.
        let html = "<div>\n<!-- a long comment -->\n   <pre>  x </pre>\n<p> a  b </p>\n</div>";
        assert_eq!(min(html), "<div><pre>  x </pre><p>a b</p></div>");
        let long = "<!-- c -->\n<verylongelementname> a </verylongelementname>";
        assert_eq!(min(long), "<verylongelementname> a </verylongelementname>");
    }

    #[test]
    fn removes_comments_and_survives_broken_input() {
        assert_eq!(min("<p>a<!-- note -->b</p>"), "<p>ab</p>");
        assert_eq!(min("<p>a <!-- note --> b</p>"), "<p>a b</p>");
        assert_eq!(min("<p>a <!-- open"), "<p>a <!-- open");
        assert_eq!(min("<p>a <b"), "<p>a <b");
        assert_eq!(min("<pre>never closed\n  x"), "<pre>never closed\n  x");
        assert_eq!(min(""), "");
    }
}
