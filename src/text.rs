//! Characters that user text may not hold, because some output cannot carry them.
//!
//! Every free text ends up in XML (RSS feeds, the sitemap), in HTML and in JSON (CSAF).
//! XML 1.0's `Char` production has no place for C0 controls other than TAB, LF and CR, nor
//! for U+FFFE and U+FFFF: one of them makes a feed malformed, and readers drop the whole
//! feed. The rest of the set is legal XML 1.0 but still refused:
//! - DEL and the C1 controls (U+007F–U+009F): HTML's parser reports them as errors, XML 1.0
//!   (2.2) asks authors to avoid them and XML 1.1 requires them escaped; in an advisory
//!   they are almost always Windows-1252 text decoded as Latin-1, shown as garbage.
//! - every noncharacter (U+FDD0–U+FDEF and the last two code points of each plane): HTML's
//!   parser reports them, Unicode reserves them for a program's internal use, and they
//!   render as nothing or a box.
//!
//! Unpaired surrogates cannot occur: Rust strings are valid UTF-8.

/// Whether `c` is refused in user text.
pub fn is_forbidden(c: char) -> bool {
    let u = u32::from(c);
    (u < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
        || (0x7F..=0x9F).contains(&u)
        || (0xFDD0..=0xFDEF).contains(&u)
        || u & 0xFFFE == 0xFFFE
}

/// The first refused character of `s` and its byte offset.
pub fn first_forbidden(s: &str) -> Option<(usize, char)> {
    // Byte by byte, decoding only where a refused character can start: ASCII controls and
    // DEL, and the lead bytes of C1 controls (0xC2) and of noncharacters (0xEF, 0xF0–0xF4).
    // Every other byte (printable ASCII, line breaks, continuation bytes, other letters) is
    // passed over, eight at a time where none of them is a control or beyond ASCII. A
    // per-character scan of whole files was ~10 % of a 10k build's samples.
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8)
            && let Ok(chunk) = <[u8; 8]>::try_from(chunk)
            && plain_ascii(u64::from_ne_bytes(chunk))
        {
            i += 8;
            continue;
        }
        let b = bytes[i];
        let candidate = match b {
            b'\t' | b'\n' | b'\r' => false,
            0x00..=0x1F | 0x7F | 0xC2 | 0xEF | 0xF0..=0xF4 => true,
            _ => false,
        };
        if candidate
            && let Some(c) = s.get(i..).and_then(|rest| rest.chars().next())
            && is_forbidden(c)
        {
            return Some((i, c));
        }
        i += 1;
    }
    None
}

/// Whether all eight bytes are printable ASCII (0x20–0x7E): no control character, no DEL,
/// no byte of a multi-byte character. May say no for some such words (then each byte is
/// looked at); never says yes for a word that holds another byte.
fn plain_ascii(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte below 0x20: subtracting 0x20 borrows into its high bit.
    let below_space = word.wrapping_sub(0x20 * ONES) & !word & HIGH;
    // A byte of 0x7F or more: it has its high bit, or gets it by adding 1.
    let del_or_more = (word | word.wrapping_add(ONES)) & HIGH;
    below_space | del_or_more == 0
}

/// How a diagnostic names a refused character: `U+0007 (a control character)`.
pub fn describe(c: char) -> String {
    let kind = if c.is_control() {
        "a control character"
    } else {
        "a noncharacter"
    };
    format!("U+{:04X} ({kind})", u32::from(c))
}

/// The help of an `invalid-text` diagnostic in the Markdown body.
pub const HELP: &str = "delete it (copied text often carries one unseen): HTML, XML feeds and CSAF cannot carry control characters other than tab and line breaks, nor noncharacters";

/// The help of an `invalid-text` diagnostic in a TOML string.
pub const HELP_TOML: &str = "delete it (copied text often carries one unseen), and write a line break as \\n and a tab as \\t: HTML, XML feeds and CSAF cannot carry other control characters, nor noncharacters";

