//! Diagnostics: every problem a user can cause, with a stable code, the user's file,
//! line and column, and a hint on how to fix it.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod lines;

pub use lines::LineIndex;

/// How bad a diagnostic is. Errors fail `build` and `check`; warnings are printed only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error,
    Warning,
}

macro_rules! codes {
    ($($variant:ident => $name:literal, $desc:literal;)*) => {
        /// Stable diagnostic codes. The kebab-case name is part of the public interface:
        /// CI scripts may match on it, so a code is never renamed or reused.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant),* }

        impl Code {
            /// Every code, for documentation and the uniqueness test.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable kebab-case name shown as `error[name]`.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name),* }
            }

            /// One line on what the code means (listed in `docs/diagnostics.md`).
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $desc),* }
            }
        }
    };
}

codes! {
    Io => "io", "a file or folder could not be read or written";
    InvalidUtf8 => "invalid-utf8", "a content file is not valid UTF-8";
    NoFrontMatter => "no-front-matter", "a Markdown file does not start with a `+++` TOML block";
    UnclosedFrontMatter => "unclosed-front-matter", "the `+++` front matter block is never closed";
    TomlSyntax => "toml-syntax", "TOML syntax error";
    UnknownKey => "unknown-key", "a key that psirt-site does not know";
    MissingField => "missing-field", "a required key is missing";
    InvalidValue => "invalid-value", "a value has the wrong type or form";
    InvalidId => "invalid-id", "an advisory or product id is not a safe identifier";
    DuplicateId => "duplicate-id", "two advisories or products share an id";
    InvalidCve => "invalid-cve", "a CVE id is not of the form CVE-YYYY-NNNN";
    InvalidCwe => "invalid-cwe", "a CWE id is malformed or not a weakness in CWE 4.17, the list CSAF 2.0 validators check";
    UnknownProduct => "unknown-product", "an advisory names a product id not in the catalog";
    UnknownGroup => "unknown-group", "a remediation, threat or score names a product group the advisory does not define";
    UnknownVulnerability => "unknown-vulnerability", "an `[[affected]]` entry names a vulnerability the advisory does not have";
    InvalidCvss => "invalid-cvss", "a CVSS vector cannot be parsed or is incomplete";
    CvssScoreMismatch => "cvss-score-mismatch", "a given CVSS score disagrees with its vector";
    UnknownCategory => "unknown-category", "an enumeration value CSAF does not define";
    RevisionOrder => "revision-order", "revision dates go backwards or precede `published`";
    RevisionNumber => "revision-number", "a revision `number` is malformed, missing beside other numbers, or not greater than the one before";
    NoRevisions => "no-revisions", "a published advisory has no revision history";
    InvalidUrl => "invalid-url", "a URL is not absolute http(s) or mailto";
    InvalidDate => "invalid-date", "a date cannot be read";
    H1InBody => "h1-in-body", "the body repeats the title as `# heading`";
    Config => "config", "site.toml is invalid";
    Template => "template", "a theme template failed to load or render";
    Csaf => "csaf", "a generated CSAF document fails a CSAF 2.0 schema or mandatory test";
    CsafWarning => "csaf-recommended", "a generated CSAF document fails an optional CSAF test";
    Signing => "signing", "the OpenPGP signing key is missing, locked or unusable";
    Key => "pgp-key", "the published OpenPGP key is unreadable, expired or expiring";
    SecurityTxt => "security-txt", "security.txt settings are invalid or about to expire";
    Policy => "policy", "the disclosure policy lacks a recommended section";
    UnsafePath => "unsafe-path", "a path would leave the site or output folder";
    Output => "output", "the output folder cannot be used or written";
    InvalidText => "invalid-text", "text holds a control character or noncharacter that XML and feeds cannot carry";
    FutureDate => "future-date", "a date in a published advisory or credit lies after the build time";
    OutputCheck => "output-check", "a generated XML or JSON file does not parse (a bug: please report it)";
    TooLarge => "too-large", "an advisory relates more vulnerabilities and remediations to products than a build can carry";
    HeadingId => "heading-id", "a heading's given id `{#id}` is the theme's or an earlier heading's; it got a number";
    BrokenLink => "broken-link", "a link in Markdown content leads to no page or file of the built site";
    CweMapping => "cwe-mapping", "a CWE is deprecated, or MITRE prohibits it for mapping vulnerabilities";
    ExampleDomain => "example-domain", "site.toml names an example domain (example.com, *.example, …) and does not say it is a demo or test site";
    Placeholder => "placeholder", "a `[TODO …]` placeholder is left in a file that would be published";
    MisplacedAdvisory => "misplaced-advisory", "a Markdown file with advisory front matter is outside content/advisories/, where it is not published";
    IdPrefix => "id-prefix", "an advisory id does not start with the site's `id_prefix`";
    SecretKey => "secret-key", "a static or theme file that would be published holds a private key";
}

