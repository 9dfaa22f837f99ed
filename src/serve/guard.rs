//! Who may read what `serve` answers. The preview holds drafts, embargoed advisories and
//! TLP:GREEN/AMBER/RED advisories, so two browser routes to it are closed:
//!
//! - DNS rebinding: a hostile page re-points its own name at 127.0.0.1 and then reads the
//!   server as same-origin. The browser still sends the page's name as `Host`, so only
//!   loopback names (which no outside party can re-point) on this server's port are answered.
//! - CORS: `Access-Control-Allow-Origin: *` would let any page read an answer. It is sent
//!   only where a production host sends it and only with what `build` publishes (`--public`).

use std::net::{Ipv4Addr, Ipv6Addr};

use tiny_http::Request;

use crate::emit::hosting;
use crate::site::Mode;

/// Why a request is refused before anything else is looked at.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Refusal {
    /// HTTP/1.1 without a `Host` header, or with more than one (RFC 9112 §3.2 says 400).
    BadRequest,
    /// A `Host` that is not a loopback name with this server's port.
    ForeignHost(String),
}

impl Refusal {
    /// The status and a plain-text body saying why and what to open instead.
    pub(super) fn answer(&self, port: u16) -> (u16, String) {
        let open = format!(
            "Open http://127.0.0.1:{port}/ or http://localhost:{port}/ instead; a name of your own must end in .localhost."
        );
        match self {
            Refusal::BadRequest => (
                400,
                format!("400 Bad Request: exactly one Host header is required.\n{open}\n"),
            ),
            Refusal::ForeignHost(host) => (
                403,
                format!(
                    concat!(
                        "403 Forbidden: this psirt-site serve preview answers only requests for ",
                        "localhost, a name ending in .localhost, 127.0.0.1 or [::1] on port {}, ",
                        "so that other web sites cannot read it (DNS rebinding). ",
                        "This request was for Host: {}.\n{}\n",
                    ),
                    port,
                    printable(host),
                    open
                ),
            ),
        }
    }
}

/// Checks the `Host` header of `req` (see [`check`]).
pub(super) fn check_request(req: &Request, port: u16) -> Result<(), Refusal> {
    let hosts: Vec<&str> = req
        .headers()
        .iter()
        .filter(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str())
        .collect();
    check(&hosts, *req.http_version() == (1, 0), port)
}

/// `hosts` are the values of the request's `Host` headers. A request without one is
/// answered only in HTTP/1.0: browsers always send `Host`, so such a request comes from a
/// local program, which could read the site's sources anyway.
pub(super) fn check(hosts: &[&str], http10: bool, port: u16) -> Result<(), Refusal> {
    match hosts {
        [] if http10 => Ok(()),
        [host] if is_allowed(host, port) => Ok(()),
        [host] => Err(Refusal::ForeignHost((*host).to_string())),
        _ => Err(Refusal::BadRequest),
    }
}

/// `localhost`, `NAME.localhost` (RFC 6761: always loopback, browsers never ask DNS),
/// a 127.0.0.0/8 address or `[::1]`; without a port, or with exactly `port`.
fn is_allowed(host: &str, port: u16) -> bool {
    match split_port(host) {
        Some((name, given)) => given.is_none_or(|p| p == port) && is_loopback_name(name),
        None => false,
    }
}

/// `name[:port]` or `[v6][:port]`; `None` when what follows the name is not `:` and digits.
fn split_port(host: &str) -> Option<(&str, Option<u16>)> {
    let name_end = if host.starts_with('[') {
        host.find(']')? + 1
    } else {
        host.find(':').unwrap_or(host.len())
    };
    let (name, rest) = host.split_at(name_end);
    if rest.is_empty() {
        return Some((name, None));
    }
    let digits = rest.strip_prefix(':')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((name, Some(digits.parse().ok()?)))
}

