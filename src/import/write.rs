//! The advisory's front matter as TOML, written one top-level value at a time.
//!
//! `toml::to_string` of a whole large advisory spent most of an import copying: its
//! serializer inserts every nested table (`[[vulnerabilities.remediations]]`, …) into the
//! one output string it has written so far, so the cost grows with tables × size (41 % of
//! importing a 10 MB document with about 5,700 tables). Here each top-level key, and each
//! element of a top-level array of tables, is serialized on its own by the same crate and
//! the parts are joined as it joins them: the text is byte for byte what `toml::to_string`
//! writes (the tests below and the import of the shared corpus compare them), and each
//! part is small, so the copying is linear.

use std::fmt;

use serde::Serialize;
use serde::ser::{self, Impossible, SerializeSeq, SerializeStruct, Serializer};

/// `front` (a struct) as a TOML document, the text `toml::to_string(front)` writes.
pub(super) fn front_matter<T: Serialize + ?Sized>(front: &T) -> Result<String, String> {
    let fields = front.serialize(Fields).map_err(|e| e.0)?;
    // Plain keys first, as TOML needs them before any table header; then the tables in
    // field order, each header after an empty line (none before the first line).
    let mut out = String::new();
    for field in &fields {
        if let Part::Inline(text) = field {
            out.push_str(text);
        }
    }
    for field in fields {
        let tables = match field {
            Part::Inline(_) => continue,
            Part::Table(text) => vec![text],
            Part::Tables(texts) => texts,
        };
        for text in tables {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&text);
        }
    }
    Ok(out)
}

/// One top-level key as written: `key = value` lines, one `[key]` table, or the
/// `[[key]]` tables of an array, one text per element.
enum Part {
    Inline(String),
    Table(String),
    Tables(Vec<String>),
}

/// Why a value could not be written; also "not an array of tables", which makes the
/// caller write the value whole.
#[derive(Debug)]
struct WriteError(String);

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for WriteError {}

impl ser::Error for WriteError {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        WriteError(msg.to_string())
    }
}

fn not_a(what: &str) -> WriteError {
    WriteError(format!("front matter: expected {what}"))
}

fn toml_text<T: Serialize + ?Sized>(value: &T) -> Result<String, WriteError> {
    toml::to_string(value).map_err(|e| WriteError(format!("cannot write front matter: {e}")))
}

/// `{ key = value }`: one key of the front matter as a document of its own.
struct Single<'a, T: ?Sized> {
    key: &'static str,
    value: &'a T,
}

impl<T: Serialize + ?Sized> Serialize for Single<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut table = serializer.serialize_struct("Single", 1)?;
        table.serialize_field(self.key, self.value)?;
        table.end()
    }
}

/// `[value]`: one element of an array of tables, as an array of its own.
struct OneElement<'a, T: ?Sized>(&'a T);

impl<T: Serialize + ?Sized> Serialize for OneElement<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(1))?;
        seq.serialize_element(self.0)?;
        seq.end()
    }
}

