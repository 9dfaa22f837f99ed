//! A JSON reader that remembers what it was asked for. Import reads a CSAF document only
//! through it, so every leaf value the mapping did not take is known by its JSON pointer and
//! reported as lost: nothing is dropped silently.

use std::collections::BTreeSet;

use serde_json::Value;

/// One leaf value of the original that psirt-site's model cannot hold.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Lost {
    /// RFC 6901 JSON pointer into the original document.
    pub pointer: String,
    /// Why it has no home (the default: no field of the model holds it).
    pub reason: String,
}

/// The document and the pointers of the values the mapping used.
pub struct Reader<'a> {
    doc: &'a Value,
    used: BTreeSet<String>,
    reasons: Vec<(String, String)>,
}

impl<'a> Reader<'a> {
    pub fn new(doc: &'a Value) -> Self {
        Reader {
            doc,
            used: BTreeSet::new(),
            reasons: Vec::new(),
        }
    }

    /// The value at `pointer`, without marking it used (for looking around).
    pub fn peek(&self, pointer: &str) -> Option<&'a Value> {
        self.doc.pointer(pointer)
    }

    /// The string at `pointer`, marked used.
    pub fn str(&mut self, pointer: &str) -> Option<&'a str> {
        let s = self.doc.pointer(pointer)?.as_str()?;
        self.used.insert(pointer.to_string());
        Some(s)
    }

    /// Marks `pointer` used, for a value the caller has read through [`Reader::peek`] of
    /// its list (one lookup for the list instead of one per item).
    pub fn mark_used(&mut self, pointer: String) {
        self.used.insert(pointer);
    }

    /// The boolean at `pointer`, marked used.
    pub fn bool(&mut self, pointer: &str) -> Option<bool> {
        let b = self.doc.pointer(pointer)?.as_bool()?;
        self.used.insert(pointer.to_string());
        Some(b)
    }

    /// Whether the mapping used the value at `pointer`.
    pub fn is_used(&self, pointer: &str) -> bool {
        self.used.contains(pointer)
    }

    /// Takes back a value marked used: the mapping could not keep it after all.
    pub fn unuse(&mut self, pointer: &str) {
        self.used.remove(pointer);
    }

    /// How many elements the array at `pointer` has (0 when it is not an array).
    pub fn len(&self, pointer: &str) -> usize {
        self.doc
            .pointer(pointer)
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
    }

    /// Marks every leaf below `pointer` used: the value is represented as a whole (e.g. a
    /// CVSS object whose fields all follow from the vector psirt-site keeps).
    pub fn take_all(&mut self, pointer: &str) {
        if let Some(v) = self.doc.pointer(pointer) {
            let mut leaves = Vec::new();
            flatten(v, pointer, &mut leaves);
            self.used.extend(leaves.into_iter().map(|(p, _)| p));
        }
    }

    /// Takes back every value below `pointer` marked used (`unuse` for a whole subtree).
    pub fn take_back(&mut self, pointer: &str) {
        let prefix = format!("{pointer}/");
        self.used.retain(|p| p != pointer && !p.starts_with(&prefix));
    }

    /// Gives values below `pointer` that stay unused a specific reason in the report.
    pub fn explain(&mut self, pointer: &str, reason: &str) {
        self.reasons.push((pointer.to_string(), reason.to_string()));
    }

    /// Every leaf of the document the mapping did not use, with the reason.
    pub fn lost(&self) -> Vec<Lost> {
        let mut leaves = Vec::new();
        flatten(self.doc, "", &mut leaves);
        leaves
            .into_iter()
            .filter(|(p, _)| !self.used.contains(p))
            .map(|(pointer, _)| {
                let reason = self
                    .reasons
                    .iter()
                    .rev()
                    .find(|(prefix, _)| pointer == *prefix || pointer.starts_with(&format!("{prefix}/")))
                    .map_or_else(
                        || "no field of psirt-site's model holds it".to_string(),
                        |(_, r)| r.clone(),
                    );
                Lost { pointer, reason }
            })
            .collect()
    }
}

/// Every leaf (string, number, bool, null) below `value` with its JSON pointer. Empty
/// arrays and objects are leaves too: they say something (an empty list) that can be lost.
pub fn flatten<'v>(value: &'v Value, at: &str, out: &mut Vec<(String, &'v Value)>) {
    match value {
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                flatten(v, &format!("{at}/{}", escape(k)), out);
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for (i, v) in a.iter().enumerate() {
                flatten(v, &format!("{at}/{i}"), out);
            }
        }
        leaf => out.push((at.to_string(), leaf)),
    }
}

/// RFC 6901: `~` → `~0`, `/` → `~1`.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unused_leaves_are_lost_with_their_reason() {
        let doc = json!({"a": {"b": "x", "c/d": [1, 2]}, "e": [], "f": {"g": true}});
        let mut r = Reader::new(&doc);
        assert_eq!(r.str("/a/b"), Some("x"));
        r.take_all("/f");
        r.explain("/a/c~1d", "lists are not kept");
        let lost = r.lost();
        let pointers: Vec<&str> = lost.iter().map(|l| l.pointer.as_str()).collect();
        assert_eq!(pointers, ["/a/c~1d/0", "/a/c~1d/1", "/e"]);
        assert_eq!(lost[0].reason, "lists are not kept");
        assert_eq!(lost[2].reason, "no field of psirt-site's model holds it");
    }
}
