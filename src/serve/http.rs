//! The HTTP side of `serve`: answers from the in-memory site with the headers a correct
//! production host would send (after the `guard` checks), and the build-error overlay;
//! `livereload` answers the long-poll.

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use tiny_http::{Header, Method, Request, Response, ResponseBox, StatusCode};

use super::{Files, Shared, guard, livereload};
use crate::emit::hosting;
use crate::routes::CSAF_ROOT;
use crate::url::percent_decode;

/// The path the live-reload script in the theme's `base.html` polls.
const LIVERELOAD: &str = "/__livereload";
const TEXT: &str = "text/plain; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

/// Answers one request; runs on a worker thread (`pool`).
pub(super) fn handle(req: Request, shared: &Arc<Shared>) {
    // Before anything else: a refused request learns nothing about the site.
    if let Err(refusal) = guard::check_request(&req, shared.port) {
        let (status, body) = refusal.answer(shared.port);
        if !shared.refusal_reported.swap(true, Ordering::SeqCst) {
            let line = body.lines().next().unwrap_or_default();
            eprintln!("refused a request (further refusals are not reported): {line}");
        }
        return send(req, with_common(text_response(status, &body), false));
    }
    let url = req.url().to_string();
    let url = url.split('#').next().unwrap_or_default();
    let (raw_path, query) = url.split_once('?').unwrap_or((url, ""));
    // The CSAF provider tree is never redirected (CSAF 2.0 §7.1.1 requirement 3); CORS
    // goes where the host configuration puts it (CSAF and Web Key Directory trees).
    let rel = raw_path.strip_prefix('/').unwrap_or(raw_path);
    let csaf = rel == CSAF_ROOT || rel.starts_with(&format!("{CSAF_ROOT}/"));
    let mode = shared.build.mode;
    let cors = guard::cors(mode, rel, false);
    match req.method() {
        Method::Get | Method::Head => {}
        Method::Options => {
            let resp = Response::empty(204).with_header(header("Allow", "GET, HEAD, OPTIONS"));
            return send(req, with_common(resp, cors));
        }
        _ => {
            let resp = text_response(405, "405 Method Not Allowed\n")
                .with_header(header("Allow", "GET, HEAD, OPTIONS"));
            return send(req, with_common(resp, cors));
        }
    }
    if raw_path == LIVERELOAD {
        return livereload::livereload(req, shared, query);
    }
    let Some(path) = percent_decode(raw_path) else {
        return send(req, with_common(text_response(400, "400 Bad Request\n"), cors));
    };
    let (site, error, version) = {
        let state = shared.lock();
        (state.site.clone(), state.error.clone(), state.version)
    };
    // While the last build failed, HTML answers quote its diagnostics, which may come from
    // any source (drafts included): no CORS then, even with `--public`.
    let cors = guard::cors(mode, rel, error.is_some());
    if !site.good {
        // No build has succeeded yet: there is no site, only the error to show.
        let text = error.as_deref().unwrap_or("the site has not been built yet");
        let resp = Response::from_data(error_page(text, version)).with_status_code(500);
        return send(
            req,
            with_common(resp.with_header(header("Content-Type", HTML)), cors),
        );
    }
    let resp = match resolve(&site, &path, csaf) {
        Target::File(key) => file_response(&site, key, error.as_deref(), 200),
        Target::Redirect => redirect(raw_path, query).boxed(),
        Target::NotFound => not_found(&site, error.as_deref()),
    };
    send(req, with_common(resp, cors));
}

/// What a path resolves to in a built site.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// The output file with this key.
    File(String),
    /// A folder asked for without its trailing slash.
    Redirect,
    NotFound,
}

/// `/x/` → `x/index.html`; `/x` → the file `x`, else (if `x/index.html` exists) a redirect
/// to `/x/` as static hosts do, except in the CSAF tree, which answers directly.
fn resolve(site: &Files, path: &str, csaf: bool) -> Target {
    let Some(rel) = path.strip_prefix('/') else {
        return Target::NotFound;
    };
    if rel.is_empty() || rel.ends_with('/') {
        let key = format!("{rel}index.html");
        return if site.map.contains_key(key.as_str()) {
            Target::File(key)
        } else {
            Target::NotFound
        };
    }
    if is_host_config(rel) {
        return Target::NotFound;
    }
    if site.map.contains_key(rel) {
        return Target::File(rel.to_string());
    }
    let index = format!("{rel}/index.html");
    match (site.map.contains_key(index.as_str()), csaf) {
        (true, true) => Target::File(index),
        (true, false) => Target::Redirect,
        (false, _) => Target::NotFound,
    }
}

