//! The generated host configuration: `_headers` read as Netlify and Cloudflare Pages read it,
//! and real servers (nginx, Apache; started by `.ci/hosts.sh`) asked for every file of a
//! built site. The expectation is always psirt-site's own table (`emit::hosting`).

use std::collections::BTreeSet;
use std::fs;
use std::net::SocketAddr;
use std::path::Path;

use psirt_site::emit::hosting::{content_type, needs_cors};

use super::common::{SiteTest, tree};
use super::{Resp, request};

/// Host configuration files: read by the host, never served.
const HOST_CONFIG: [&str; 2] = ["_headers", ".htaccess"];
/// Cloudflare Pages' documented limits for `_headers`.
const MAX_RULES: usize = 100;
const MAX_LINE: usize = 2_000;

/// One block of `_headers`: a URL pattern and the headers it sets.
struct Rule {
    pattern: String,
    headers: Vec<(String, String)>,
}

/// Reads `_headers` as documented: `#` comments, a pattern line starting with `/`, then
/// indented `Name: value` lines.
fn parse_headers(text: &str) -> Vec<Rule> {
    let mut rules: Vec<Rule> = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        if line.starts_with('/') {
            rules.push(Rule {
                pattern: line.to_string(),
                headers: Vec::new(),
            });
            continue;
        }
        assert!(line.starts_with("  "), "neither a pattern nor a header: {line:?}");
        let (name, value) = line.trim().split_once(": ").expect("Name: value");
        let rule = rules.last_mut().expect("a header line follows a pattern");
        rule.headers.push((name.to_string(), value.to_string()));
    }
    rules
}

/// Whether a pattern with at most one `*` (matching any text, `/` included) matches a path.
fn matches(pattern: &str, path: &str) -> bool {
    match pattern.split_once('*') {
        Some((prefix, suffix)) => {
            path.len() >= prefix.len() + suffix.len() && path.starts_with(prefix) && path.ends_with(suffix)
        }
        None => pattern == path,
    }
}

/// The values the matching rules set for `name` on `path`, in file order.
fn values<'r>(rules: &'r [Rule], path: &str, name: &str) -> Vec<&'r str> {
    rules
        .iter()
        .filter(|r| matches(&r.pattern, path))
        .flat_map(|r| &r.headers)
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .collect()
}

/// Files whose type static hosts get wrong unless told: `_headers` must set theirs.
fn type_must_be_set(rel: &str) -> bool {
    let ct = content_type(rel);
    ["application/json", "application/rss+xml"].contains(&ct)
        || ct.starts_with("text/plain")
        || rel.starts_with(".well-known/openpgpkey/")
}

fn build_into(root: &Path, out: &Path) {
    let opts = psirt_site::BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        now: Some(super::common::now()),
        ..Default::default()
    };
    psirt_site::build(&opts).unwrap_or_else(|f| {
        panic!(
            "{}",
            psirt_site::diag::render(&f.diagnostics, &f.sources, Default::default())
        )
    });
}

/// Checks `_headers` against every file of a built site; returns the file's text.
fn check_headers_file(out: &Path) -> String {
    let text = fs::read_to_string(out.join("_headers")).expect("_headers is written");
    let rules = parse_headers(&text);
    assert!(rules.len() <= MAX_RULES, "{} rules", rules.len());
    for line in text.lines() {
        assert!(line.len() <= MAX_LINE, "line of {} characters", line.len());
    }
    for rule in &rules {
        let splats = rule.pattern.matches('*').count();
        assert!(splats <= 1, "{} has {splats} splats", rule.pattern);
        assert!(!rule.pattern.contains(':'), "{}: no placeholders", rule.pattern);
    }
    let files = tree(out);
    for (rel, _) in files
        .iter()
        .filter(|(rel, _)| !HOST_CONFIG.contains(&rel.as_str()))
    {
        let url = format!("/{rel}");
        // Repeated headers are joined with commas by the host: at most one may match.
        let types = values(&rules, &url, "Content-Type");
        let wanted = usize::from(type_must_be_set(rel));
        assert!(
            types.len() >= wanted && types.len() <= 1,
            "{rel}: Content-Type from {types:?}"
        );
        assert!(types.iter().all(|t| *t == content_type(rel)), "{rel}: {types:?}");
        let cors = values(&rules, &url, "Access-Control-Allow-Origin");
        let wanted: &[&str] = if needs_cors(rel) { &["*"] } else { &[] };
        assert_eq!(cors, wanted, "{rel}: CORS");
    }
    text
}

/// `_headers` holds the same dozen patterns for a one-advisory site as for the demo with
/// its keys, WKD and signatures, and every file of both gets each header from one rule.
#[test]
fn headers_file_is_small_and_sets_each_header_once_per_file() {
    let demo = tempfile::tempdir().expect("tmp");
    let demo_out = demo.path().join("public");
    build_into(Path::new(env!("CARGO_MANIFEST_DIR")), &demo_out);
    assert!(
        demo_out.join(".well-known/openpgpkey/policy").is_file(),
        "the demo publishes a Web Key Directory"
    );
    let small = SiteTest::minimal();
    small.build().expect("build");
    assert_eq!(check_headers_file(&demo_out), check_headers_file(&small.out()));
}