/// `s` with every refused character replaced by U+FFFD. For text that the Markdown parser
/// decodes from character references (`&#1;`): CommonMark already turns `&#0;` into
/// U+FFFD, and the body's own characters are checked when it is read.
pub fn replace_forbidden(s: &str) -> Option<String> {
    first_forbidden(s)?;
    Some(
        s.chars()
            .map(|c| if is_forbidden(c) { '\u{FFFD}' } else { c })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    /// The byte scan finds what a scan of every character finds, for every refused
    /// character class next to multi-byte text and line breaks.
    #[test]
    fn the_byte_scan_agrees_with_a_character_scan() {
        let naive = |s: &str| s.char_indices().find(|(_, c)| super::is_forbidden(*c));
        let pieces = [
            "a",
            "\n",
            "\t",
            "\r",
            "é",
            "€",
            "😀",
            "\u{1}",
            "\u{7F}",
            "\u{85}",
            "\u{9F}",
            "\u{A0}",
            "\u{FDD0}",
            "\u{FDEF}",
            "\u{FDF0}",
            "\u{FFFD}",
            "\u{FFFE}",
            "\u{1FFFF}",
            "\u{10FFFE}",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let s = format!("{a}x{b}{c}");
                    assert_eq!(super::first_forbidden(&s), naive(&s), "{s:?}");
                }
            }
        }
    }

    /// The eight-byte skip never passes over a refused character, at any position in a word.
    #[test]
    fn the_word_skip_finds_refused_characters_at_every_offset() {
        for b in 0..=255u8 {
            for at in 0..8 {
                let mut word = [b'a'; 8];
                word[at] = b;
                let printable = (0x20..=0x7E).contains(&b);
                assert_eq!(
                    super::plain_ascii(u64::from_ne_bytes(word)),
                    printable,
                    "{b:#x} at {at}"
                );
            }
        }
        for piece in ["\u{1}", "\u{7F}", "\u{85}", "\u{FDD0}", "\u{FFFE}", "\u{10FFFE}"] {
            for before in 0..20 {
                let s = format!("{}{piece}{}", "x".repeat(before), "y".repeat(9));
                let found = super::first_forbidden(&s).map(|(i, _)| i);
                assert_eq!(found, Some(before), "{s:?}");
            }
        }
    }

    use super::*;

    #[test]
    fn refuses_exactly_what_xml_and_html_cannot_carry() {
        for c in [
            '\0', '\u{1}', '\u{8}', '\u{B}', '\u{C}', '\u{1B}', '\u{1F}', '\u{7F}',
        ] {
            assert!(is_forbidden(c), "{c:?}");
        }
        for c in [
            '\u{80}', '\u{85}', '\u{9F}', '\u{FDD0}', '\u{FDEF}', '\u{FFFE}', '\u{FFFF}',
        ] {
            assert!(is_forbidden(c), "{c:?}");
        }
        for c in ['\u{1FFFE}', '\u{10FFFF}', '\u{EFFFF}'] {
            assert!(is_forbidden(c), "{c:?}");
        }
        for c in [
            '\t', '\n', '\r', ' ', '~', '\u{A0}', 'é', '\u{FDCF}', '\u{FDF0}', '\u{FFFD}',
        ] {
            assert!(!is_forbidden(c), "{c:?}");
        }
        for c in ['\u{1FFFD}', '\u{10000}', '\u{2028}', '\u{E000}'] {
            assert!(!is_forbidden(c), "{c:?}");
        }
    }

    #[test]
    fn finds_the_first_with_its_offset() {
        assert_eq!(first_forbidden("plain text"), None);
        assert_eq!(first_forbidden("é\u{1}x\u{2}"), Some((2, '\u{1}')));
        assert_eq!(first_forbidden("ab\u{FFFF}"), Some((2, '\u{FFFF}')));
        assert_eq!(replace_forbidden("a\u{85}b").as_deref(), Some("a\u{FFFD}b"));
        assert_eq!(replace_forbidden("ab"), None);
        assert_eq!(describe('\u{7}'), "U+0007 (a control character)");
        assert_eq!(describe('\u{FFFE}'), "U+FFFE (a noncharacter)");
    }
}
