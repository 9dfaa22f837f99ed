//! Escaping for markup that is written without a template engine (feed descriptions,
//! sitemap, CSAF directory listings, serve's error pages, heading anchors). The five
//! characters below make a string safe in HTML text, quoted HTML attributes and XML.

/// Escapes `&`, `<`, `>`, `"` and `'`.
pub fn markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_all_five() {
        assert_eq!(
            super::markup(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