#[test]
fn pattern_matching_follows_the_hosts() {
    assert!(matches("/*.json", "/.well-known/csaf/white/2026/a.json"));
    assert!(!matches("/*.json", "/a.json.asc"));
    assert!(matches("/feeds/*.xml", "/feeds/products/a.xml"));
    assert!(!matches("/feeds/*.xml", "/sitemap.xml"));
    assert!(matches(
        "/.well-known/openpgpkey/policy",
        "/.well-known/openpgpkey/policy"
    ));
    assert!(!matches("/a*a", "/a"));
}

/// What one real server answered for one path.
fn fetch(host: &(String, SocketAddr), path: &str) -> Resp {
    request(host.1, "GET", &percent_encode(path))
}

fn percent_encode(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `name=http://127.0.0.1:port` pairs, separated by spaces.
fn parse_hosts(spec: &str) -> Vec<(String, SocketAddr)> {
    spec.split_whitespace()
        .map(|pair| {
            let (name, url) = pair.split_once('=').expect("name=url");
            let addr = url.strip_prefix("http://").expect("an http:// URL");
            let addr = addr.trim_end_matches('/').parse().expect("http://IP:port");
            (name.to_string(), addr)
        })
        .collect()
}

/// Not for visitors: host configuration, and dot files other than `.well-known`.
fn hidden(rel: &str) -> bool {
    HOST_CONFIG.contains(&rel)
        || rel
            .split('/')
            .any(|segment| segment.starts_with('.') && segment != ".well-known")
}

/// Every file of the output, from every server: the table's type and CORS, 200 without a
/// redirect; hidden files 404; folders by their index; a missing page gets the 404 page.
/// Runs only when `.ci/hosts.sh` sets `PSIRT_SITE_HOSTS` and `PSIRT_SITE_HOSTS_OUTPUT`.
#[test]
fn real_hosts_serve_every_file_as_the_table_says() {
    let (Some(spec), Some(out)) = (
        std::env::var_os("PSIRT_SITE_HOSTS"),
        std::env::var_os("PSIRT_SITE_HOSTS_OUTPUT"),
    ) else {
        eprintln!("skipping: PSIRT_SITE_HOSTS and PSIRT_SITE_HOSTS_OUTPUT are set by .ci/hosts.sh");
        return;
    };
    let hosts = parse_hosts(spec.to_str().expect("UTF-8 host list"));
    assert!(!hosts.is_empty(), "PSIRT_SITE_HOSTS names no server");
    let files = tree(Path::new(&out));
    let mut problems = Vec::new();
    for host in &hosts {
        for (rel, bytes) in &files {
            problems.extend(check_file(host, rel, bytes));
        }
        problems.extend(check_folders_and_missing(host, &files));
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
    let names: Vec<&str> = hosts.iter().map(|(n, _)| n.as_str()).collect();
    println!("hosts: checked {} files on {}", files.len(), names.join(", "));
}

fn check_file(host: &(String, SocketAddr), rel: &str, bytes: &[u8]) -> Option<String> {
    let r = fetch(host, &format!("/{rel}"));
    let name = &host.0;
    if hidden(rel) {
        return (r.status != 404)
            .then(|| format!("{name} /{rel}: {} (want 404: not for visitors)", r.status));
    }
    let want_cors = needs_cors(rel).then_some("*");
    let got = (
        r.status,
        r.content_type(),
        r.header("Access-Control-Allow-Origin"),
    );
    let want = (200, content_type(rel), want_cors);
    if got != want {
        return Some(format!("{name} /{rel}: got {got:?}, want {want:?}"));
    }
    (r.body != bytes).then(|| format!("{name} /{rel}: the body is not the file"))
}

fn check_folders_and_missing(host: &(String, SocketAddr), files: &[(String, Vec<u8>)]) -> Vec<String> {
    let name = &host.0;
    let mut problems = Vec::new();
    let folders: BTreeSet<&str> = files
        .iter()
        .filter_map(|(rel, _)| rel.strip_suffix("index.html"))
        .filter(|folder| folder.is_empty() || folder.ends_with('/'))
        .collect();
    for folder in folders {
        let path = format!("/{folder}");
        let r = fetch(host, &path);
        let got = (r.status, r.content_type(), r.header("Location"));
        if got != (200, "text/html; charset=utf-8", None) {
            problems.push(format!("{name} {path}: got {got:?}"));
        }
        if folder.starts_with(".well-known/csaf/") {
            problems.extend(check_folder_without_slash(host, &path));
        }
    }
    let missing = fetch(host, "/no/such/page");
    let page = files.iter().find(|(rel, _)| rel == "404.html").map(|(_, b)| b);
    if missing.status != 404 || Some(&missing.body) != page {
        problems.push(format!(
            "{name} /no/such/page: {} without the 404 page",
            missing.status
        ));
    }
    problems
}

/// CSAF requirement 6: no redirects. The nginx recipe answers a folder asked for without
/// its slash directly; Apache's mod_dir redirects it, as docs/deployment.md says.
fn check_folder_without_slash(host: &(String, SocketAddr), with_slash: &str) -> Option<String> {
    let path = with_slash.trim_end_matches('/');
    let r = fetch(host, path);
    let got = (r.status, r.header("Location"));
    let ok = if host.0 == "apache" {
        r.status == 301 && r.header("Location").is_some_and(|l| l.ends_with(with_slash))
    } else {
        got == (200, None) && r.content_type() == "text/html; charset=utf-8"
    };
    (!ok).then(|| format!("{} {path}: got {got:?}", host.0))
}
