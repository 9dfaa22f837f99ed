//! `serve`: headers a production host would send, live reload, rebuild on change, and
//! the build-error overlay. Every server listens on 127.0.0.1 port 0; every socket has a
//! timeout and every wait a deadline, so a broken server fails a test instead of hanging it.

use crate::common;
#[path = "serve/exposure.rs"]
mod exposure;
#[path = "serve/hosts.rs"]
mod hosts;

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use common::{SiteTest, advisory};
use psirt_site::serve::{ServeOptions, Server};
use psirt_site::site::Mode;

const ADVISORY: &str = "content/advisories/EX-2026-0001.md";
const PAGE: &str = "/advisories/EX-2026-0001/";
/// How long a test waits for the watcher to pick up an edit and rebuild.
const DEADLINE: Duration = Duration::from_secs(10);

fn start(t: &SiteTest, poll_timeout: Duration) -> Server {
    let mut opts = ServeOptions::new(t.root(), SocketAddr::from(([127, 0, 0, 1], 0)), Mode::Preview);
    opts.poll_timeout = poll_timeout;
    Server::start_with(opts).expect("server starts")
}

/// `serve --public`: only what `build` publishes, so CORS is sent as a production host does.
fn start_public(t: &SiteTest) -> Server {
    let opts = ServeOptions::new(t.root(), SocketAddr::from(([127, 0, 0, 1], 0)), Mode::Public);
    Server::start_with(opts).expect("server starts")
}

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn content_type(&self) -> &str {
        self.header("Content-Type").unwrap_or("<none>")
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A minimal HTTP/1.1 client: one request per connection, bounded by socket timeouts.
fn request(addr: SocketAddr, method: &str, path: &str) -> Resp {
    read_response(send_request(addr, method, path))
}

fn send_request(addr: SocketAddr, method: &str, path: &str) -> TcpStream {
    send_raw(
        addr,
        &format!("{method} {path} HTTP/1.1\r\nHost: {addr}"),
        Duration::from_secs(40),
    )
}

/// Sends `head` (request line and headers, without `Connection` and the blank line) as is;
/// reads on the returned stream give up after `read_timeout`.
fn send_raw(addr: SocketAddr, head: &str, read_timeout: Duration) -> TcpStream {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect");
    s.set_read_timeout(Some(read_timeout)).expect("read timeout");
    s.set_write_timeout(Some(Duration::from_secs(5)))
        .expect("write timeout");
    write!(s, "{head}\r\nConnection: close\r\n\r\n").expect("send");
    s
}

fn raw_request(addr: SocketAddr, head: &str) -> Resp {
    read_response(send_raw(addr, head, Duration::from_secs(40)))
}

fn read_response(mut s: TcpStream) -> Resp {
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8(raw[..split].to_vec()).expect("ASCII headers");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .expect("status");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Resp {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

fn get(server: &Server, path: &str) -> Resp {
    request(server.addr(), "GET", path)
}

/// Polls `cond` every 50 ms until it holds; fails the test after [`DEADLINE`].
fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + DEADLINE;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        thread::sleep(Duration::from_millis(50));
    }
}

fn write_title(t: &SiteTest, title: &str) {
    t.write(ADVISORY, &advisory("EX-2026-0001", title, "2026-03-10T09:00:00Z"));
}

#[test]
fn serves_with_the_headers_of_a_production_host() {
    let t = SiteTest::minimal();
    let server = start_public(&t);
    assert!(server.url().starts_with("http://127.0.0.1:"), "{}", server.url());

    let home = get(&server, "/");
    assert_eq!(
        (home.status, home.content_type()),
        (200, "text/html; charset=utf-8")
    );
    assert!(
        home.text().contains("/__livereload?since="),
        "live-reload script missing"
    );
    assert!(
        home.text().contains(&server.url()),
        "base_url should point at the server"
    );
    assert_eq!(home.header("Access-Control-Allow-Origin"), None);

    let csaf = get(&server, "/.well-known/csaf/white/2026/ex-2026-0001.json");
    assert_eq!((csaf.status, csaf.content_type()), (200, "application/json"));
    assert_eq!(csaf.header("Access-Control-Allow-Origin"), Some("*"));
    let doc: serde_json::Value = serde_json::from_slice(&csaf.body).expect("CSAF is JSON");
    assert_eq!(doc["document"]["tracking"]["id"], "EX-2026-0001");
    let meta = get(&server, "/.well-known/csaf/provider-metadata.json");
    assert_eq!((meta.status, meta.content_type()), (200, "application/json"));
    assert_eq!(meta.header("Access-Control-Allow-Origin"), Some("*"));

    for (path, ctype) in [
        (
            "/.well-known/csaf/white/2026/ex-2026-0001.json.sha512",
            "text/plain; charset=utf-8",
        ),
        ("/.well-known/csaf/white/index.txt", "text/plain; charset=utf-8"),
        ("/.well-known/security.txt", "text/plain; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/css/portal.css", "text/css; charset=utf-8"),
        ("/feeds/advisories.xml", "application/rss+xml"),
        ("/sitemap.xml", "application/xml"),
        (PAGE, "text/html; charset=utf-8"),
    ] {
        let r = get(&server, path);
        assert_eq!((r.status, r.content_type()), (200, ctype), "{path}");
    }
    assert!(get(&server, PAGE).text().contains("XSS in Widget"));
}

#[test]
fn resolves_paths_like_a_static_host() {
    let t = SiteTest::minimal();
    let server = start_public(&t);

    let redirect = get(&server, "/advisories/EX-2026-0001?x=1");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("Location"), Some("/advisories/EX-2026-0001/?x=1"));
    // CSAF tools must not be redirected: the folder answers directly.
    let folder = get(&server, "/.well-known/csaf/white/2026");
    assert_eq!(
        (folder.status, folder.content_type()),
        (200, "text/html; charset=utf-8")
    );
    assert_eq!(folder.header("Access-Control-Allow-Origin"), Some("*"));

    let missing = get(&server, "/no/such/page");
    assert_eq!(
        (missing.status, missing.content_type()),
        (404, "text/html; charset=utf-8")
    );
    assert!(missing.text().contains("<h1"), "the site's 404.html is served");
    let missing_csaf = get(&server, "/.well-known/csaf/white/2026/nope.json");
    assert_eq!(missing_csaf.status, 404);
    assert_eq!(missing_csaf.header("Access-Control-Allow-Origin"), Some("*"));

    let head = request(server.addr(), "HEAD", "/.well-known/security.txt");
    assert_eq!((head.status, head.body.len()), (200, 0));
    assert!(head.header("Content-Length").is_some_and(|l| l != "0"));
    assert_eq!(request(server.addr(), "POST", "/").status, 405);
    // Host configuration is for the host, never for visitors.
    assert_eq!(get(&server, "/_headers").status, 404);
    assert_eq!(get(&server, "/.htaccess").status, 404);
    assert_eq!(get(&server, "/%zz").status, 400);
}

