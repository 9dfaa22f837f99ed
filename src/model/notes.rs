//! Notes written in front matter (`[[notes]]` of the advisory and of each vulnerability),
//! with an explicit CSAF category and title, and the CSAF note categories themselves.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::build::Builder;
use crate::diag::Code;
use crate::hash::HashSet;

/// CSAF 2.0 `notes_t` category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteCategory {
    Description,
    Details,
    Faq,
    General,
    LegalDisclaimer,
    Other,
    Summary,
}

impl NoteCategory {
    pub const ALL: [NoteCategory; 7] = [
        NoteCategory::Description,
        NoteCategory::Details,
        NoteCategory::Faq,
        NoteCategory::General,
        NoteCategory::LegalDisclaimer,
        NoteCategory::Other,
        NoteCategory::Summary,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoteCategory::Description => "description",
            NoteCategory::Details => "details",
            NoteCategory::Faq => "faq",
            NoteCategory::General => "general",
            NoteCategory::LegalDisclaimer => "legal_disclaimer",
            NoteCategory::Other => "other",
            NoteCategory::Summary => "summary",
        }
    }

    /// The category named `s` (as in CSAF), if there is one.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// `description, details, …`, for help texts.
    pub fn names() -> String {
        Self::ALL.map(Self::as_str).join(", ")
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNote {
    pub category: NoteCategory,
    #[serde(default)]
    pub title: Option<Spanned<String>>,
    /// Required, except for the advisory's summary note placed among `[[notes]]`.
    #[serde(default)]
    pub text: Option<Spanned<String>>,
}

/// Where the summary note goes among the front-matter notes, and its title: a `[[notes]]`
/// entry of category `summary` without `text` (imported documents whose summary note is
/// not their first note, or is titled otherwise, keep its place and title).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryPlace {
    /// Index into the advisory's front-matter notes: the summary note comes before it.
    pub index: usize,
    pub title: Option<String>,
}

/// A note as CSAF has it: category, optional title, Markdown text.
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub category: NoteCategory,
    pub title: Option<String>,
    pub text: String,
}

impl Builder<'_> {
    /// A vulnerability's notes: each has a text.
    pub(super) fn notes(&mut self, raw: &[RawNote]) -> Vec<Note> {
        raw.iter()
            .filter_map(|n| {
                let Some(text) = &n.text else {
                    let at = n.title.as_ref().map_or(0..0, Spanned::span);
                    self.error_at(
                        Code::MissingField,
                        at,
                        "missing field `text` of a note".into(),
                        "add text = \"…\"",
                    );
                    return None;
                };
                Some(Note {
                    category: n.category,
                    title: n.title.as_ref().map(|t| self.non_empty(t, "note title")),
                    text: self.non_empty(text, "note text"),
                })
            })
            .collect()
    }

    /// The advisory's `[[notes]]`, and the place of its summary note when one entry of
    /// category `summary` has no text (at most one: there is one summary note).
    pub(super) fn document_notes(&mut self, raw: &[RawNote]) -> (Vec<Note>, Option<SummaryPlace>) {
        let mut place = None;
        let mut written = Vec::new();
        for n in raw {
            if n.text.is_none() && n.category == NoteCategory::Summary && place.is_none() {
                place = Some(SummaryPlace {
                    index: written.len(),
                    title: n.title.as_ref().map(|t| self.non_empty(t, "note title")),
                });
                continue;
            }
            written.extend(self.notes(std::slice::from_ref(n)));
        }
        (written, place)
    }

    /// A text that must not be empty, when given.
    pub(super) fn optional_text(&mut self, s: &Option<Spanned<String>>, what: &str) -> Option<String> {
        s.as_ref().map(|s| self.non_empty(s, what))
    }

    /// Checks that a list of labels has no empty entry and no repeat (CSAF arrays of
    /// entitlements and ids are `uniqueItems`).
    pub(super) fn unique_texts(&mut self, items: &[Spanned<String>], what: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        // A set, not a search of `out`: linear in the list however long it is.
        let mut seen: HashSet<String> = HashSet::default();
        for item in items {
            let text = self.non_empty(item, what);
            if !seen.insert(text.clone()) {
                let msg = format!("{what} `{}` is listed twice", text.escape_debug());
                self.error(Code::InvalidValue, item, msg, "list each once");
                continue;
            }
            out.push(text);
        }
        out
    }
}