/// The built file `key` (an HTML one with the error overlay while there is an error).
fn file_response(site: &Arc<Files>, key: String, error: Option<&str>, status: u16) -> ResponseBox {
    let ctype = content_type(&key);
    let Some(bytes) = site.map.get(key.as_str()) else {
        return text_response(404, "404 Not Found\n").boxed();
    };
    let resp = match error {
        Some(e) if ctype == HTML => Response::from_data(inject_overlay(bytes, e)).boxed(),
        _ => {
            let len = bytes.len();
            let body = SiteFile {
                site: site.clone(),
                key,
                pos: 0,
            };
            Response::new(StatusCode(200), Vec::new(), body, Some(len), None).boxed()
        }
    };
    resp.with_status_code(status)
        .with_header(header("Content-Type", ctype))
}

/// A file of a built site, read where it is: answering a large file, even to many clients
/// at once, copies none of it. The build it belongs to stays alive until the answer is sent.
struct SiteFile {
    site: Arc<Files>,
    key: String,
    pos: usize,
}

impl Read for SiteFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let rest = self
            .site
            .map
            .get(self.key.as_str())
            .and_then(|b| b.get(self.pos..))
            .unwrap_or_default();
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }
}

fn not_found(site: &Arc<Files>, error: Option<&str>) -> ResponseBox {
    if site.map.contains_key("404.html") {
        file_response(site, "404.html".to_string(), error, 404)
    } else {
        text_response(404, "404 Not Found\n").boxed()
    }
}

fn redirect(raw_path: &str, query: &str) -> Resp {
    let location = if query.is_empty() {
        format!("{raw_path}/")
    } else {
        format!("{raw_path}/?{query}")
    };
    // The request line was ASCII when tiny_http parsed it, so this only fails on a bug.
    match Header::from_bytes("Location", location.as_bytes()) {
        Ok(h) => text_response(301, "301 Moved Permanently\n").with_header(h),
        Err(()) => text_response(400, "400 Bad Request\n"),
    }
}

pub(super) type Resp = Response<std::io::Cursor<Vec<u8>>>;

pub(super) fn text_response(status: u16, body: &str) -> Resp {
    Response::from_string(body)
        .with_status_code(status)
        .with_header(header("Content-Type", TEXT))
}

/// Headers on every answer. `no-store` so a reload always shows the latest build.
pub(super) fn with_common<R: std::io::Read>(resp: Response<R>, cors: bool) -> Response<R> {
    let mut resp = resp
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        // A known length is sent as Content-Length rather than chunked, like static hosts do.
        .with_chunked_threshold(usize::MAX);
    if cors {
        resp.add_header(header("Access-Control-Allow-Origin", "*"));
    }
    resp
}

pub(super) fn send<R: std::io::Read>(req: Request, resp: Response<R>) {
    // The client may have gone away; there is nobody left to tell.
    let _ = req.respond(resp);
}

/// A header from constant ASCII text.
pub(super) fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("constant header names and values are ASCII")
}

/// The media type for an output path: the table the generated host configuration uses
/// (`emit::hosting`), so what `serve` sends is what a correctly configured host sends.
/// Asset types that table does not list fall back to the usual ones, so images and fonts
/// from `static/` display in the browser.
pub(super) fn content_type(path: &str) -> &'static str {
    // Hosts match extensions case-insensitively (`LOGO.PNG`); the table expects lower case.
    let lower = path.to_ascii_lowercase();
    let shared = hosting::content_type(&lower);
    if shared != "application/octet-stream" {
        return shared;
    }
    let name = lower.rsplit('/').next().unwrap_or_default();
    match name.rsplit_once('.').map_or("", |(_, ext)| ext) {
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => shared,
    }
}

/// Host configuration for Netlify, Cloudflare Pages and Apache: those hosts read it and
/// never serve it, so neither does `serve`.
fn is_host_config(key: &str) -> bool {
    matches!(key, "_headers" | ".htaccess")
}

/// The error box laid over every page while the last build failed.
fn overlay(error: &str) -> String {
    format!(
        concat!(
            r#"<div id="psirt-site-build-error" role="alert" style="position:fixed;inset:0;z-index:2147483647;"#,
            r#"overflow:auto;margin:0;padding:1.5rem;background:rgba(24,24,27,.96);color:#f4f4f5;"#,
            r#"font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:left">"#,
            r#"<p style="margin:0 0 1rem;font-weight:bold;color:#fca5a5">psirt-site serve: the build failed. "#,
            r#"Below it is the last good build; this page reloads when the error is fixed.</p>"#,
            r#"<pre style="margin:0;white-space:pre-wrap;color:inherit;background:none">{}</pre></div>"#,
        ),
        crate::escape::markup(error)
    )
}

/// Inserts the overlay before the last `</body>`, or appends it when there is none.
fn inject_overlay(html: &[u8], error: &str) -> Vec<u8> {
    let pos = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    [&html[..pos], overlay(error).as_bytes(), &html[pos..]].concat()
}

