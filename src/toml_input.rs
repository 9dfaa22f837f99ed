//! Strict TOML reading with diagnostics in the user's file coordinates.

use std::path::Path;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Code, Diagnostic};
use crate::text;

mod edit;
mod prune;
mod suggest;

/// At most this many shape errors of one file are reported: enough for any real file, and a
/// bound on the work a hostile one can cause (each costs one more deserializing pass).
const MAX_SHAPE_ERRORS: usize = 50;

/// Deserializes `fragment`, which starts at byte `offset` of `file`, into `T`.
/// Errors carry the span shifted into the whole file and a code derived from the kind
/// of problem (syntax, unknown key, missing field, wrong value). Every key or string that
/// holds a character [`text::is_forbidden`] refuses is an `invalid-text` error at it.
pub fn parse<T: DeserializeOwned>(fragment: &str, offset: usize, file: &Path) -> Result<T, Vec<Diagnostic>> {
    match parse_keeping(fragment, offset, file) {
        (Some(value), diags) if diags.is_empty() => Ok(value),
        (_, diags) => Err(diags),
    }
}

/// As [`parse`], but keeps the value when only strings were refused, so that a catalog
/// with one bad name still defines its ids (and advisories naming them get no errors of
/// their own). The build stops at the `invalid-text` errors either way.
pub fn parse_keeping<T: DeserializeOwned>(
    fragment: &str,
    offset: usize,
    file: &Path,
) -> (Option<T>, Vec<Diagnostic>) {
    let table = match DeTable::parse(fragment) {
        Ok(table) => table,
        Err(err) => return (None, vec![to_diagnostic(&err, offset, fragment.len(), file)]),
    };
    // Every string of every file passes here, so no field can be forgotten. A refused
    // character is either in the text or written as an escape: without a backslash and
    // such a character (nearly every file) the walk is skipped.
    let mut bad = Vec::new();
    if fragment.contains('\\') || text::first_forbidden(fragment).is_some() {
        invalid_text(&table, offset, file, &mut bad);
    }
    let (value, mut shape) = deserialize_all(fragment, table, offset, file);
    shape.append(&mut bad);
    (value, shape)
}

/// Deserializes `table` (parsed from `fragment`); on an error, takes the key or entry it
/// points at out (or, for a missing key, puts a stand-in value in) and tries again, so that
/// one run reports every unknown key, wrong value and missing key of the file, not only the
/// first. A key missing because its wrong value was taken out is not reported twice. A file
/// without errors is deserialized once and never copied.
fn deserialize_all<T: DeserializeOwned>(
    fragment: &str,
    table: Spanned<DeTable<'_>>,
    offset: usize,
    file: &Path,
) -> (Option<T>, Vec<Diagnostic>) {
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut edits = edit::Edits::default();
    let mut next = Some(table);
    while let Some(table) = next.take() {
        let err = match T::deserialize(toml::de::Deserializer::from(table)) {
            Ok(value) if errors.is_empty() => return (Some(value), errors),
            Ok(_) => break,
            Err(err) => err,
        };
        let Some(span) = err.span().filter(|s| !edit::is_stand_in(s)) else {
            break;
        };
        let missing = missing_field_name(err.message()).map(str::to_string);
        let explained = missing.as_ref().is_some_and(|name| edits.took_out(name, &span));
        if !explained {
            errors.push(to_diagnostic(&err, offset, fragment.len(), file));
        }
        if errors.len() >= MAX_SHAPE_ERRORS {
            break;
        }
        // The table was used up; errors are rare, so parse the fragment again.
        next = match missing {
            Some(name) => edits.stand_in::<T>(fragment, span, &name),
            None => edits.take_out(fragment, span),
        };
    }
    (None, errors)
}

