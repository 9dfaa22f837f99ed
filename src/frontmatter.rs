//! Splits a Markdown file into its `+++` TOML front matter and its body, keeping byte
//! offsets into the whole file so diagnostics can point at the user's line and column.

use std::ops::Range;

/// The two parts of a content file, as byte ranges into the file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The TOML between the delimiter lines (without them).
    pub front_matter: Range<usize>,
    /// Everything after the closing delimiter line.
    pub body: Range<usize>,
}

/// Why a file could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// The file does not start with a `+++` line (after an optional BOM and blank lines).
    Missing { at: usize },
    /// The opening `+++` line has no closing partner.
    Unclosed { opening: Range<usize> },
}

const DELIMITER: &str = "+++";

/// Splits `text`. A leading UTF-8 byte order mark and blank lines are skipped; delimiter
/// lines may end in `\n` or `\r\n` and carry trailing spaces.
pub fn split(text: &str) -> Result<Split, SplitError> {
    let mut lines = Lines { text, pos: 0 };
    if text.starts_with('\u{feff}') {
        lines.pos = '\u{feff}'.len_utf8();
    }
    let opening = loop {
        let Some(line) = lines.next() else {
            return Err(SplitError::Missing { at: lines.pos });
        };
        let content = line_content(text, &line);
        if content.trim().is_empty() {
            continue;
        }
        if content.trim_end() == DELIMITER {
            break line;
        }
        return Err(SplitError::Missing { at: line.start });
    };
    let fm_start = opening.end;
    for line in lines {
        if line_content(text, &line).trim_end() == DELIMITER {
            return Ok(Split {
                front_matter: fm_start..line.start,
                body: line.end..text.len(),
            });
        }
    }
    let trimmed_end = opening.start + line_content(text, &opening).len();
    Err(SplitError::Unclosed {
        opening: opening.start..trimmed_end,
    })
}

/// The line's text without its `\n` or `\r\n` ending.
fn line_content<'t>(text: &'t str, line: &Range<usize>) -> &'t str {
    text.get(line.clone())
        .unwrap_or("")
        .trim_end_matches('\n')
        .trim_end_matches('\r')
}

/// Iterates over line ranges including their line ending.
struct Lines<'t> {
    text: &'t str,
    pos: usize,
}

impl Iterator for Lines<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i + 1);
        self.pos = end;
        Some(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_lf_crlf_and_bom() {
        for text in [
            "+++\na = 1\n+++\nbody\n",
            "+++\r\na = 1\r\n+++\r\nbody\n",
            "\u{feff}+++\na = 1\n+++  \nbody\n",
        ] {
            let s = split(text).expect("splits");
            assert_eq!(text[s.front_matter.clone()].trim(), "a = 1");
            assert_eq!(&text[s.body.clone()], "body\n");
        }
    }

    #[test]
    fn empty_body_and_empty_front_matter() {
        let s = split("+++\n+++").expect("splits");
        assert_eq!(s.front_matter, 4..4);
        assert_eq!(s.body, 7..7);
    }

    #[test]
    fn reports_missing_and_unclosed() {
        assert_eq!(split(""), Err(SplitError::Missing { at: 0 }));
        assert_eq!(split("\n# hi\n"), Err(SplitError::Missing { at: 1 }));
        assert_eq!(split("+++\na = 1\n"), Err(SplitError::Unclosed { opening: 0..3 }));
        assert_eq!(split("---\na: 1\n---\n"), Err(SplitError::Missing { at: 0 }));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn never_panics_and_ranges_are_in_bounds(text in "\\PC*(\\+\\+\\+)?[\\r\\n]*\\PC*") {
            if let Ok(s) = split(&text) {
                prop_assert!(s.front_matter.end <= s.body.start);
                prop_assert!(s.body.end == text.len());
                prop_assert!(text.get(s.front_matter.clone()).is_some());
                prop_assert!(text.get(s.body.clone()).is_some());
            }
        }

        #[test]
        fn round_trips(fm in "[a-z =\"0-9\\n]{0,60}", body in "\\PC{0,80}", crlf in any::<bool>()) {
            let nl = if crlf { "\r\n" } else { "\n" };
            let fm = fm.replace("+++", "");
            let text = format!("+++{nl}{fm}{nl}+++{nl}{body}");
            let s = split(&text).expect("well-formed file splits");
            prop_assert_eq!(&text[s.front_matter.clone()], format!("{fm}{nl}"));
            prop_assert_eq!(&text[s.body.clone()], body.as_str());
        }
    }
}
