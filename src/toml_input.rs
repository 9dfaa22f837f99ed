//! Strict TOML reading with diagnostics in the user's file coordinates.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diag::{Code, Diagnostic};

/// Deserializes `fragment`, which starts at byte `offset` of `file`, into `T`.
/// Errors carry the span shifted into the whole file and a code derived from the kind
/// of problem (syntax, unknown key, missing field, wrong value).
pub fn parse<T: DeserializeOwned>(fragment: &str, offset: usize, file: &Path) -> Result<T, Diagnostic> {
    toml::from_str(fragment).map_err(|err| to_diagnostic(&err, offset, file))
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
        let err = parse::<T>("name = \"a\"\nnmae = 1\n", 4, Path::new("f.md")).unwrap_err();
        assert_eq!(err.code, Code::UnknownKey);
        let span = err.primary.expect("has a label").span;
        assert_eq!(span.start, 4 + 11);
    }

    #[test]
    fn syntax_and_missing() {
        let err = parse::<T>("name = \n", 0, Path::new("f.md")).unwrap_err();
        assert_eq!(err.code, Code::TomlSyntax);
        let err = parse::<T>("", 0, Path::new("f.md")).unwrap_err();
        assert_eq!(err.code, Code::MissingField);
    }
}
