//! The last check before a generated XML or JSON file is handed on: it must parse. Feeds,
//! CSAF and ROLIE readers drop a file that does not, and a broken feed means customers miss
//! advisories. Input checks (`invalid-text`) keep such characters out of the model; this
//! catches whatever slips past them, so a bug fails the build instead of publishing.

use quick_xml::events::Event;

/// `Err` with the reason when `bytes` is not a well-formed file of the kind its path says
/// (`.json`, `.xml`); other files pass unchecked.
pub fn check(path: &str, bytes: &[u8]) -> Result<(), String> {
    if path.ends_with(".json") {
        serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
            .map(|_| ())
            .map_err(|e| format!("not JSON: {e}"))
    } else if path.ends_with(".xml") {
        xml(bytes)
    } else {
        Ok(())
    }
}

/// Well-formed XML 1.0: UTF-8, exactly one root element, matching end tags, and only
/// characters XML allows, written or as character references.
fn xml(bytes: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    // Text, CDATA, attributes, names: every character written as itself is checked here;
    // those written as `&#…;` when the reader meets them.
    allowed_chars(text)?;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let (mut depth, mut roots) = (0usize, 0usize);
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("not XML at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(_) | Event::Empty(_) if depth == 0 => {
                roots += 1;
                depth += usize::from(matches!(event, Event::Start(_)));
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::GeneralRef(r) => character_reference(&r)?,
            Event::Eof => break,
            _ => {}
        }
    }
    match (depth, roots) {
        (0, 1) => Ok(()),
        (0, n) => Err(format!("{n} root elements, not one")),
        (_, _) => Err("an element is not closed".into()),
    }
}

/// A `&name;` reference: the five predefined entities, or a character XML allows.
fn character_reference(r: &quick_xml::events::BytesRef<'_>) -> Result<(), String> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => allowed_chars(c.encode_utf8(&mut [0; 4])),
        Ok(None) => {
            let name = String::from_utf8_lossy(r);
            match &*name {
                "amp" | "lt" | "gt" | "quot" | "apos" => Ok(()),
                other => Err(format!("undefined entity &{other};")),
            }
        }
        Err(e) => Err(format!("bad character reference: {e}")),
    }
}

/// XML 1.0 `Char`: no C0 control but tab, newline and carriage return, and not U+FFFE or
/// U+FFFF (surrogates cannot occur in a Rust string).
fn allowed_chars(s: &str) -> Result<(), String> {
    match s
        .chars()
        .find(|&c| (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}'))
    {
        Some(c) => Err(format!("character U+{:04X} is not allowed in XML", u32::from(c))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn accepts_well_formed_files() {
        let rss = "<?xml version=\"1.0\"?><rss><channel><title>a &amp; b &#233;</title></channel></rss>";
        assert_eq!(check("feeds/a.xml", rss.as_bytes()), Ok(()));
        assert_eq!(check("x/doc.json", br#"{"a": [1, "b"]}"#), Ok(()));
        assert_eq!(check("index.html", b"<p>not checked"), Ok(()));
    }

    #[test]
    fn refuses_malformed_files() {
        for bad in [
            "<rss><channel></rss>",
            "<rss><channel>",
            "<rss>\u{1}</rss>",
            "<rss>&#1;</rss>",
            "<rss>\u{FFFF}</rss>",
            "<rss>&nbsp;</rss>",
            "<a/><b/>",
            "",
        ] {
            assert!(check("f.xml", bad.as_bytes()).is_err(), "{bad:?}");
        }
        assert!(check("f.json", b"{\"a\": ").is_err());
        assert!(check("f.json", b"{} {}").is_err());
    }
}