fn is_loopback_name(name: &str) -> bool {
    if let Some(v6) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        return v6.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback());
    }
    if let Ok(ip) = name.parse::<Ipv4Addr>() {
        return ip.is_loopback();
    }
    let name = name.to_ascii_lowercase();
    // No trailing dot: `localhost.` is a query the resolver may send on to DNS.
    name == "localhost"
        || name
            .strip_suffix(".localhost")
            .is_some_and(|sub| sub.split('.').all(is_label))
}

fn is_label(label: &str) -> bool {
    !label.is_empty() && label.len() <= 63 && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The host as sent, shortened, with anything but visible ASCII replaced, for the refusal.
fn printable(host: &str) -> String {
    let mut out: String = host
        .chars()
        .take(100)
        .map(|c| if c.is_ascii_graphic() { c } else { '?' })
        .collect();
    if host.chars().count() > 100 {
        out.push('…');
    }
    out
}

/// Whether an answer may carry `Access-Control-Allow-Origin: *`. A production host sends
/// it on the CSAF and Web Key Directory trees, which then hold only published documents;
/// the preview holds everything, so it sends it never. `shows_error` answers carry build
/// diagnostics, which may quote any source file, so they never get it either.
pub(super) fn cors(mode: Mode, rel: &str, shows_error: bool) -> bool {
    mode == Mode::Public && !shows_error && hosting::needs_cors(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_with_the_right_port_only() {
        for ok in [
            "localhost",
            "localhost:8000",
            "LOCALHOST:8000",
            "psirt.localhost:8000",
            "a-b.c.localhost",
            "127.0.0.1",
            "127.0.0.1:8000",
            "127.1.2.3:8000",
            "[::1]",
            "[::1]:8000",
            "[0:0:0:0:0:0:0:1]:8000",
        ] {
            assert!(is_allowed(ok, 8000), "{ok}");
        }
        for bad in [
            "",
            "evil.example",
            "evil.example:8000",
            "localhost:8001",
            "localhost:80",
            "localhost:",
            "localhost:+8000",
            "localhost:08000x",
            "localhost:99999",
            "localhost.",
            "localhost.:8000",
            ".localhost",
            "a..localhost",
            "a_b.localhost",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "0.0.0.0:8000",
            "10.0.0.1:8000",
            "[::]:8000",
            "[::ffff:127.0.0.1]:8000",
            "[::1:8000",
            "::1",
            "127.0.0.1:8000:8000",
            "user@localhost:8000",
        ] {
            assert!(!is_allowed(bad, 8000), "{bad}");
        }
    }

    #[test]
    fn host_header_count_and_version() {
        assert_eq!(check(&[], true, 1), Ok(()));
        assert_eq!(check(&[], false, 1), Err(Refusal::BadRequest));
        assert_eq!(check(&["localhost:1"], false, 1), Ok(()));
        assert_eq!(
            check(&["localhost:1", "localhost:1"], false, 1),
            Err(Refusal::BadRequest)
        );
        assert_eq!(
            check(&["evil.example:1"], true, 1),
            Err(Refusal::ForeignHost("evil.example:1".into()))
        );
    }

    #[test]
    fn refusal_says_why_and_what_to_open() {
        let (status, body) = Refusal::ForeignHost("evil\r\n.example".into()).answer(8000);
        assert_eq!(status, 403);
        assert!(body.contains("Host: evil??.example."), "{body}");
        assert!(body.contains("http://127.0.0.1:8000/"), "{body}");
        let long = "x".repeat(300);
        let (_, body) = Refusal::ForeignHost(long).answer(8000);
        assert!(body.len() < 600, "{body}");
    }

    #[test]
    fn cors_only_on_published_trees_without_errors() {
        let doc = ".well-known/csaf/white/2026/a.json";
        assert!(cors(Mode::Public, doc, false));
        assert!(cors(Mode::Public, ".well-known/openpgpkey/policy", false));
        assert!(!cors(Mode::Public, doc, true));
        assert!(!cors(Mode::Public, "index.html", false));
        assert!(!cors(Mode::Preview, doc, false));
    }
}
