//! The tree shapes and ids that imported documents need: ranges kept as written, leaves
//! below their version, products in several branches, the order of product id lists, the
//! tree root, and ids an advisory gives a catalog product.

use super::*;

/// The tree shapes import needs: a range kept as written (`scheme = "none"`), a leaf below
/// its version branch (`below_version`), and a leaf in the tree but in no product status
/// (`unstated`).
#[test]
fn ranges_as_written_branches_below_the_version_and_unstated_leaves() {
    let t = train_site(&trains_advisory(
        "",
        r#"[[affected]]
product = "switch"
versions = "< 3.1.1.0"
scheme = "none"

[[affected]]
product = "widget"
version = "12.2SE"
below_version = { service_pack = "12.2(55)SE" }
product_id = "CVRFPID-103763"

[[affected]]
product = "agent"
versions = "< 1.3"
status = "unstated"
"#,
    ));
    t.build().expect("builds, CSAF valid");
    let doc = csaf(&t);
    let text = doc["product_tree"].to_string();
    assert!(
        text.contains(r#""category":"product_version_range","name":"< 3.1.1.0""#),
        "{text}"
    );
    assert!(
        text.contains(r#"{"branches":[{"category":"service_pack","name":"12.2(55)SE","product":{"#),
        "{text}"
    );
    assert!(
        text.contains(r#""category":"product_version","name":"12.2SE""#),
        "{text}"
    );
    assert!(
        text.contains(r#""name":"Example Widget 12.2SE 12.2(55)SE","product_id":"CVRFPID-103763""#),
        "{text}"
    );
    let v = &doc["vulnerabilities"][0];
    let stated = v["product_status"].to_string();
    assert!(!stated.contains("agent"), "{stated}");
    assert!(text.contains(r#""name":"Example Agent < 1.3""#), "{text}");
}

#[test]
fn below_version_needs_a_version() {
    let t = train_site(&trains_advisory(
        "",
        "[[affected]]\nproduct = \"widget\"\nbelow_version = { service_pack = \"SP1\" }\n",
    ));
    let err = format!("{:?}", t.build().expect_err("refused"));
    assert!(err.contains("below_version"), "{err}");
}

/// A product named in two product-name branches (`new_branch`), and a platform that is a
/// leaf of its own with a full name of its own (`full_name`), written before its component.
#[test]
fn a_product_in_two_name_branches_and_a_platform_with_a_full_name() {
    let t = train_site(&trains_advisory(
        "",
        r#"[[affected]]
product = "widget"
versions = "< 2.0"
product_id = "CSAFPID-0001"

[[affected]]
product = "widget"
versions = "< 2.0"
new_branch = true
product_id = "CSAFPID-0002"

[[affected]]
product = "agent"
platform = "d24m"
version = "4.0"
"#,
    ));
    let mut products = common::PRODUCTS.to_string();
    products.push_str(TRAIN_PRODUCTS);
    products.push_str(
        "\n[[products]]\nid = \"d24m\"\nname = \"D24M\"\nvendor = \"Example Corp\"\ntree = \"product\"\nfull_name = \"Example Corp P3 D24M\"\nproduct_id = \"CSAFPID-0100\"\n",
    );
    t.write("content/products.toml", &products);
    t.build().expect("builds, CSAF valid");
    let doc = csaf(&t);
    let text = doc["product_tree"].to_string();
    let widget_branches = text
        .matches(r#""category":"product_name","name":"Example Widget""#)
        .count();
    assert_eq!(widget_branches, 2, "{text}");
    let d24m = text.find(r#""name":"Example Corp P3 D24M","product_id":"CSAFPID-0100""#);
    let agent = text.find(r#""name":"Example Agent""#);
    assert!(d24m.is_some() && d24m < agent, "{text}");
}

#[test]
fn an_empty_full_name_is_refused() {
    let t = train_site(&trains_advisory(
        "",
        "[[affected]]\nproduct = \"widget\"\nversions = \"< 2.0\"\n",
    ));
    let mut products = common::PRODUCTS.to_string();
    products.push_str(TRAIN_PRODUCTS);
    products.push_str(
        "\n[[products]]\nid = \"d24m\"\nname = \"D24M\"\nvendor = \"Example Corp\"\nfull_name = \" \"\n",
    );
    t.write("content/products.toml", &products);
    let err = format!("{:?}", t.build().expect_err("refused"));
    assert!(err.contains("`full_name` is empty"), "{err}");
}

/// `product_id_order`: the statuses are sorted by id, or by product and then by id, while
/// the tree keeps the order of the entries.
#[test]
fn product_id_lists_sorted_by_id_or_by_product() {
    let entries = r#"[[affected]]
product = "widget"
version = "2.0"
product_id = "W-2"

[[affected]]
product = "switch"
version = "1.0"
product_id = "A-1"

[[affected]]
product = "widget"
version = "1.0"
product_id = "W-1"
"#;
    let lists = |order: &str| {
        let t = train_site(&trains_advisory(
            &format!("product_id_order = \"{order}\"\n"),
            entries,
        ));
        t.build().expect("builds, CSAF valid");
        let doc = csaf(&t);
        let tree = doc["product_tree"].to_string();
        let first_leaf = tree.find("\"W-2\"") < tree.find("\"A-1\"");
        assert!(first_leaf, "the tree keeps the entries' order: {tree}");
        let v = &doc["vulnerabilities"][0];
        (
            v["product_status"]["known_affected"].clone(),
            v["scores"][0]["products"].clone(),
        )
    };
    let (status, scores) = lists("sorted");
    assert_eq!(status, serde_json::json!(["A-1", "W-1", "W-2"]));
    assert_eq!(scores, status);
    let (status, _) = lists("by_product");
    assert_eq!(status, serde_json::json!(["W-1", "W-2", "A-1"]));
    let (status, _) = lists("entries");
    assert_eq!(status, serde_json::json!(["W-2", "A-1", "W-1"]));
}

/// `tree = "root"`: the product's version leaves at the top of the tree, no vendor branch.
#[test]
fn a_product_of_tree_root_has_its_leaves_at_the_top() {
    let t = train_site(&trains_advisory(
        "",
        "[[affected]]\nproduct = \"shop\"\nversions = \">=v12.10.2\"\nscheme = \"none\"\n",
    ));
    let mut products = common::PRODUCTS.to_string();
    products.push_str(TRAIN_PRODUCTS);
    products.push_str(
        "\n[[products]]\nid = \"shop\"\nname = \"OWASP Juice Shop\"\nvendor = \"OWASP\"\ntree = \"root\"\n",
    );
    t.write("content/products.toml", &products);
    t.build().expect("builds, CSAF valid");
    let top = &csaf(&t)["product_tree"]["branches"][0];
    assert_eq!(top["category"], "product_version_range", "{top}");
    assert_eq!(top["name"], ">=v12.10.2", "{top}");
}

/// `[product_ids]`: this advisory names a catalog product by another id, for its platform
/// leaf and the relationships on it; a key that is no catalog product is refused.
#[test]
fn an_advisory_gives_a_platform_another_product_id() {
    let entries = |ids: &str| {
        format!(
            "[[affected]]\nproduct = \"vim\"\nplatform = \"switch\"\nversion = \"9.0\"\n\n[product_ids]\n{ids}\n"
        )
    };
    let t = train_site(&trains_advisory(
        "",
        &entries("switch = \"AppStream-8.10.0.Z.MAIN.EUS\""),
    ));
    t.build().expect("builds, CSAF valid");
    let doc = csaf(&t);
    let rel = &doc["product_tree"]["relationships"][0];
    assert_eq!(
        rel["relates_to_product_reference"], "AppStream-8.10.0.Z.MAIN.EUS",
        "{rel}"
    );
    let tree = doc["product_tree"]["branches"].to_string();
    assert!(
        tree.contains(r#""product_id":"AppStream-8.10.0.Z.MAIN.EUS""#),
        "{tree}"
    );
    let bad = train_site(&trains_advisory("", &entries("not-a-product = \"X-1\"")));
    let err = format!("{:?}", bad.build().expect_err("refused"));
    assert!(err.contains("not a product of content/products.toml"), "{err}");
}

/// A vulnerability that no `[[affected]]` entry is about (every entry scoped to another)
/// would get an empty CSAF product status: a `missing-field` error at its CVE, with the fix,
/// not a CSAF validator message (found by a generated corpus, seed 2).
#[test]
fn a_vulnerability_no_affected_entry_is_about_is_an_error_at_it() {
    let t = SiteTest::minimal();
    let text = common::advisory("EX-2026-0001", "Two vulnerabilities", "2026-03-10T09:00:00Z")
        .replace(
            "fixed = \"2.0.1\"\n",
            "fixed = \"2.0.1\"\nvulnerabilities = [\"CVE-2026-40001\"]\n",
        )
        .replace(
            "[[acknowledgments]]",
            "[[vulnerabilities]]\ncve = \"CVE-2026-40002\"\ntitle = \"Second flaw\"\n\n[[acknowledgments]]",
        );
    t.write("content/advisories/EX-2026-0001.md", &text);
    let errors = t.check_errors();
    assert!(
        errors.contains("error[missing-field]: no [[affected]] entry is about `CVE-2026-40002`"),
        "{errors}"
    );
    assert!(!errors.contains("error[csaf]"), "{errors}");
    // Named by the entry, it builds.
    t.write(
        "content/advisories/EX-2026-0001.md",
        &text.replace(
            "vulnerabilities = [\"CVE-2026-40001\"]",
            "vulnerabilities = [\"CVE-2026-40001\", \"CVE-2026-40002\"]",
        ),
    );
    t.build()
        .map(|_| ())
        .unwrap_or_else(|f| panic!("{:?}", f.diagnostics));
}