/// A place in a user's file. The byte range is into the whole file, never a fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub file: PathBuf,
    pub span: Range<usize>,
    pub message: Option<String>,
}

/// One problem for the user to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub level: Level,
    pub code: Code,
    pub message: String,
    pub primary: Option<Label>,
    pub secondary: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Error,
            code,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
        }
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    /// Points the diagnostic at a byte range of a file.
    pub fn at(mut self, file: impl Into<PathBuf>, span: Range<usize>) -> Self {
        self.primary = Some(Label {
            file: file.into(),
            span,
            message: None,
        });
        self
    }

    /// Names a file without a position (for whole-file problems such as I/O errors).
    pub fn in_file(self, file: impl Into<PathBuf>) -> Self {
        self.at(file, 0..0)
    }

    pub fn also(mut self, file: impl Into<PathBuf>, span: Range<usize>, msg: &str) -> Self {
        self.secondary.push(Label {
            file: file.into(),
            span,
            message: Some(msg.to_string()),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

/// The texts of files named by diagnostics, so the renderer can show line and snippet.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    // Only the files that diagnostics point into (and the configuration).
    files: std::collections::BTreeMap<PathBuf, Arc<str>>,
}

impl SourceMap {
    /// The files that `diags` point into whose texts are not here (only texts that a
    /// diagnostic needs are added), for the caller to add or read again.
    pub fn missing<'d>(&self, diags: &'d [Diagnostic]) -> Vec<&'d Path> {
        let labels = diags.iter().flat_map(|d| d.primary.iter().chain(&d.secondary));
        let mut out: Vec<&Path> = labels
            .map(|l| l.file.as_path())
            .filter(|f| !self.files.contains_key(*f))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn add(&mut self, path: &Path, text: Arc<str>) {
        self.files.entry(path.to_path_buf()).or_insert(text);
    }

    pub fn get(&self, path: &Path) -> Option<&str> {
        self.files.get(path).map(|t| &**t)
    }
}

/// Output style for diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// `path:line:col: error[code]: message`, a snippet with a caret, and the hint.
    #[default]
    Human,
    /// GitHub Actions workflow annotations.
    Github,
}

/// Renders diagnostics in the requested format, one block per diagnostic.
pub fn render(diags: &[Diagnostic], sources: &SourceMap, format: Format) -> String {
    let mut out = String::new();
    let mut files = Locator {
        sources,
        indexes: HashMap::new(),
    };
    for d in diags {
        match format {
            Format::Human => render_human(&mut out, d, &mut files),
            Format::Github => render_github(&mut out, d, &mut files),
        }
    }
    out
}

/// The source texts with a line index per file, made once per file: made per diagnostic,
/// 10,000 diagnostics in one file took seconds.
struct Locator<'s> {
    sources: &'s SourceMap,
    indexes: HashMap<&'s Path, LineIndex>,
}

/// Where a label points: line, column, and the snippet of its line to show with the
/// label's column in it.
struct Position {
    line: usize,
    col: usize,
    snippet: String,
    snippet_col: usize,
}

/// Bytes of a long line shown before and after the label's position.
const SNIPPET_BEFORE: usize = 80;
const SNIPPET_AFTER: usize = 120;

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

fn location(label: &Label, files: &mut Locator<'_>) -> (String, Option<Position>) {
    let path = label.file.display().to_string().replace('\\', "/");
    let Some((stored, text)) = files.sources.files.get_key_value(&label.file) else {
        return (path, None);
    };
    // `in_file` labels (0..0) name a whole file: no position to show.
    if label.span == (0..0) {
        return (path, None);
    }
    let index = files
        .indexes
        .entry(stored.as_path())
        .or_insert_with(|| LineIndex::new(text));
    let (line, col) = index.line_col(text, label.span.start);
    (path, Some(snippet(text, index, line, col, label.span.start)))
}

/// The line of `offset`, or for a long line the part around it with `…` where cut, so
/// that the output stays small however long the line is.
fn snippet(text: &str, index: &LineIndex, line: usize, col: usize, offset: usize) -> Position {
    let range = index.line_range(text, line);
    let offset = offset.clamp(range.start, range.end);
    let mut from = offset.saturating_sub(SNIPPET_BEFORE).max(range.start);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (offset + SNIPPET_AFTER).min(range.end);
    while !text.is_char_boundary(to) {
        to += 1;
    }
    let mut snippet = String::new();
    if from > range.start {
        snippet.push('…');
    }
    // Characters from the line's start to `from` are cut off; `…` takes one column.
    let cut = index.chars_before(text, from) - index.chars_before(text, range.start);
    let snippet_col = col - cut + usize::from(from > range.start);
    snippet.push_str(&text[from..to]);
    if to < range.end {
        snippet.push('…');
    }
    Position {
        line,
        col,
        snippet,
        snippet_col,
    }
}