#[test]
fn live_reload_long_poll() {
    let t = SiteTest::minimal();
    let server = start(&t, Duration::from_secs(1));
    assert_eq!(server.version(), 1);

    let first = get(&server, "/__livereload?since=0");
    assert_eq!((first.status, first.content_type()), (200, "application/json"));
    assert_eq!(first.text(), r#"{"version": 1}"#);
    // A page from an earlier server run knows another version: answered at once.
    assert_eq!(get(&server, "/__livereload?since=7").text(), r#"{"version": 1}"#);

    // Nothing changes: held until the poll timeout, then 204.
    let start = Instant::now();
    assert_eq!(get(&server, "/__livereload?since=1").status, 204);
    assert!(
        start.elapsed() >= Duration::from_millis(900),
        "answered after {:?}",
        start.elapsed()
    );

    // A rebuild answers a parked poll with the new version.
    let addr = server.addr();
    let parked = thread::spawn(move || request(addr, "GET", "/__livereload?since=1"));
    thread::sleep(Duration::from_millis(200));
    server.rebuild();
    let answer = parked.join().expect("poll thread");
    assert_eq!(
        (answer.status, answer.text()),
        (200, r#"{"version": 2}"#.to_string())
    );
}

#[test]
fn stop_answers_parked_polls() {
    let t = SiteTest::minimal();
    let server = start(&t, Duration::from_secs(30));
    let addr = server.addr();
    let parked = send_request(addr, "GET", "/__livereload?since=1");
    thread::sleep(Duration::from_millis(300));
    let start = Instant::now();
    server.stop();
    assert_eq!(read_response(parked).status, 204);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "stop took {:?}",
        start.elapsed()
    );
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err(),
        "still listening"
    );
}

/// A server on the minimal site, once it shows an edit of the advisory's title.
fn serving_an_edited_title() -> (SiteTest, Server) {
    let t = SiteTest::minimal();
    let server = start(&t, Duration::from_secs(1));
    write_title(&t, "Stored XSS in Widget");
    wait_until("the edited title", || {
        get(&server, PAGE).text().contains("Stored XSS in Widget")
    });
    (t, server)
}

/// The advisory with a TOML syntax error on its title line (line 3).
fn broken_advisory() -> String {
    advisory("EX-2026-0001", "Broken", "2026-03-10T09:00:00Z").replace("title = ", "title = = ")
}

#[test]
fn rebuilds_on_edit_and_keeps_the_last_good_site_on_error() {
    let (t, server) = serving_an_edited_title();
    assert!(server.last_error().is_none());
    let good = server.version();
    assert!(good >= 2);

    t.write(ADVISORY, &broken_advisory());
    wait_until("the build error", || server.last_error().is_some());
    let error = server.last_error().expect("error");
    assert!(error.contains("content/advisories/EX-2026-0001.md:3:"), "{error}");
    assert!(error.contains("toml-syntax"), "{error}");
    assert!(
        server.version() > good,
        "a failed build bumps the version so pages reload"
    );
    let page = get(&server, PAGE);
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains("Stored XSS in Widget"),
        "the last good page is still served"
    );
    assert!(
        html.contains("psirt-site-build-error") && html.contains("toml-syntax"),
        "no overlay"
    );
    assert!(
        html.contains("title = = &quot;Broken&quot;"),
        "the snippet is escaped"
    );
    // Only HTML gets the overlay.
    let csaf = get(&server, "/.well-known/csaf/white/2026/ex-2026-0001.json");
    assert!(serde_json::from_slice::<serde_json::Value>(&csaf.body).is_ok());

    write_title(&t, "Fixed XSS in Widget");
    wait_until("the fixed page", || {
        get(&server, PAGE).text().contains("Fixed XSS in Widget")
    });
    assert!(server.last_error().is_none());
    assert!(!get(&server, PAGE).text().contains("psirt-site-build-error"));
}

