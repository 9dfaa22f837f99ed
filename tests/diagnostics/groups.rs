//! Product groups, scores for some products, explicit leaf names and catalog tree shapes:
//! every mistake is reported where it is written.

use super::common::SiteTest;

fn site(front: &str) -> SiteTest {
    let t = SiteTest::empty();
    let text = format!(
        "+++\nid = \"EX-2026-0002\"\ntitle = \"Groups\"\npublished = 2026-03-10T09:00:00Z\nstatus = \"final\"\nsummary = \"Groups.\"\n\n[[revisions]]\ndate = 2026-03-10T09:00:00Z\nsummary = \"Initial public release\"\n{front}+++\n"
    );
    t.write("content/advisories/EX-2026-0002.md", &text);
    t
}

#[test]
fn product_group_mistakes() {
    let t = site(
        r#"
[[affected]]
product = "widget"
versions = "< 2.0.1"
groups = ["x64", "arm"]

[[affected]]
product = "gadget"
fixed = "1.1"
fixed_name = "Example Gadget 1.1 (fixed)"
status = "known_affected"
versions = "< 1.1"

[[affected]]
product = "gadget"
status = "known_not_affected"
version = "0.9"
fixed_name = "Example Gadget 0.9"

[[product_groups]]
id = "x64"
summary = "The x64 builds."

[[product_groups]]
id = "x64"

[[product_groups]]
id = "all"
products = ["widget", "gadget", "nothing"]

[[vulnerabilities]]
title = "Overflow"
cvss_groups = ["all"]
[[vulnerabilities.remediations]]
category = "workaround"
details = "Turn it off."
groups = ["x86"]
[[vulnerabilities.threats]]
category = "impact"
details = "Code execution."
groups = ["all"]

[[vulnerabilities]]
title = "Underflow"
products = ["widget"]
[[vulnerabilities.remediations]]
category = "workaround"
details = "Turn it off."
groups = ["all"]
"#,
    );
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn product_group_keys_are_checked() {
    let t = site(
        r#"
[[affected]]
product = "widget"
versions = "< 2.0.1"

[[product_groups]]
id = "x64"
name = "The x64 builds."

[[vulnerabilities]]
title = "Overflow"
"#,
    );
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn a_score_for_some_products_needs_a_score_and_a_product() {
    let t = site(
        r#"
[[affected]]
product = "widget"
versions = "< 2.0.1"

[[vulnerabilities]]
title = "Overflow"
cvss_products = ["widget"]

[[vulnerabilities]]
title = "Underflow"
cvss_v3 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
cvss_products = []
"#,
    );
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn a_product_that_is_its_own_leaf_is_only_a_platform() {
    let t = SiteTest::empty();
    t.write(
        "content/products.toml",
        "[[products]]\nid = \"widget\"\nname = \"Example Widget\"\nvendor = \"Example Corp\"\ntree = \"product\"\n",
    );
    t.write(
        "content/advisories/EX-2026-0002.md",
        "+++\nid = \"EX-2026-0002\"\ntitle = \"Shape\"\npublished = 2026-03-10T09:00:00Z\nstatus = \"final\"\nsummary = \"Shape.\"\n\n[[revisions]]\ndate = 2026-03-10T09:00:00Z\nsummary = \"Initial public release\"\n\n[[affected]]\nproduct = \"widget\"\nversions = \"< 2.0\"\n\n[[vulnerabilities]]\ntitle = \"Overflow\"\n+++\n",
    );
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn explicit_product_id_lists_are_checked() {
    let t = site(
        r#"
[[affected]]
product = "widget"
versions = "< 2.0.1"
product_id = "W-1"

[[vulnerabilities]]
title = "Overflow"
cvss_v3 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
cvss_products = ["widget"]
cvss_product_ids = ["W-1", "W-2", "W-1"]
[[vulnerabilities.remediations]]
category = "workaround"
details = "Turn it off."
products = ["widget"]
product_ids = ["W-1"]
[[vulnerabilities.remediations]]
category = "workaround"
details = "Unplug it."
product_ids = []

[[vulnerabilities]]
title = "Underflow"
cvss_product_ids = ["W-1"]
"#,
    );
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn further_scores_are_checked() {
    let t = site(
        r#"
[[affected]]
product = "widget"
versions = "< 2.0.1"
product_id = "W-1"

[[vulnerabilities]]
title = "Overflow"
[[vulnerabilities.scores]]
products = ["widget"]
[[vulnerabilities.scores]]
cvss_v3 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:X"
products = ["widget"]
product_ids = ["W-1"]
[[vulnerabilities.scores]]
cvss_v2 = "AV:N/AC:L/Au:N/C:P/I:P/A:P"
"#,
    );
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn a_product_has_one_score_per_cvss_version() {
    let t = site(
        r#"
[[affected]]
product = "widget"
versions = "< 2.0.1"

[[vulnerabilities]]
title = "Overflow"
cvss_v3 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
[[vulnerabilities.scores]]
cvss_v3 = "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
[[vulnerabilities.scores]]
cvss_v3 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MC:N"
"#,
    );
    insta::assert_snapshot!(t.check_errors());
}

#[test]
fn a_group_with_explicit_members_is_checked() {
    let t = site(
        r#"
[[affected]]
product = "widget"
versions = "< 2.0.1"
product_id = "W-1"
groups = ["listed"]

[[affected]]
product = "gadget"
versions = "< 1.1"
product_id = "G-1"

[[product_groups]]
id = "listed"
products = ["gadget"]
product_ids = ["W-1", "G-1", "X-9"]

[[vulnerabilities]]
title = "Overflow"
"#,
    );
    insta::assert_snapshot!(t.check_errors());
}