fn render_human(out: &mut String, d: &Diagnostic, sources: &mut Locator<'_>) {
    let head = format!("{}[{}]: {}", level_name(d.level), d.code.name(), d.message);
    let Some(label) = &d.primary else {
        let _ = writeln!(out, "{head}");
        render_help(out, d);
        return;
    };
    let (path, pos) = location(label, sources);
    match pos {
        Some(p) => {
            let _ = writeln!(out, "{path}:{}:{}: {head}", p.line, p.col);
            let width = label_width(label, &p.snippet, p.snippet_col);
            render_snippet(out, p.line, p.snippet_col, &p.snippet, width);
        }
        None => {
            let _ = writeln!(out, "{path}: {head}");
        }
    }
    for extra in &d.secondary {
        let (p, pos) = location(extra, sources);
        let note = extra.message.as_deref().unwrap_or("see also");
        match pos {
            Some(at) => {
                let _ = writeln!(out, "  note: {note}: {p}:{}:{}", at.line, at.col);
            }
            None => {
                let _ = writeln!(out, "  note: {note}: {p}");
            }
        }
    }
    render_help(out, d);
}

/// Caret width: the span's length in characters, limited to the rest of the line.
fn label_width(label: &Label, snippet: &str, col: usize) -> usize {
    let rest = snippet.chars().count().saturating_sub(col - 1);
    label.span.len().clamp(1, rest.max(1))
}

fn render_snippet(out: &mut String, line: usize, col: usize, snippet: &str, width: usize) {
    let gutter = line.to_string().len();
    let shown: String = snippet
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let _ = writeln!(out, "{:gutter$} |", "");
    let _ = writeln!(out, "{line} | {shown}");
    let _ = writeln!(
        out,
        "{:gutter$} | {}{}",
        "",
        " ".repeat(col - 1),
        "^".repeat(width)
    );
}

fn render_help(out: &mut String, d: &Diagnostic) {
    if let Some(help) = &d.help {
        let _ = writeln!(out, "  = help: {help}");
    }
}

fn render_github(out: &mut String, d: &Diagnostic, sources: &mut Locator<'_>) {
    let kind = level_name(d.level);
    let mut props = Vec::new();
    if let Some(label) = &d.primary {
        let (path, pos) = location(label, sources);
        props.push(format!("file={}", github_escape_property(&path)));
        if let Some(p) = pos {
            props.push(format!("line={},col={}", p.line, p.col));
        }
    }
    props.push(format!("title={}", d.code.name()));
    let mut msg = d.message.clone();
    if let Some(help) = &d.help {
        msg.push_str("\nhelp: ");
        msg.push_str(help);
    }
    let _ = writeln!(out, "::{kind} {}::{}", props.join(","), github_escape_data(&msg));
}

fn github_escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn github_escape_property(s: &str) -> String {
    github_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn sort_key(d: &Diagnostic) -> (Option<(&Path, usize)>, Level, Code, &str) {
    (
        d.primary.as_ref().map(|l| (l.file.as_path(), l.span.start)),
        d.level,
        d.code,
        d.message.as_str(),
    )
}

/// Sorts by file, position, then code, and drops exact repeats, so output is stable
/// across runs and threads.
pub fn sorted(mut items: Vec<Diagnostic>) -> Vec<Diagnostic> {
    // Keys borrow: cloning the path and message for every comparison cost more than the
    // comparisons.
    items.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    items.dedup();
    items
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn source_map_names_the_files_diagnostics_point_into_that_it_lacks() {
        let mut sources = SourceMap::default();
        sources.add(Path::new("a.md"), Arc::from("text of a.md"));
        let diags = [
            Diagnostic::warning(Code::H1InBody, "x").at(Path::new("b.md"), 0..4),
            Diagnostic::warning(Code::H1InBody, "y").at(Path::new("a.md"), 0..4),
            Diagnostic::warning(Code::H1InBody, "z").at(Path::new("b.md"), 5..6),
        ];
        assert_eq!(sources.missing(&diags), vec![Path::new("b.md")]);
    }

    #[test]
    fn codes_are_unique() {
        let names: HashSet<_> = Code::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(names.len(), Code::ALL.len());
    }

    #[test]
    fn every_code_is_documented() {
        let docs = include_str!("../docs/diagnostics.md");
        for code in Code::ALL {
            assert!(
                docs.contains(&format!("`{}`", code.name())),
                "docs/diagnostics.md lacks {}",
                code.name()
            );
        }
    }

    #[test]
    fn human_render_has_location_snippet_and_help() {
        let mut sources = SourceMap::default();
        let path = Path::new("content/a.md");
        sources.add(path, Arc::from("+++\nid = 1\n+++\n"));
        let d = Diagnostic::error(Code::InvalidValue, "expected a string")
            .at(path, 9..10)
            .help("quote it");
        let text = render(&[d], &sources, Format::Human);
        assert_eq!(
            text,
            "content/a.md:2:6: error[invalid-value]: expected a string\n  |\n2 | id = 1\n  |      ^\n  = help: quote it\n"
        );
    }
}
