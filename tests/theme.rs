//! Theme layering: a site overrides one partial, or extends a built-in template and
//! replaces a single block; everything else still comes from the built-in theme.

use crate::common;

use common::SiteTest;

#[test]
fn a_site_partial_overrides_the_builtin_one() {
    let t = SiteTest::minimal();
    t.write(
        "templates/partials/footer.html",
        "<footer><p>Custom footer of {{ site.publisher }}</p></footer>\n",
    );
    t.build().expect("builds");
    let home = t.read("index.html");
    assert!(
        home.contains("Custom footer of Example Corp PSIRT"),
        "override not used"
    );
    assert!(
        t.read("advisories/EX-2026-0001/index.html")
            .contains("Custom footer")
    );
}

#[test]
fn a_site_template_can_extend_the_builtin_and_replace_one_block() {
    let t = SiteTest::minimal();
    t.write(
        "templates/404.html",
        "{% extends \"builtin/404.html\" %}{% block content %}<h1>Lost at sea</h1>{% endblock content %}",
    );
    t.build().expect("builds");
    let page = t.read("404.html");
    assert!(page.contains("Lost at sea"));
    assert!(page.contains("<nav"), "the rest of the built-in layout is kept");
}

#[test]
fn a_named_theme_sits_between_site_and_builtin() {
    let t = SiteTest::minimal();
    t.write("site.toml", &format!("theme = \"night\"\n{}", common::SITE_TOML));
    t.write(
        "themes/night/templates/partials/footer.html",
        "<footer><p>Night theme</p></footer>\n",
    );
    t.write("themes/night/static/css/extra.css", "body { color: red }\n");
    let no_manifest = format!("{:?}", t.build().expect_err("a theme says its contract"));
    assert!(no_manifest.contains("theme.toml"), "{no_manifest}");
    t.write("themes/night/theme.toml", "name = \"night\"\napi_version = 1\n");
    let old = format!("{:?}", t.build().expect_err("contract 1 is refused"));
    assert!(old.contains("written for template contract 1"), "{old}");
    t.write("themes/night/theme.toml", "name = \"night\"\napi_version = 2\n");
    t.build().expect("builds");
    assert!(t.read("index.html").contains("Night theme"));
    assert!(t.out().join("css/extra.css").is_file());
    assert!(t.out().join("css/portal.css").is_file(), "built-in statics stay");
}

#[test]
fn template_errors_name_the_template_and_what_was_rendered() {
    let t = SiteTest::minimal();
    t.write("templates/advisory.html", "{{ advisory.no_such_field }}");
    let text = t.check_errors();
    assert!(text.contains("error[template]"), "{text}");
    assert!(text.contains("advisory EX-2026-0001"), "{text}");
    assert!(text.contains("advisory.html"), "{text}");
}

#[test]
fn the_embedded_theme_matches_the_theme_folder() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
    let mut on_disk: Vec<String> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(&dir)
                .expect("below")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    on_disk.sort();
    let mut embedded = psirt_site::theme::Theme::builtin_template_names();
    embedded.sort();
    assert_eq!(on_disk, embedded);
}
