//! What the preview lets out, and to whom: the host names it answers, CORS, and clients
//! that read slowly or not at all.

use super::*;

/// DNS rebinding: once a hostile page's name resolves to 127.0.0.1, the browser sends that
/// name as `Host`. The preview (drafts, embargoed and non-CLEAR advisories) must not answer.
#[test]
fn answers_only_loopback_host_names() {
    let t = SiteTest::minimal();
    let server = start(&t, Duration::from_secs(1));
    let (addr, port) = (server.addr(), server.addr().port());
    let other = port.checked_sub(1).unwrap_or(1);
    let refused = [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("127.0.0.1.evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("0.0.0.0:{port}"),
        format!("192.168.1.10:{port}"),
        format!("[::2]:{port}"),
        format!("localhost:{other}"),
        format!("127.0.0.1:{other}"),
        format!("localhost:+{port}"),
        format!("localhost:{port}x"),
        format!("localhost.:{port}"),
        format!(".localhost:{port}"),
        String::new(),
    ];
    let paths = [
        "/",
        PAGE,
        "/advisories/EX-2026-0001",
        "/no/such/page",
        "/__livereload?since=0",
        "/.well-known/csaf/white/2026/ex-2026-0001.json",
    ];
    for host in &refused {
        for path in paths {
            let r = raw_request(addr, &format!("GET {path} HTTP/1.1\r\nHost: {host}"));
            let what = format!("Host: {host:?}, {path}");
            assert_eq!(
                (r.status, r.content_type()),
                (403, "text/plain; charset=utf-8"),
                "{what}"
            );
            let body = r.text();
            assert!(
                body.contains(&format!("http://127.0.0.1:{port}/")),
                "{what}: {body}"
            );
            assert!(!body.contains("XSS in Widget"), "{what}: {body}");
            assert_eq!(r.header("Access-Control-Allow-Origin"), None, "{what}");
        }
        let preflight = raw_request(addr, &format!("OPTIONS {PAGE} HTTP/1.1\r\nHost: {host}"));
        assert_eq!(preflight.status, 403, "OPTIONS, Host: {host:?}");
    }
    let allowed = [
        format!("127.0.0.1:{port}"),
        "127.0.0.1".to_string(),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        "localhost".to_string(),
        format!("psirt.localhost:{port}"),
        format!("[::1]:{port}"),
        "[::1]".to_string(),
    ];
    for host in &allowed {
        let r = raw_request(addr, &format!("GET {PAGE} HTTP/1.1\r\nHost: {host}"));
        assert_eq!(r.status, 200, "Host: {host}");
        assert!(r.text().contains("XSS in Widget"), "Host: {host}");
    }
    // HTTP/1.1 requires a Host; no browser omits it, so HTTP/1.0 without one is answered.
    assert_eq!(raw_request(addr, &format!("GET {PAGE} HTTP/1.1")).status, 400);
    assert_eq!(raw_request(addr, &format!("GET {PAGE} HTTP/1.0")).status, 200);
    let two = format!("GET {PAGE} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example");
    assert_eq!(raw_request(addr, &two).status, 400);
}

/// The preview holds drafts, embargoed and TLP:GREEN/AMBER/RED advisories: no CORS header
/// lets a page of another origin read any of it, not even the CSAF tree.
#[test]
fn preview_grants_no_cross_origin_reads() {
    let t = SiteTest::minimal();
    let server = start(&t, Duration::from_secs(1));
    for path in [
        "/.well-known/csaf/white/2026/ex-2026-0001.json",
        "/.well-known/csaf/provider-metadata.json",
        "/.well-known/csaf/white/2026",
        "/.well-known/csaf/white/2026/nope.json",
        PAGE,
    ] {
        let r = get(&server, path);
        assert_eq!(r.header("Access-Control-Allow-Origin"), None, "{path}");
        let preflight = request(server.addr(), "OPTIONS", path);
        assert_eq!(
            preflight.header("Access-Control-Allow-Origin"),
            None,
            "OPTIONS {path}"
        );
    }
}

const BIG: &str = "/big.bin";
const BIG_LEN: usize = 16 << 20;

fn start_with_big_file(t: &SiteTest, write_timeout: Duration) -> Server {
    t.write_bytes("static/big.bin", &vec![b'x'; BIG_LEN]);
    let mut opts = ServeOptions::new(t.root(), SocketAddr::from(([127, 0, 0, 1], 0)), Mode::Preview);
    opts.write_timeout = write_timeout;
    Server::start_with(opts).expect("server starts")
}

/// A client that asks for a large file and never reads it must not hold up anyone else.
#[test]
fn a_client_that_never_reads_does_not_stall_others() {
    let t = SiteTest::minimal();
    let server = start_with_big_file(&t, Duration::from_secs(60));
    let addr = server.addr();
    // Declared after the server, so it is dropped (and the server's write fails) first
    // even when an assertion below fails.
    let stalled = send_raw(addr, &format!("GET {BIG} HTTP/1.1\r\nHost: {addr}"), DEADLINE);
    thread::sleep(Duration::from_millis(500));
    let start = Instant::now();
    for _ in 0..3 {
        let head = format!("GET {PAGE} HTTP/1.1\r\nHost: {addr}");
        let r = read_response(send_raw(addr, &head, DEADLINE));
        assert_eq!(r.status, 200);
    }
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "answered after {:?}",
        start.elapsed()
    );
    drop(stalled);
}

/// A client that stops reading is dropped after the write timeout, so it cannot keep a
/// worker (and the response in memory) forever.
#[test]
fn a_stalled_client_is_dropped_after_the_write_timeout() {
    let t = SiteTest::minimal();
    let server = start_with_big_file(&t, Duration::from_millis(500));
    let addr = server.addr();
    let mut stalled = send_raw(addr, &format!("GET {BIG} HTTP/1.1\r\nHost: {addr}"), DEADLINE);
    thread::sleep(Duration::from_secs(3));
    let mut received = Vec::new();
    // Either the data sent before the timeout and then the end, or a reset.
    let _ = stalled.read_to_end(&mut received);
    assert!(
        received.len() < BIG_LEN,
        "the whole file arrived: the stalled client was not dropped"
    );
    // The server still answers.
    assert_eq!(get(&server, PAGE).status, 200);
}

/// With `--public`, CORS is sent as in production, but not while a build error is shown:
/// the overlay quotes the sources, drafts included.
#[test]
fn public_sends_no_cors_while_a_build_error_is_shown() {
    let t = SiteTest::minimal();
    let server = start_public(&t);
    let doc = "/.well-known/csaf/white/2026/ex-2026-0001.json";
    let folder = "/.well-known/csaf/white/2026/";
    assert_eq!(get(&server, doc).header("Access-Control-Allow-Origin"), Some("*"));
    t.write(
        ADVISORY,
        &advisory("EX-2026-0001", "Broken", "2026-03-10T09:00:00Z").replace("title = ", "title = = "),
    );
    server.rebuild();
    assert!(server.last_error().is_some());
    let page = get(&server, folder);
    assert!(page.text().contains("psirt-site-build-error"), "no overlay");
    for path in [doc, folder, "/.well-known/csaf/white/2026/nope.json"] {
        let r = get(&server, path);
        assert_eq!(r.header("Access-Control-Allow-Origin"), None, "{path}");
    }
}
