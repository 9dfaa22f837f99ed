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

/// Returns the minified page. Input that is not well-formed in the places this pass looks at
/// (an unclosed tag or comment) is copied through from that point on.
pub fn minify(html: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(html.len());
    let mut i = 0;
    // Name of the last tag written (as written, without `/`), to judge the whitespace after it.
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
            if opening && is_verbatim(name) {
                i = copy_verbatim(&mut out, html, i, name);
            }
        } else if b.is_ascii_whitespace() {
            let start = i;
            while i < html.len() && html[i].is_ascii_whitespace() {
                i += 1;
            }
            let after_tag = out.last() == Some(&b'>');
            let before_tag = html.get(i) == Some(&b'<');
            let at_block_edge = (after_tag && is_block(last_tag))
                || (before_tag && is_block(tag_name(html.get(i + 1..).unwrap_or_default())))
                || out.is_empty();
            // A removed comment can leave two runs of whitespace next to each other.
            let after_space = out.last().is_some_and(u8::is_ascii_whitespace);
            if !at_block_edge && !after_space {
                out.push(if i - start == 1 { b } else { b' ' });
            }
        } else {
            let start = i;
            i = text_end(html, i);
            out.extend_from_slice(&html[start..i]);
        }
    }
    out
}

/// End of the text run starting at `from` (not whitespace, not `<`) that is copied as
/// written: words and the single whitespace characters between two words, which the
/// whitespace rule above would keep unchanged anyway. Copying whole runs instead of word
/// by word roughly halves the cost of minifying.
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
        assert_eq!(min("<p>a <!-- note --> b</p>"), "<p>a b</p>");
        assert_eq!(min("<p>a <!-- open"), "<p>a <!-- open");
        assert_eq!(min("<p>a <b"), "<p>a <b");
        assert_eq!(min("<pre>never closed\n  x"), "<pre>never closed\n  x");
        assert_eq!(min(""), "");
    }
}