/// A file saved in two steps a few milliseconds apart (a broken state, then the finished
/// one) is built once the second step is seen: the build that read the half-saved file is
/// dropped, never shown, and pages reload once. The steps must come well within the 20 ms
/// of quiet that `serve` waits for; on a machine too busy to keep them ~8 ms apart, the
/// attempt is made again (a later step may rightly be shown as a build of its own).
#[test]
fn a_half_saved_file_is_never_shown() {
    let (t, server) = serving_an_edited_title();
    for attempt in 1..=5 {
        let title = format!("Finished XSS in Widget, take {attempt}");
        let before = server.version();
        let started = Instant::now();
        t.write(ADVISORY, &broken_advisory());
        thread::sleep(Duration::from_millis(8));
        write_title(&t, &title);
        let apart = started.elapsed();
        let (versions, error_seen) = wait_for_title(&server, &title, before);
        if apart > Duration::from_millis(14) {
            eprintln!("attempt {attempt}: the two steps were {apart:?} apart; again");
            continue;
        }
        assert!(!error_seen, "the half-saved file was shown");
        assert_eq!(versions, 1, "pages reload once");
        return;
    }
    panic!("the machine never wrote the two steps within 14 ms");
}

/// Files that change more often than a build takes (a tool writing into `content/` for a
/// long time) still get the site rebuilt: after a few dropped builds one is published.
#[test]
fn a_file_that_keeps_changing_still_gets_built() {
    let (t, server) = serving_an_edited_title();
    let before = server.version();
    let writing = Instant::now();
    let mut tick = 0;
    // A new title every 5 ms for a second: each build (~20 ms here) sees one come.
    while writing.elapsed() < Duration::from_secs(1) {
        tick += 1;
        write_title(&t, &format!("Tick {tick}"));
        thread::sleep(Duration::from_millis(5));
        if server.version() > before {
            return;
        }
    }
    panic!("no build was published while the file kept changing ({tick} writes)");
}

