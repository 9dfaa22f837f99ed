//! Example domains: a site whose addresses are on domains reserved for documentation and
//! testing (RFC 2606, RFC 6761) is a template or a demo, not a PSIRT's real portal. A
//! publishing build refuses it unless site.toml acknowledges it, so a site made with
//! `init` or copied from an example never goes live pointing readers at nobody's address.

use std::path::Path;

use toml::Spanned;

use super::SiteConfig;
use crate::diag::{Code, Diagnostic};

/// The site.toml key that acknowledges a demo or test site.
pub const EXAMPLE_DOMAINS_KEY: &str = "allow_example_domains";

/// Second-level domains reserved for examples (RFC 2606, section 3).
const EXAMPLE_SLDS: &[&str] = &["example.com", "example.net", "example.org"];

/// Top-level domains reserved for examples and tests (RFC 2606, section 2).
const EXAMPLE_TLDS: &[&str] = &["example", "test", "invalid"];

/// Whether `host` (a domain name, any case, maybe with a trailing dot) is one of the
/// reserved example domains or below one.
pub fn is_example_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let below = |domain: &str| host == domain || host.ends_with(&format!(".{domain}"));
    EXAMPLE_SLDS.iter().any(|d| below(d))
        || host
            .rsplit('.')
            .next()
            .is_some_and(|tld| EXAMPLE_TLDS.contains(&tld))
}

/// The host of an absolute URL (`https://user@host:443/path`) or the domain of an email
/// address or `mailto:` URL; `None` when the text has neither.
fn host_of(text: &str) -> Option<&str> {
    let text = text.trim_matches(|c: char| ".,;:!?".contains(c));
    if let Some((_, rest)) = text.split_once("://") {
        let authority = rest.split(['/', '?', '#']).next()?;
        let host = authority.rsplit('@').next()?;
        let host = match host.rsplit_once(':') {
            Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
            _ => host,
        };
        return Some(host);
    }
    let address = text.strip_prefix("mailto:").unwrap_or(text);
    let (_, domain) = address.rsplit_once('@')?;
    domain.split('?').next()
}

/// The example hosts named in free text (`Email psirt@example.com or see https://…`).
fn example_hosts_in_text(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || "()<>[]{},;\"'".contains(c))
        .filter_map(|word| host_of(word).or_else(|| word.contains('.').then_some(word)))
        .map(|host| host.trim_matches(|c: char| ".,;:!?".contains(c)))
        .filter(|host| is_example_host(host))
        .collect()
}

fn problem(what: &str, host: &str) -> Diagnostic {
    Diagnostic::error(
        Code::ExampleDomain,
        format!(
            "{what} is on the example domain `{host}`: the published site would send readers \
             and CSAF tools to an address nobody owns"
        ),
    )
    .help(format!(
        "use your PSIRT's real domain; for a demo or test site, put `{EXAMPLE_DOMAINS_KEY} = true` \
         at the top of site.toml (`build --preview DIR` and `serve` work without it)"
    ))
}

/// Every address of site.toml on an example domain. `base_url_overridden`: `--base-url`
/// replaces site.toml's value, so that value is not published and not checked here.
pub fn check(config: &SiteConfig, path: &Path, base_url_overridden: bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut field = |what: &str, value: &Spanned<String>| {
        if let Some(host) = example_hosts_in_text(value.get_ref()).first() {
            out.push(problem(what, host).at(path, value.span()));
        }
    };
    if !base_url_overridden {
        field("base_url", &config.base_url);
    }
    field("publisher.namespace", &config.publisher.namespace);
    if let Some(details) = &config.publisher.contact_details {
        field("publisher.contact_details", details);
    }
    field("contact.email", &config.contact.email);
    for url in &config.contact.urls {
        field("contact.urls", url);
    }
    if let Some(st) = &config.security_txt {
        if let Some(hiring) = &st.hiring {
            field("security_txt.hiring", hiring);
        }
        for contact in &st.extra_contacts {
            field("security_txt.extra_contacts", contact);
        }
    }
    out
}

/// The `--base-url` option on an example domain (no file to point into).
pub fn check_base_url_option(base: &str) -> Option<Diagnostic> {
    let host = host_of(base).filter(|h| is_example_host(h))?;
    Some(problem("--base-url", host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_domains_and_only_those() {
        for host in [
            "example.com",
            "security.example.com",
            "EXAMPLE.ORG.",
            "psirt.example.net",
            "acme-networks.example",
            "psirt.test",
            "x.invalid",
        ] {
            assert!(is_example_host(host), "{host}");
        }
        for host in [
            "example.co",
            "myexample.com",
            "example.com.evil.org",
            "acme.com",
            "examples.org",
        ] {
            assert!(!is_example_host(host), "{host}");
        }
    }

    #[test]
    fn hosts_in_urls_addresses_and_text() {
        assert_eq!(
            host_of("https://u@security.example.com:8443/x?y"),
            Some("security.example.com")
        );
        assert_eq!(host_of("mailto:psirt@example.org?subject=x"), Some("example.org"));
        assert_eq!(host_of("psirt@acme.com"), Some("acme.com"));
        assert_eq!(
            example_hosts_in_text("Email psirt@acme.com (key at https://acme.example/pgp/)."),
            vec!["acme.example"]
        );
        assert!(example_hosts_in_text("Call +1 555 0100, or write to psirt@acme.com.").is_empty());
        assert_eq!(
            check_base_url_option("https://staging.example").map(|d| d.code),
            Some(Code::ExampleDomain)
        );
        assert!(check_base_url_option("http://127.0.0.1:8080").is_none());
    }
}
