//! The leaves of a product tree: full product names with their helpers, the version
//! branch (or the branches below it) each sits on, and how they nest under their branches.

use serde_json::{Map, Value, json};

use super::super::document::obj;
use crate::model::Product;
use crate::model::identification::Identification;
use crate::model::versions::VersionSpec;

/// One version leaf: the branches above it (category, name) and the leaf branch.
pub(super) type Placed = (Vec<(String, String)>, Value);

/// The leaf standing for a platform as a whole (all its versions), with its id here.
pub(super) fn platform_leaf(pl: &Product, id: &str) -> Value {
    let all = VersionSpec::Range {
        text: String::new(),
        vers: Some("vers:generic/*".into()),
    };
    leaf_value(
        &all,
        full_product(
            pl.full_name.clone().unwrap_or_else(|| pl.name.clone()),
            id,
            &pl.identification,
        ),
    )
}

/// `<product> <versions>`, and the branches below the version (`Cisco IOS 12.2SE 12.2(55)SE`).
pub(super) fn default_name(product: &str, versions: &str, below: &[(String, String)]) -> String {
    let mut name = format!("{product} {versions}");
    for (_, b) in below {
        name.push(' ');
        name.push_str(b);
    }
    name
}

/// A leaf and the branches above it: the product sits on its version branch, or on the
/// last branch below the version (then the version branch is one of those above).
pub(super) fn placed(
    branches: &[(String, String)],
    spec: &VersionSpec,
    below: &[(String, String)],
    product: Value,
) -> Placed {
    let Some(((category, name), between)) = below.split_last() else {
        return (branches.to_vec(), leaf_value(spec, product));
    };
    let (version_category, version_name) = spec.csaf_leaf();
    let mut path = branches.to_vec();
    path.push((version_category.to_string(), version_name.to_string()));
    path.extend(between.iter().cloned());
    let leaf = obj([
        ("category", category.as_str().into()),
        ("name", name.as_str().into()),
        ("product", product),
    ]);
    (path, leaf)
}

/// A leaf that is a branch itself (`at_branch`: a product family below the product name).
pub(super) fn branch_leaf(category: &str, name: &str, product: Value) -> Value {
    obj([
        ("category", category.into()),
        ("name", name.into()),
        ("product", product),
    ])
}

/// Nests leaves under their branches, in order of first mention.
pub(super) fn nest(placed: Vec<Placed>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let mut groups: Vec<((String, String), Vec<Placed>)> = Vec::new();
    for (mut path, leaf) in placed {
        if path.is_empty() {
            out.push(leaf);
            continue;
        }
        let head = path.remove(0);
        match groups.iter_mut().find(|(h, _)| *h == head) {
            Some((_, items)) => items.push((path, leaf)),
            None => groups.push((head, vec![(path, leaf)])),
        }
    }
    for ((category, name), items) in groups {
        out.push(obj([
            ("category", category.into()),
            ("name", name.into()),
            ("branches", Value::Array(nest(items))),
        ]));
    }
    out
}

fn helpers(ident: &Identification) -> Map<String, Value> {
    let mut h = Map::new();
    let mut put = |key: &str, v: Value| {
        h.insert(key.into(), v);
    };
    if let Some(cpe) = &ident.cpe {
        put("cpe", json!(cpe));
    }
    if let Some(purl) = &ident.purl {
        put("purl", json!(purl));
    }
    for (key, list) in [
        ("model_numbers", &ident.model_numbers),
        ("skus", &ident.skus),
        ("serial_numbers", &ident.serial_numbers),
        ("sbom_urls", &ident.sbom_urls),
    ] {
        if !list.is_empty() {
            put(key, json!(list));
        }
    }
    if !ident.hashes.is_empty() {
        let hashes: Vec<Value> = ident
            .hashes
            .iter()
            .map(|f| json!({ "filename": f.filename, "file_hashes": [{ "algorithm": f.algorithm, "value": f.value }] }))
            .collect();
        put("hashes", Value::Array(hashes));
    }
    if !ident.x_generic_uris.is_empty() {
        let uris: Vec<Value> = ident
            .x_generic_uris
            .iter()
            .map(|(namespace, uri)| json!({ "namespace": namespace, "uri": uri }))
            .collect();
        put("x_generic_uris", Value::Array(uris));
    }
    // The schema's (alphabetical) order.
    h.sort_keys();
    h
}

pub(super) fn full_product(name: String, id: &str, ident: &Identification) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(name));
    m.insert("product_id".into(), json!(id));
    let h = helpers(ident);
    if !h.is_empty() {
        m.insert("product_identification_helper".into(), Value::Object(h));
    }
    Value::Object(m)
}

fn leaf_value(spec: &VersionSpec, product: Value) -> Value {
    let (category, name) = spec.csaf_leaf();
    obj([
        ("category", category.into()),
        ("name", name.into()),
        ("product", product),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placed(path: &[(&str, &str)], id: &str) -> Placed {
        let path = path.iter().map(|(c, n)| (c.to_string(), n.to_string())).collect();
        (path, json!({ "id": id }))
    }

    #[test]
    fn leaves_nest_under_their_branches_in_order_of_first_mention() {
        let arch = [("architecture", "x86_64")];
        let arm = [("architecture", "aarch64")];
        let nested = nest(vec![
            placed(&arch, "a"),
            placed(&[], "plain"),
            placed(&arm, "b"),
            placed(&arch, "c"),
        ]);
        let text = Value::Array(nested).to_string();
        assert_eq!(
            text,
            r#"[{"id":"plain"},{"category":"architecture","name":"x86_64","branches":[{"id":"a"},{"id":"c"}]},{"category":"architecture","name":"aarch64","branches":[{"id":"b"}]}]"#
        );
    }

    #[test]
    fn helpers_follow_the_schema_names() {
        let ident = Identification {
            model_numbers: vec!["FX700".into()],
            hashes: vec![crate::model::identification::FileHash {
                filename: "fw.bin".into(),
                algorithm: "sha256".into(),
                value: "ab".repeat(32),
            }],
            x_generic_uris: vec![("https://example.com/ns".into(), "https://example.com/id/1".into())],
            ..Identification::default()
        };
        let h = Value::Object(helpers(&ident));
        assert_eq!(h["model_numbers"][0], "FX700");
        assert_eq!(h["hashes"][0]["file_hashes"][0]["algorithm"], "sha256");
        assert_eq!(h["x_generic_uris"][0]["namespace"], "https://example.com/ns");
    }
}