/// A value with no place at this level: everything but the one shape a serializer
/// takes apart is refused with `not_a($what)`.
macro_rules! refuse_plain_values {
    ($what:literal: $($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method(self, _: $ty) -> Result<Self::Ok, Self::Error> {
            Err(not_a($what))
        })*
        fn serialize_none(self) -> Result<Self::Ok, Self::Error> {
            Err(not_a($what))
        }
        fn serialize_unit(self) -> Result<Self::Ok, Self::Error> {
            Err(not_a($what))
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result<Self::Ok, Self::Error> {
            Err(not_a($what))
        }
        fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<Self::Ok, Self::Error> {
            Err(not_a($what))
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<Self::Ok, Self::Error> {
            Err(not_a($what))
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Self::Error> {
            Err(not_a($what))
        }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Self::Error> {
            Err(not_a($what))
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, Self::Error> {
            Err(not_a($what))
        }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Self::Error> {
            Err(not_a($what))
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeStructVariant, Self::Error> {
            Err(not_a($what))
        }
        fn serialize_bool(self, _: bool) -> Result<Self::Ok, Self::Error> {
            Err(not_a($what))
        }
    };
}

/// Takes the front matter struct apart into its keys, each written on its own.
struct Fields;

impl Serializer for Fields {
    type Ok = Vec<Part>;
    type Error = WriteError;
    type SerializeSeq = Impossible<Vec<Part>, WriteError>;
    type SerializeTuple = Impossible<Vec<Part>, WriteError>;
    type SerializeTupleStruct = Impossible<Vec<Part>, WriteError>;
    type SerializeTupleVariant = Impossible<Vec<Part>, WriteError>;
    type SerializeMap = Impossible<Vec<Part>, WriteError>;
    type SerializeStruct = FieldParts;
    type SerializeStructVariant = Impossible<Vec<Part>, WriteError>;

    refuse_plain_values!("a struct": serialize_i8(i8), serialize_i16(i16), serialize_i32(i32),
        serialize_i64(i64), serialize_u8(u8), serialize_u16(u16), serialize_u32(u32),
        serialize_u64(u64), serialize_f32(f32), serialize_f64(f64), serialize_char(char),
        serialize_str(&str), serialize_bytes(&[u8]));

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok, Self::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Self::Error> {
        value.serialize(self)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Self::Error> {
        Err(not_a("a struct"))
    }

    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Self::SerializeStruct, Self::Error> {
        Ok(FieldParts(Vec::with_capacity(len)))
    }
}

struct FieldParts(Vec<Part>);

impl SerializeStruct for FieldParts {
    type Ok = Vec<Part>;
    type Error = WriteError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), WriteError> {
        // An array of tables element by element; anything else whole (it is small).
        let elements = value.serialize(Elements { key }).ok();
        let part = match elements {
            Some(texts) if !texts.is_empty() && texts.iter().all(|t| t.starts_with("[[")) => {
                Part::Tables(texts)
            }
            _ => {
                let text = toml_text(&Single { key, value })?;
                if text.starts_with('[') {
                    Part::Table(text)
                } else {
                    Part::Inline(text)
                }
            }
        };
        self.0.push(part);
        Ok(())
    }

    fn end(self) -> Result<Vec<Part>, WriteError> {
        Ok(self.0)
    }
}

/// Writes each element of an array as `{ key = [element] }`; anything but an array is
/// refused, and then written whole.
struct Elements {
    key: &'static str,
}

impl Serializer for Elements {
    type Ok = Vec<String>;
    type Error = WriteError;
    type SerializeSeq = ElementTexts;
    type SerializeTuple = Impossible<Vec<String>, WriteError>;
    type SerializeTupleStruct = Impossible<Vec<String>, WriteError>;
    type SerializeTupleVariant = Impossible<Vec<String>, WriteError>;
    type SerializeMap = Impossible<Vec<String>, WriteError>;
    type SerializeStruct = Impossible<Vec<String>, WriteError>;
    type SerializeStructVariant = Impossible<Vec<String>, WriteError>;

    refuse_plain_values!("an array": serialize_i8(i8), serialize_i16(i16), serialize_i32(i32),
        serialize_i64(i64), serialize_u8(u8), serialize_u16(u16), serialize_u32(u32),
        serialize_u64(u64), serialize_f32(f32), serialize_f64(f64), serialize_char(char),
        serialize_str(&str), serialize_bytes(&[u8]));

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok, Self::Error> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<Self::Ok, Self::Error> {
        value.serialize(self)
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, Self::Error> {
        Ok(ElementTexts {
            key: self.key,
            texts: Vec::with_capacity(len.unwrap_or(0)),
        })
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Self::Error> {
        Err(not_a("an array"))
    }
}

struct ElementTexts {
    key: &'static str,
    texts: Vec<String>,
}

impl SerializeSeq for ElementTexts {
    type Ok = Vec<String>;
    type Error = WriteError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), WriteError> {
        let one = OneElement(value);
        self.texts.push(toml_text(&Single {
            key: self.key,
            value: &one,
        })?);
        Ok(())
    }

    fn end(self) -> Result<Vec<String>, WriteError> {
        Ok(self.texts)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;

    use super::front_matter;

    #[derive(Serialize)]
    struct Remediation {
        category: String,
        products: Vec<String>,
    }

    #[derive(Serialize)]
    struct Vulnerability {
        cve: Option<String>,
        title: String,
        scores: BTreeMap<String, f64>,
        remediations: Vec<Remediation>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        notes: Vec<Note>,
    }

    #[derive(Serialize)]
    struct Note {
        text: String,
    }

    #[derive(Serialize)]
    struct Severity {
        text: String,
    }

    /// Keys in the shapes the advisory has: plain values before and after tables, an
    /// optional table, a map, arrays of tables with nested arrays of tables, empty ones.
    #[derive(Serialize)]
    struct Front {
        id: String,
        published: toml::value::Datetime,
        severity: Option<Severity>,
        notes: Vec<Note>,
        order: String,
        ids: BTreeMap<String, String>,
        empty: Vec<Note>,
        vulnerabilities: Vec<Vulnerability>,
        tags: Vec<String>,
        missing: Option<String>,
    }

    fn vulnerability(i: usize) -> Vulnerability {
        Vulnerability {
            cve: i.is_multiple_of(2).then(|| format!("CVE-2026-{:05}", 10_000 + i)),
            title: format!("Flaw \"{i}\"\nsecond line"),
            scores: BTreeMap::from([("base".into(), 7.5)]),
            remediations: (0..i)
                .map(|r| Remediation {
                    category: "vendor_fix".into(),
                    products: vec![format!("p{r}"), "q".into()],
                })
                .collect(),
            notes: (0..i % 3)
                .map(|n| Note {
                    text: format!("n{n}"),
                })
                .collect(),
        }
    }

    fn front(vulnerabilities: usize, severity: bool) -> Front {
        Front {
            id: "EX-2026-0001".into(),
            published: "2026-03-10T09:00:00Z".parse().expect("a date"),
            severity: severity.then(|| Severity { text: "high".into() }),
            notes: vec![Note { text: "a".into() }, Note { text: "b 'q'".into() }],
            order: "tree".into(),
            ids: BTreeMap::from([("a".into(), "A-1".into()), ("b c".into(), "B".into())]),
            empty: Vec::new(),
            vulnerabilities: (0..vulnerabilities).map(vulnerability).collect(),
            tags: vec!["x".into()],
            missing: None,
        }
    }

    #[test]
    fn writes_what_toml_writes() {
        for (vulnerabilities, severity) in [(0, false), (1, true), (4, false), (7, true)] {
            let front = front(vulnerabilities, severity);
            let expected = toml::to_string(&front).expect("toml writes it");
            assert_eq!(front_matter(&front).expect("written"), expected);
        }
    }

    #[test]
    fn refuses_what_is_no_table() {
        assert!(front_matter(&vec![1, 2]).is_err());
        assert!(front_matter("text").is_err());
    }
}
