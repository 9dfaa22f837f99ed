//! Byte offsets to lines and columns, in time independent of the line's length.

/// Maps byte offsets to 1-based line and column (columns count characters, not bytes).
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// Characters before each multiple of [`BLOCK`] bytes: a column is then counted over at
    /// most two blocks, not over the whole line (one line can be a megabyte).
    chars_before_block: Vec<usize>,
}

/// Bytes per checkpoint of [`LineIndex`].
const BLOCK: usize = 256;

/// Characters that start in `bytes` (UTF-8 continuation bytes start none).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count()
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let mut chars_before_block = Vec::with_capacity(text.len() / BLOCK + 1);
        let mut total = 0;
        for block in text.as_bytes().chunks(BLOCK) {
            chars_before_block.push(total);
            total += count_chars(block);
        }
        chars_before_block.push(total);
        LineIndex {
            line_starts,
            chars_before_block,
        }
    }

    /// Characters that start before byte `offset` of `text`.
    pub(super) fn chars_before(&self, text: &str, offset: usize) -> usize {
        let block = offset / BLOCK;
        let from = block * BLOCK;
        let before = self.chars_before_block.get(block).copied().unwrap_or(0);
        before + count_chars(text.as_bytes().get(from..offset).unwrap_or_default())
    }

    /// 1-based (line, column) of `offset`; offsets past the end clamp to the end and
    /// offsets inside a multi-byte character count as that character.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = self.chars_before(text, offset) - self.chars_before(text, start);
        (line + 1, col + 1)
    }

    /// Byte range of 1-based line `line`, without its line ending.
    pub(super) fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.line_starts.get(line - 1).copied().unwrap_or(text.len());
        let end = self.line_starts.get(line).copied().unwrap_or(text.len());
        let content = text.get(start..end).unwrap_or("").trim_end_matches(['\n', '\r']);
        start..start + content.len()
    }

    /// The text of 1-based line `line`, without its line ending.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        text.get(self.line_range(text, line)).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\nçd\r\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 3), (2, 1));
        assert_eq!(idx.line_col(text, 5), (2, 2));
        assert_eq!(idx.line_col(text, 8), (3, 1));
        assert_eq!(idx.line_col(text, 99), (3, 2));
        assert_eq!(idx.line_text(text, 2), "çd");
    }

    /// The obvious, slow way to compute a position, to check `LineIndex` against.
    fn naive_line_col(text: &str, offset: usize) -> (usize, usize) {
        let (mut line, mut col) = (1, 1);
        for (i, c) in text.char_indices() {
            if i >= offset {
                break;
            }
            if c == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
        }
        (line, col)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        #[test]
        fn line_index_agrees_with_a_naive_count(text in "(\\PC|\n|\r\n){0,80}", pick in 0usize..400) {
            let offset = pick.min(text.len());
            let offset = (0..=offset).rev().find(|o| text.is_char_boundary(*o)).unwrap_or(0);
            let idx = LineIndex::new(&text);
            proptest::prop_assert_eq!(idx.line_col(&text, offset), naive_line_col(&text, offset));
        }
    }
}
