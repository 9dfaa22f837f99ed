//! The changes made to a parsed TOML document to get past its errors one at a time (see
//! `deserialize_all`): entries taken out, stand-in values put in for missing keys. The
//! document is parsed again from its text for every attempt and the changes replayed, since
//! deserializing uses it up.

use std::borrow::Cow;
use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use super::{missing_field_name, prune};

/// Stand-in values tried for one missing key at most.
const MAX_TRIES: usize = 12;

/// The span given to stand-in values, so that errors about them are recognised.
const STAND_IN: Range<usize> = usize::MAX - 1..usize::MAX;

pub(super) fn is_stand_in(span: &Range<usize>) -> bool {
    *span == STAND_IN
}

enum Edit {
    TakeOut(Range<usize>),
    /// A value for `key` in the table at `table` (`0..0`: the whole document).
    StandIn {
        table: Range<usize>,
        key: String,
        value: DeValue<'static>,
    },
}

#[derive(Default)]
pub(super) struct Edits {
    done: Vec<Edit>,
    /// Keys whose entries were taken out, with the span of their table: the absence of such
    /// a key (or of the key it misspells) is no second error.
    taken_keys: Vec<(String, Range<usize>)>,
}

impl Edits {
    /// Whether `key`, missing from the table at `table`, was taken out of it, or a key
    /// that misspells it was (`prodct` for `product`): its error told the mistake already.
    pub(super) fn took_out(&self, key: &str, table: &Range<usize>) -> bool {
        self.taken_keys
            .iter()
            .any(|(k, t)| t == table && (k == key || super::suggest::closest(k, [key]).is_some()))
    }

    /// Takes out what `span` points at; the document to try next, if anything was.
    pub(super) fn take_out<'i>(
        &mut self,
        fragment: &'i str,
        span: Range<usize>,
    ) -> Option<Spanned<DeTable<'i>>> {
        let mut doc = self.replay(fragment)?;
        self.taken_keys.extend(key_with_span(doc.get_ref(), &span));
        prune::remove_at(doc.get_mut(), &span).then_some(())?;
        self.done.push(Edit::TakeOut(span));
        Some(doc)
    }

    /// Puts a value for the missing `key` into the table at `span`: the first kind of value
    /// that deserializes past this error (for an enumeration, its first listed value).
    pub(super) fn stand_in<'i, T: DeserializeOwned>(
        &mut self,
        fragment: &'i str,
        span: Range<usize>,
        key: &str,
    ) -> Option<Spanned<DeTable<'i>>> {
        let mut candidates = stand_in_values();
        // Each failed try may add one candidate (an enumeration's first value): bounded, so
        // that no type can keep the loop going.
        let mut tries = 0;
        while let Some(value) = candidates.pop().filter(|_| tries < MAX_TRIES) {
            tries += 1;
            let mut doc = self.replay(fragment)?;
            insert(doc.get_mut(), &span, key, value.clone()).then_some(())?;
            let outcome = T::deserialize(toml::de::Deserializer::from(doc));
            let still = match &outcome {
                Ok(_) => false,
                Err(e) if e.span().is_some_and(|s| is_stand_in(&s)) => {
                    candidates.extend(first_expected(e.message()));
                    true
                }
                Err(e) => missing_field_name(e.message()) == Some(key) && e.span() == Some(span.clone()),
            };
            if !still {
                let key = key.to_string();
                self.done.push(Edit::StandIn {
                    table: span,
                    key,
                    value,
                });
                return self.replay(fragment);
            }
        }
        None
    }

    fn replay<'i>(&self, fragment: &'i str) -> Option<Spanned<DeTable<'i>>> {
        let mut doc = DeTable::parse(fragment).ok()?;
        for edit in &self.done {
            match edit {
                Edit::TakeOut(span) => {
                    prune::remove_at(doc.get_mut(), span);
                }
                Edit::StandIn { table, key, value } => {
                    insert(doc.get_mut(), table, key, value.clone());
                }
            }
        }
        Some(doc)
    }
}

/// Values to try, last first: a string, a date-time, a number, a flag, a list, a table.
fn stand_in_values() -> Vec<DeValue<'static>> {
    let mut values = vec![
        DeValue::Table(DeTable::new()),
        DeValue::Array(DeArray::new()),
        DeValue::Boolean(false),
    ];
    if let Ok(date) = "1970-01-01T00:00:00Z".parse() {
        values.push(DeValue::Datetime(date));
    }
    values.push(DeValue::String(Cow::Borrowed("-")));
    values
}

/// For "unknown variant `-`, expected one of `a`, `b`": `a`, as a string value.
fn first_expected(message: &str) -> Option<DeValue<'static>> {
    let (_, expected) = message.split_once("expected ")?;
    let name = super::suggest::expected_names(expected).into_iter().next()?;
    Some(DeValue::String(Cow::Owned(name.to_string())))
}

/// Puts `key = value` into the table whose span is `at` (`0..0`: the document).
fn insert<'i>(root: &mut DeTable<'i>, at: &Range<usize>, key: &str, value: DeValue<'i>) -> bool {
    let Some(table) = table_at(root, at) else {
        return false;
    };
    let key = Spanned::new(STAND_IN, Cow::Owned(key.to_string()));
    table.insert(key, Spanned::new(STAND_IN, value));
    true
}

fn table_at<'t, 'i>(table: &'t mut DeTable<'i>, at: &Range<usize>) -> Option<&'t mut DeTable<'i>> {
    if *at == (0..0) {
        return Some(table);
    }
    let mut stack: Vec<&'t mut Spanned<DeValue<'i>>> = table.iter_mut().map(|(_, v)| v).collect();
    while let Some(value) = stack.pop() {
        let found = value.span() == *at;
        match value.get_mut() {
            DeValue::Table(t) => {
                if found {
                    return Some(t);
                }
                stack.extend(t.iter_mut().map(|(_, v)| v));
            }
            DeValue::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
    None
}

/// The key whose key or value `span` is, if it is one, and the span of its table (`0..0`
/// for the document, as in missing-key errors).
fn key_with_span(root: &DeTable<'_>, span: &Range<usize>) -> Option<(String, Range<usize>)> {
    let mut stack = vec![(root, 0..0)];
    while let Some((t, t_span)) = stack.pop() {
        for (key, value) in t {
            if key.span() == *span || value.span() == *span {
                return Some((key.get_ref().to_string(), t_span));
            }
            match value.get_ref() {
                DeValue::Table(inner) => stack.push((inner, value.span())),
                DeValue::Array(items) => stack.extend(items.iter().filter_map(|i| match i.get_ref() {
                    DeValue::Table(inner) => Some((inner, i.span())),
                    _ => None,
                })),
                _ => {}
            }
        }
    }
    None
}
