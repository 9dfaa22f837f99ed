//! URL checks and joins. Every URL from user input goes through `check_url`, so no
//! `javascript:` or `data:` link, and no line break, can reach an output file.

/// Accepts an absolute URL with one of `schemes` and no whitespace or control characters.
pub fn check_url(url: &str, schemes: &[&str]) -> Result<(), String> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "`{}` contains whitespace or control characters",
            shown(url)
        ));
    }
    if url
        .chars()
        .any(|c| matches!(c, '<' | '>' | '"' | '\'' | '`' | '\\'))
    {
        return Err(format!("`{}` contains a character URLs may not", shown(url)));
    }
    let Some((scheme, rest)) = url.split_once(':') else {
        return Err(format!("`{}` is not an absolute URL", shown(url)));
    };
    let scheme = scheme.to_ascii_lowercase();
    if !schemes.contains(&scheme.as_str()) {
        return Err(format!(
            "scheme `{}` is not allowed here (allowed: {})",
            shown(&scheme),
            schemes.join(", ")
        ));
    }
    if (scheme == "http" || scheme == "https") && !has_host(rest) {
        return Err(format!("`{}` has no host", shown(url)));
    }
    if (scheme == "mailto" || scheme == "tel") && rest.is_empty() {
        return Err(format!("`{}` is empty", shown(url)));
    }
    Ok(())
}

fn has_host(rest: &str) -> bool {
    rest.strip_prefix("//")
        .and_then(|r| r.split(['/', '?', '#']).next())
        .is_some_and(|host| !host.is_empty())
}

/// Shortens long or odd input for messages.
fn shown(s: &str) -> String {
    let mut out: String = s.chars().take(80).filter(|c| !c.is_control()).collect();
    if s.chars().count() > 80 {
        out.push('…');
    }
    out
}

/// Percent-encodes a path segment (RFC 3986 unreserved characters stay as they are).
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes; `None` for malformed escapes or a result that is not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_rejects() {
        let web = ["https", "http"];
        assert!(check_url("https://example.com/a?b#c", &web).is_ok());
        assert!(check_url("HTTPS://example.com", &web).is_ok());
        assert!(check_url("javascript:alert(1)", &web).is_err());
        assert!(check_url("https://", &web).is_err());
        assert!(check_url("https://a.example/\nX-Injected: 1", &web).is_err());
        assert!(check_url("/relative", &web).is_err());
        assert!(check_url("https://a.example/\"onmouseover", &web).is_err());
        assert!(check_url("mailto:psirt@example.com", &["mailto"]).is_ok());
        assert!(check_url("mailto:", &["mailto"]).is_err());
    }

    #[test]
    fn encodes_segments() {
        assert_eq!(encode_segment("a b/ç"), "a%20b%2F%C3%A7");
    }
}