/// Waits until the page shows `title` and nothing else changes for 200 ms; returns how
/// many versions came after `before`, and whether a build error was shown meanwhile.
fn wait_for_title(server: &Server, title: &str, before: u64) -> (u64, bool) {
    let deadline = Instant::now() + DEADLINE;
    let mut error_seen = false;
    while !get(server, PAGE).text().contains(title) {
        error_seen |= server.last_error().is_some();
        assert!(Instant::now() < deadline, "timed out waiting for {title}");
        thread::sleep(Duration::from_millis(5));
    }
    error_seen |= server.last_error().is_some();
    // A second version would be a build of the broken file, published after all.
    thread::sleep(Duration::from_millis(200));
    (server.version() - before, error_seen)
}

#[test]
fn ignores_hidden_files_and_sees_saves_by_rename() {
    let t = SiteTest::minimal();
    let server = start(&t, Duration::from_secs(1));
    // The build reads every source; those reads must not trigger rebuilds (a loop).
    t.write("content/advisories/.EX-2026-0001.md.swp", "swap");
    t.write(
        "content/advisories/.EX-2026-0001.md.tmp",
        &advisory("EX-2026-0001", "Renamed XSS in Widget", "2026-03-10T09:00:00Z"),
    );
    thread::sleep(Duration::from_millis(1000));
    assert_eq!(
        server.version(),
        1,
        "hidden files or the build's own reads caused a rebuild"
    );

    // How many editors save: write a temporary file, then rename it over the original.
    std::fs::rename(
        t.root().join("content/advisories/.EX-2026-0001.md.tmp"),
        t.root().join(ADVISORY),
    )
    .expect("rename");
    wait_until("the renamed file", || {
        get(&server, PAGE).text().contains("Renamed XSS in Widget")
    });

    // A folder created after the start is watched too.
    t.write("templates/partials/body_end.html", "<p>hook-from-new-folder</p>");
    wait_until("the new templates folder", || {
        get(&server, "/").text().contains("hook-from-new-folder")
    });
    t.write("templates/partials/body_end.html", "<p>hook-edited</p>");
    wait_until("an edit in the new folder", || {
        get(&server, "/").text().contains("hook-edited")
    });
}

#[test]
fn a_failing_first_build_shows_the_error_until_fixed() {
    let t = SiteTest::empty();
    t.write(ADVISORY, "+++\nid = \"EX-2026-0001\"\ntitle = = \"x\"\n+++\n");
    let server = start(&t, Duration::from_secs(1));
    assert!(server.last_error().is_some_and(|e| e.contains("toml-syntax")));
    let page = get(&server, "/");
    assert_eq!(
        (page.status, page.content_type()),
        (500, "text/html; charset=utf-8")
    );
    assert!(page.text().contains("toml-syntax") && page.text().contains("/__livereload?since="));

    write_title(&t, "XSS in Widget");
    wait_until("the first good build", || get(&server, PAGE).status == 200);
    assert!(server.last_error().is_none());
}

#[test]
fn refuses_a_folder_without_site_toml() {
    let dir = tempfile::tempdir().expect("tmp");
    let err = Server::start(dir.path(), SocketAddr::from(([127, 0, 0, 1], 0)), Mode::Preview)
        .err()
        .expect("no site.toml");
    assert!(err.message.contains("no site.toml"), "{}", err.message);
}

#[test]
fn reports_a_port_in_use() {
    let t = SiteTest::minimal();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr");
    let err = Server::start(t.root(), addr, Mode::Preview)
        .err()
        .expect("port in use");
    assert!(err.message.contains("cannot listen"), "{}", err.message);
}