fn missing_field_name(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// A value to look at and the dotted key path to it (array positions are left out: the
/// diagnostic's position shows which element).
type Pending<'t, 'i> = (&'t Spanned<DeValue<'i>>, String);

/// Pushes an `invalid-text` error for every key and string of `root` that holds a refused
/// character. A loop with a stack, not recursion: the nesting depth is the user's.
fn invalid_text(root: &Spanned<DeTable<'_>>, offset: usize, file: &Path, out: &mut Vec<Diagnostic>) {
    let at = |span: std::ops::Range<usize>| span.start + offset..span.end + offset;
    let mut stack: Vec<Pending<'_, '_>> = Vec::new();
    let mut tables = vec![(root.get_ref(), String::new())];
    loop {
        for (table, path) in tables.drain(..) {
            for (key, value) in table {
                check(key.get_ref(), "a key", file, at(key.span()), out);
                let path = match path.as_str() {
                    "" => key.get_ref().to_string(),
                    parent => format!("{parent}.{}", key.get_ref()),
                };
                stack.push((value, path));
            }
        }
        let Some((value, path)) = stack.pop() else {
            return;
        };
        match value.get_ref() {
            DeValue::String(s) => check(s, &format!("`{path}`"), file, at(value.span()), out),
            DeValue::Array(items) => stack.extend(items.iter().map(|v| (v, path.clone()))),
            DeValue::Table(table) => tables.push((table, path)),
            _ => {}
        }
    }
}

fn check(s: &str, what: &str, file: &Path, span: std::ops::Range<usize>, out: &mut Vec<Diagnostic>) {
    if let Some((_, c)) = text::first_forbidden(s) {
        out.push(
            Diagnostic::error(Code::InvalidText, format!("{what} holds {}", text::describe(c)))
                .at(file, span)
                .help(text::HELP_TOML),
        );
    }
}

fn to_diagnostic(err: &toml::de::Error, offset: usize, len: usize, file: &Path) -> Diagnostic {
    let message = err.message().trim().to_string();
    let (code, help) = classify(&message);
    // serde appends the expected keys or values to the message; they go to the hint.
    let message = message
        .split(", expected one of")
        .next()
        .unwrap_or(&message)
        .to_string();
    let span = match err.span() {
        // A key missing from the whole front matter: point at the block's closing `+++`
        // (a front matter starts after its opening line, a whole file at 0).
        Some(s) if s == (0..0) && offset > 0 && message.starts_with("missing field") => {
            offset + len..offset + len + 3
        }
        Some(s) => s.start + offset..s.end + offset,
        None => offset..offset,
    };
    let mut diag = Diagnostic::error(code, first_line(&message)).at(file, span);
    if let Some(help) = help {
        diag = diag.help(help);
    }
    diag
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).to_string()
}

/// Maps serde/toml messages onto stable codes and a hint.
fn classify(message: &str) -> (Code, Option<String>) {
    if let Some(rest) = message.strip_prefix("unknown field") {
        let help = did_you_mean(rest, "known keys here")
            .unwrap_or_else(|| "remove the key; see docs/content-model.md".into());
        return (Code::UnknownKey, Some(help));
    }
    if let Some(name) = missing_field_name(message) {
        return (Code::MissingField, Some(missing_help(name)));
    }
    if let Some(rest) = message.strip_prefix("unknown variant") {
        return (Code::UnknownCategory, did_you_mean(rest, "use one of"));
    }
    if message.starts_with("invalid type") || message.starts_with("invalid value") {
        return (
            Code::InvalidValue,
            Some("check the value's type against docs/content-model.md".into()),
        );
    }
    if message.starts_with("duplicate key") {
        return (Code::TomlSyntax, Some("each key may appear once".into()));
    }
    (
        Code::TomlSyntax,
        Some("fix the TOML syntax (strings need quotes, tables need [brackets])".into()),
    )
}

/// For "`` `given`, expected one of `a`, `b` ``": the nearest known name, then the list.
fn did_you_mean(rest: &str, list_label: &str) -> Option<String> {
    let (given, expected) = rest.split_once(", expected ")?;
    let given = given.trim().trim_matches('`');
    let list = expected.trim_start_matches("one of ");
    let names = suggest::expected_names(list);
    Some(match suggest::closest(given, names.iter().copied()) {
        Some(near) => format!("did you mean `{near}`? ({list_label}: {list})"),
        None => format!("{list_label}: {list}"),
    })
}

/// What a required key is for, so that the hint to add it says why it matters.
fn missing_help(name: &str) -> String {
    let purpose = match name {
        "id" => "the advisory's id, e.g. `ACME-SA-2026-0001`: its page, CSAF file name and tracking id",
        "title" => "the title shown on the page, in feeds and as the CSAF document title",
        "published" => {
            "the date and time of the first public release, e.g. `2026-03-10T09:00:00Z`; a future date embargoes the advisory"
        }
        "status" => "`draft` (never published), `interim` or `final`",
        "summary" => {
            "one paragraph on what is wrong and what to do, shown on cards and as the CSAF summary note"
        }
        "affected" => "at least one `[[affected]]` entry naming a product of content/products.toml",
        "product" => "the id of a product in content/products.toml",
        "date" => "when this happened, e.g. `2026-03-10T09:00:00Z`",
        "reason" => "why, in a sentence readers will see",
        "category" => "the kind of entry (docs/content-model.md lists the values)",
        "details" => "what to do, in a sentence or two",
        "url" => "an absolute https:// address",
        "name" => "the name shown to readers",
        _ => "docs/content-model.md says what it holds",
    };
    format!("add `{name}`: {purpose}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        name: String,
    }

    #[test]
    fn unknown_key_is_shifted_into_file() {
        let err = parse::<T>("name = \"a\"\nnmae = 1\n", 4, Path::new("f.md"))
            .unwrap_err()
            .remove(0);
        assert_eq!(err.code, Code::UnknownKey);
        let span = err.primary.expect("has a label").span;
        assert_eq!(span.start, 4 + 11);
    }

    #[test]
    fn syntax_and_missing() {
        let err = parse::<T>("name = \n", 0, Path::new("f.md"))
            .unwrap_err()
            .remove(0);
        assert_eq!(err.code, Code::TomlSyntax);
        let err = parse::<T>("", 0, Path::new("f.md")).unwrap_err().remove(0);
        assert_eq!(err.code, Code::MissingField);
    }
}
