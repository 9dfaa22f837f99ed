//! Taking the value that failed out of a parsed TOML document, so that deserializing it
//! again finds the document's next problem: every mistake of a file in one run.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

/// Removes the key (with its value) or array element that `span` points at: a key, a
/// value, or a table the error is about (such as an `[[affected]]` entry that lacks a
/// key). The deepest match wins. Returns whether anything was removed; the document as a
/// whole is never removed.
pub(super) fn remove_at(table: &mut DeTable<'_>, span: &Range<usize>) -> bool {
    let mut hit = None;
    for (key, value) in table.iter_mut() {
        if key.span() == *span || value.span() == *span {
            // A nested table at exactly this span may hold a better match.
            if prune_value(value, span) {
                return true;
            }
            hit = Some(key.get_ref().clone());
            break;
        }
        // Not only where the spans nest: an array of tables' span is its first header's.
        if prune_value(value, span) {
            return true;
        }
    }
    match hit {
        Some(key) => table.remove(key.as_ref()).is_some(),
        None => false,
    }
}

/// Looks inside a table or array value for the thing at `span`.
fn prune_value(value: &mut Spanned<DeValue<'_>>, span: &Range<usize>) -> bool {
    match value.get_mut() {
        DeValue::Table(t) => remove_at(t, span),
        DeValue::Array(items) => prune_array(items, span),
        _ => false,
    }
}

fn prune_array(items: &mut DeArray<'_>, span: &Range<usize>) -> bool {
    for item in items.iter_mut() {
        if item.span() != *span && prune_value(item, span) {
            return true;
        }
    }
    let Some(at) = items.iter().position(|i| i.span() == *span) else {
        return false;
    };
    // `DeArray` can only grow: make it again without the element.
    let mut kept = DeArray::new();
    for (i, item) in items.iter().enumerate() {
        if i != at {
            kept.push(item.clone());
        }
    }
    *items = kept;
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(t: &DeTable<'_>) -> Vec<String> {
        t.iter().map(|(k, _)| k.get_ref().to_string()).collect()
    }

    #[test]
    fn removes_a_key_a_nested_key_and_an_array_element() {
        let text = "a = 1\nb = 2\n[[c]]\nx = 1\n[[c]]\ny = 2\n";
        let mut t = DeTable::parse(text).expect("parses").into_inner();
        let b = text.find("b =").expect("b");
        assert!(remove_at(&mut t, &(b..b + 1)));
        assert_eq!(keys(&t), ["a", "c"]);
        let y = text.find("y =").expect("y");
        assert!(remove_at(&mut t, &(y..y + 1)));
        let Some(c) = t.get("c") else { panic!("c") };
        let DeValue::Array(items) = c.get_ref() else {
            panic!("array")
        };
        assert_eq!(items.len(), 2);
        let first = items[0].span();
        assert!(remove_at(&mut t, &first));
        let Some(c) = t.get("c") else { panic!("c") };
        let DeValue::Array(items) = c.get_ref() else {
            panic!("array")
        };
        assert_eq!(items.len(), 1);
        assert!(!remove_at(&mut t, &(0..text.len())), "never the whole document");
    }
}