/// The page for every request while no build has succeeded yet, with its own reload
/// script (the theme's is not available without a build). It knows its version, so it
/// cannot miss a build finished between serving the page and its first poll.
fn error_page(error: &str, version: u64) -> Vec<u8> {
    format!(
        concat!(
            r#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">"#,
            r#"<title>Build failed · psirt-site serve</title></head><body>{}<script>"#,
            r#"(function(){{var seen={};function poll(){{fetch("{}?since="+seen,{{cache:"no-store"}})"#,
            r#".then(function(r){{if(r.status===200){{return r.json();}}if(r.status!==204){{throw new Error();}}return null;}})"#,
            r#".then(function(d){{if(d&&d.version!==seen){{location.reload();return;}}setTimeout(poll,100);}})"#,
            r#".catch(function(){{setTimeout(poll,1000);}});}}poll();}})();"#,
            r#"</script></body></html>"#,
        ),
        overlay(error),
        version,
        LIVERELOAD
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(paths: &[&str]) -> Files {
        Files {
            map: paths
                .iter()
                .map(|p| (Arc::from(*p), Arc::new(Vec::new())))
                .collect::<crate::pipeline::cache::Files>()
                .into(),
            good: true,
        }
    }

    #[test]
    fn resolves_like_a_static_host() {
        let s = site(&[
            "index.html",
            "a/index.html",
            "css/x.css",
            ".well-known/csaf/white/index.html",
        ]);
        assert_eq!(resolve(&s, "/", false), Target::File("index.html".into()));
        assert_eq!(resolve(&s, "/a/", false), Target::File("a/index.html".into()));
        assert_eq!(resolve(&s, "/a", false), Target::Redirect);
        assert_eq!(resolve(&s, "/css/x.css", false), Target::File("css/x.css".into()));
        assert_eq!(resolve(&s, "/css/", false), Target::NotFound);
        assert_eq!(resolve(&s, "/nope", false), Target::NotFound);
        assert_eq!(resolve(&s, "/_headers", false), Target::NotFound);
        let csaf = "/.well-known/csaf/white";
        assert_eq!(
            resolve(&s, csaf, true),
            Target::File(".well-known/csaf/white/index.html".into())
        );
    }

    #[test]
    fn content_types_match_production() {
        let cases = [
            (
                ".well-known/csaf/white/2026/ex-2026-0001.json",
                "application/json",
            ),
            (".well-known/csaf/provider-metadata.json", "application/json"),
            (".well-known/csaf/white/2026/ex-2026-0001.json.sha512", TEXT),
            (".well-known/csaf/white/2026/ex-2026-0001.json.asc", TEXT),
            (".well-known/security.txt", TEXT),
            ("index.html", HTML),
            ("css/portal.css", "text/css; charset=utf-8"),
            ("feeds/severity/high.xml", "application/rss+xml"),
            ("sitemap.xml", "application/xml"),
            (
                ".well-known/openpgpkey/hu/4tz7q7ge5mwz5sjx4yatrzhqs37873ts",
                "application/octet-stream",
            ),
            (".well-known/csaf/white/changes.csv", TEXT),
            ("static/IMG.PNG", "image/png"),
            ("static/photo.jpg", "image/jpeg"),
            ("noext", "application/octet-stream"),
        ];
        for (path, want) in cases {
            assert_eq!(content_type(path), want, "{path}");
        }
    }

    #[test]
    fn site_files_are_read_in_place_and_whole() {
        let data: Vec<u8> = (0..=255).cycle().take(20_000).collect();
        let files = Arc::new(Files {
            map: [(Arc::from("big.bin"), Arc::new(data.clone()))]
                .into_iter()
                .collect::<crate::pipeline::cache::Files>()
                .into(),
            good: true,
        });
        let mut body = SiteFile {
            site: files,
            key: "big.bin".into(),
            pos: 0,
        };
        let mut small = [0u8; 7];
        assert_eq!(body.read(&mut small).expect("read"), 7);
        let mut rest = Vec::new();
        body.read_to_end(&mut rest).expect("read");
        assert_eq!([&small[..], &rest[..]].concat(), data);
        assert_eq!(body.read(&mut small).expect("read"), 0);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("/a%20b/%C3%A7").as_deref(), Some("/a b/ç"));
        for bad in ["/%", "/%2", "/%zz", "/%+1", "/%ff"] {
            assert_eq!(percent_decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn overlay_goes_before_body_end_and_is_escaped() {
        let html = b"<html><body><p>x</p></BODY></html>";
        let out = String::from_utf8(inject_overlay(html, "bad <script>&\"'")).expect("utf-8");
        assert!(out.ends_with("</pre></div></BODY></html>"), "{out}");
        assert!(out.contains("bad &lt;script&gt;&amp;&quot;&#39;"), "{out}");
        let bare = String::from_utf8(inject_overlay(b"text", "e")).expect("utf-8");
        assert!(bare.starts_with("text<div"), "{bare}");
    }
}
