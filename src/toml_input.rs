//! Strict TOML reading with diagnostics in the user's file coordinates.

use std::path::Path;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Code, Diagnostic};
use crate::text;

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
        Err(err) => return (None, vec![to_diagnostic(&err, offset, file)]),
    };
    // Every string of every file passes here, so no field can be forgotten. A refused
    // character is either in the text or written as an escape: without a backslash and
    // such a character (nearly every file) the walk is skipped.
    let mut bad = Vec::new();
    if fragment.contains('\\') || text::first_forbidden(fragment).is_some() {
        invalid_text(&table, offset, file, &mut bad);
    }
    match T::deserialize(toml::de::Deserializer::from(table)) {
        Ok(value) => (Some(value), bad),
        Err(err) => {
            bad.insert(0, to_diagnostic(&err, offset, file));
            (None, bad)
        }
    }
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

fn to_diagnostic(err: &toml::de::Error, offset: usize, file: &Path) -> Diagnostic {
    let message = err.message().trim().to_string();
    let (code, help) = classify(&message);
    // serde appends the expected keys or values to the message; they go to the hint.
    let message = message
        .split(", expected one of")
        .next()
        .unwrap_or(&message)
        .to_string();
    let span = err
        .span()
        .map_or(offset..offset, |s| s.start + offset..s.end + offset);
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
        let expected = rest
            .split_once(", expected ")
            .map(|(_, e)| format!("known keys here: {}", e.trim_start_matches("one of ")));
        return (
            Code::UnknownKey,
            expected.or(Some("remove the key; see docs/content-model.md".into())),
        );
    }
    if message.starts_with("missing field") {
        return (
            Code::MissingField,
            Some("add the key; docs/content-model.md lists every required key".into()),
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant") {
        let expected = rest
            .split_once(", expected ")
            .map(|(_, e)| format!("use one of {}", e.trim_start_matches("one of ")));
        return (Code::UnknownCategory, expected);
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
