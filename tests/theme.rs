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

/// What a build cannot read as a file under `static/` or `templates/` fails it, by path:
/// before, a named pipe, a link out of the site or a link to a folder was skipped without a
/// word (the file missing from the site, or the built-in template used instead). A link to
/// a file inside the site is followed and published.
#[cfg(unix)]
#[test]
fn static_and_template_files_that_are_not_files_fail_the_build() {
    use std::os::unix::fs::symlink;
    let t = SiteTest::minimal();
    t.write("static/docs/guide.txt", "a guide\n");
    symlink("docs/guide.txt", t.root().join("static/guide.txt")).expect("symlink");
    t.build().expect("a link to a file inside the site is fine");
    assert_eq!(t.read("guide.txt"), "a guide\n");

    let fifo = |rel: &str| {
        std::process::Command::new("mkfifo")
            .arg(t.root().join(rel))
            .status()
            .is_ok_and(|s| s.success())
    };
    std::fs::create_dir_all(t.root().join("templates")).expect("mkdir");
    let fifos = fifo("static/pipe.txt") && fifo("templates/page.html");
    symlink("/etc/hostname", t.root().join("static/outside.txt")).expect("symlink");
    symlink("docs", t.root().join("static/manuals")).expect("symlink");
    let failure = t.build().expect_err("unreadable theme files");
    let mut found: Vec<_> = failure
        .diagnostics
        .iter()
        .map(|d| {
            let file = d.primary.as_ref().expect("names the file").file.clone();
            (file.to_string_lossy().into_owned(), d.code.name())
        })
        .collect();
    found.sort();
    let mut expected = vec![
        ("static/manuals".to_string(), "io"),
        ("static/outside.txt".to_string(), "unsafe-path"),
    ];
    if fifos {
        expected.push(("static/pipe.txt".to_string(), "io"));
        expected.push(("templates/page.html".to_string(), "io"));
    } else {
        eprintln!("skipping the FIFO part: mkfifo is not available");
    }
    expected.sort();
    assert_eq!(found, expected, "{:?}", failure.diagnostics);
}

/// A private key in `static/` (copied, or linked to the signing key's file) is never
/// published, in a public build or a preview: the build fails with `secret-key` and names
/// the file, and nothing of the key reaches any output.
#[cfg(unix)]
#[test]
fn a_private_key_in_static_is_never_published() {
    let t = SiteTest::minimal();
    t.build().expect("builds");
    let before = common::tree(&t.out());
    let pgp =
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQVYBGdemoAAAA\n-----END PGP PRIVATE KEY BLOCK-----\n";
    t.write("keys/signing.asc", pgp);
    t.write(
        "static/deploy/id_ed25519",
        "-----BEGIN OPENSSH PRIVATE KEY-----\r\nb3BlbnNzaA==\r\n-----END OPENSSH PRIVATE KEY-----\r\n",
    );
    t.write(
        "static/notes.txt",
        "How to export: see below.\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n",
    );
    // Mentioning a key's armor inside a line, or a public key, is fine.
    t.write(
        "static/howto.txt",
        "Public keys start with `-----BEGIN PGP PUBLIC KEY BLOCK-----`.\n",
    );
    std::os::unix::fs::symlink("../keys/signing.asc", t.root().join("static/pgp-signing.asc"))
        .expect("symlink");
    for preview in [false, true] {
        let mut opts = t.options();
        if preview {
            opts.mode = psirt_site::site::Mode::Preview;
            opts.output = Some(t.root().join("preview"));
        }
        let failure = psirt_site::build(&opts).expect_err("a private key in static/");
        let mut named: Vec<_> = failure
            .diagnostics
            .iter()
            .map(|d| {
                assert_eq!(d.code.name(), "secret-key", "{d:?}");
                let file = d
                    .primary
                    .as_ref()
                    .expect("names the file")
                    .file
                    .to_string_lossy()
                    .into_owned();
                (file, d.message.split(' ').nth(1).unwrap_or_default().to_string())
            })
            .collect();
        named.sort();
        let line = |f: &str, l: &str| (f.to_string(), l.to_string());
        assert_eq!(
            named,
            [
                line("static/deploy/id_ed25519", "1"),
                line("static/notes.txt", "2"),
                line("static/pgp-signing.asc", "1")
            ]
        );
    }
    common::assert_untouched(&t, &before);
    assert!(!t.root().join("preview").exists(), "no preview was written");
}
