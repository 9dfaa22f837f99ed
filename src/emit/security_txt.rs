//! RFC 9116 `/.well-known/security.txt`, cleartext-signed when a signing key is loaded.
//!
//! `Expires` is derived from the build time, so every build (and every signature) moves
//! it forward: a site rebuilt at least every `expires_after_days` never serves a stale
//! file. Values come from site.toml, where URLs were already checked; they are checked
//! again here for line breaks, because one smuggled CR/LF would let config add fields
//! (or a second signed section) to a file that tools parse line by line.

use jiff::{SignedDuration, Timestamp};

use super::OutputFile;
use crate::config::{CONFIG_FILE, SecurityTxtConfig};
use crate::diag::{Code, Diagnostic};
use crate::model::time::{rfc3339, to_timestamp};
use crate::routes;
use crate::signing::Signer;
use crate::site::Site;

/// Output path (RFC 9116 §3: only the `.well-known` location).
pub const PATH: &str = routes::SECURITY_TXT;
pub const DEFAULT_EXPIRES_AFTER_DAYS: i64 = 180;
/// RFC 9116 §2.5.5 recommends less than a year.
pub const MAX_EXPIRES_AFTER_DAYS: i64 = 365;
/// A fixed `expires` closer than this to the build gets a warning.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

/// The settings in effect: `[security_txt]`, or the defaults when it is absent.
pub fn settings(site: &Site) -> SecurityTxtConfig {
    site.config.security_txt.clone().unwrap_or(SecurityTxtConfig {
        expires_after_days: None,
        expires: None,
        preferred_languages: Vec::new(),
        hiring: None,
        extra_contacts: Vec::new(),
    })
}

/// The `Expires` value: the fixed `expires` date, else `now` plus `expires_after_days`
/// (default 180, clamped to 1..=365 here; `check` reports out-of-range values).
pub fn expires(now: Timestamp, cfg: &SecurityTxtConfig) -> Result<Timestamp, String> {
    match (&cfg.expires, &cfg.expires_after_days) {
        (Some(_), Some(_)) => Err("set either `expires` or `expires_after_days`, not both".into()),
        (Some(fixed), None) => to_timestamp(fixed.get_ref()),
        (None, n) => {
            let n = n.as_ref().map_or(DEFAULT_EXPIRES_AFTER_DAYS, |n| *n.get_ref());
            let n = n.clamp(1, MAX_EXPIRES_AFTER_DAYS);
            let at = now
                .checked_add(days(n))
                .map_err(|e| format!("cannot add {n} days to the build time: {e}"))?;
            // Whole seconds: RFC 3339 without a fraction is what every parser accepts.
            Timestamp::from_second(at.as_second()).map_err(|e| e.to_string())
        }
    }
}

/// Settings problems: out-of-range `expires_after_days` (error), a fixed `expires` that
/// is past (error), within 30 days (warning) or more than a year away (warning).
pub fn check(site: &Site) -> Vec<Diagnostic> {
    let Some(cfg) = &site.config.security_txt else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(n) = &cfg.expires_after_days
        && !(1..=MAX_EXPIRES_AFTER_DAYS).contains(n.get_ref())
    {
        out.push(
            Diagnostic::error(Code::SecurityTxt, format!("security_txt.expires_after_days is {}; it must be 1 to 365", n.get_ref()))
                .at(CONFIG_FILE, n.span())
                .help("RFC 9116 recommends an Expires less than a year away; 180 is a good value if you rebuild regularly"),
        );
    }
    if let (Some(fixed), Some(_)) = (&cfg.expires, &cfg.expires_after_days) {
        out.push(
            Diagnostic::error(
                Code::SecurityTxt,
                "security_txt sets both `expires` and `expires_after_days`",
            )
            .at(CONFIG_FILE, fixed.span())
            .help("keep `expires_after_days` (moves forward with every build) and remove `expires`"),
        );
    } else if let Some(fixed) = &cfg.expires {
        out.extend(check_fixed(site.build_time, fixed));
    }
    for lang in cfg.preferred_languages.iter().filter(|l| !is_language_tag(l)) {
        out.push(
            Diagnostic::error(
                Code::SecurityTxt,
                format!(
                    "{CONFIG_FILE} [security_txt] preferred_languages: `{}` is not a language tag",
                    lang.escape_debug()
                ),
            )
            .help("write tags such as \"en\", \"de\" or \"pt-BR\" (RFC 5646)"),
        );
    }
    out
}

fn check_fixed(now: Timestamp, fixed: &toml::Spanned<toml::value::Datetime>) -> Option<Diagnostic> {
    let at = |d: Diagnostic| d.at(CONFIG_FILE, fixed.span());
    let renew = "use `expires_after_days` instead, so every build renews the date";
    let t = match to_timestamp(fixed.get_ref()) {
        Ok(t) => t,
        Err(e) => {
            return Some(at(Diagnostic::error(
                Code::SecurityTxt,
                format!("security_txt.expires: {e}"),
            )
            .help(renew)));
        }
    };
    let shown = rfc3339(t);
    if t <= now {
        return Some(at(Diagnostic::error(
            Code::SecurityTxt,
            format!("security_txt.expires ({shown}) is in the past"),
        )
        .help(renew)));
    }
    if now
        .checked_add(days(EXPIRY_WARNING_DAYS))
        .is_ok_and(|soon| t < soon)
    {
        return Some(at(Diagnostic::warning(
            Code::SecurityTxt,
            format!("security.txt expires soon ({shown})"),
        )
        .help(renew)));
    }
    if now
        .checked_add(days(MAX_EXPIRES_AFTER_DAYS))
        .is_ok_and(|limit| t > limit)
    {
        return Some(at(Diagnostic::warning(
            Code::SecurityTxt,
            format!("security.txt expires more than a year from now ({shown})"),
        )
        .help("RFC 9116 recommends an Expires less than a year away")));
    }
    None
}

/// RFC 5646 in outline: letters, digits and hyphens, starting with a letter.
fn is_language_tag(s: &str) -> bool {
    s.split('-')
        .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
}

/// The fields in RFC 9116 order of importance, `(name, value)`.
pub fn fields(site: &Site) -> Result<Vec<(&'static str, String)>, String> {
    let cfg = settings(site);
    let mut out: Vec<(&'static str, String)> = Vec::new();
    let mut contacts = vec![format!("mailto:{}", site.config.contact.email.get_ref())];
    contacts.extend(site.config.contact.urls.iter().map(|u| u.get_ref().clone()));
    contacts.extend(cfg.extra_contacts.iter().map(|u| u.get_ref().clone()));
    let mut seen = std::collections::BTreeSet::new();
    contacts.retain(|c| seen.insert(c.clone()));
    out.extend(contacts.into_iter().map(|c| ("Contact", c)));
    out.push(("Expires", rfc3339(expires(site.build_time, &cfg)?)));
    if site.key.is_some() {
        out.push(("Encryption", site.url(routes::KEY_FILE)));
    }
    out.push(("Acknowledgments", site.url(routes::ACKNOWLEDGMENTS)));
    let languages = if cfg.preferred_languages.is_empty() {
        vec![site.config.language.clone()]
    } else {
        cfg.preferred_languages.clone()
    };
    out.push(("Preferred-Languages", languages.join(", ")));
    out.push(("Canonical", site.url(PATH)));
    if site.page(routes::POLICY_SLUG).is_some() {
        out.push(("Policy", site.url(&routes::page_dir(routes::POLICY_SLUG))));
    }
    if let Some(h) = &cfg.hiring {
        out.push(("Hiring", h.get_ref().clone()));
    }
    out.push(("CSAF", site.url(&routes::csaf_file(routes::CSAF_METADATA_FILE))));
    Ok(out)
}

/// The unsigned file text; refuses values with line breaks or other control characters.
pub fn render(site: &Site) -> Result<String, Vec<Diagnostic>> {
    let fields = fields(site).map_err(|e| {
        vec![
            Diagnostic::error(Code::SecurityTxt, format!("security.txt Expires: {e}"))
                .help("see [security_txt] in docs/disclosure.md"),
        ]
    })?;
    let mut bad = Vec::new();
    let mut text = String::new();
    for (name, value) in &fields {
        if value.is_empty() || value.chars().any(char::is_control) {
            bad.push(
                Diagnostic::error(Code::SecurityTxt, format!("security.txt {name} value `{}` is empty or contains a line break or control character", value.escape_debug()))
                    .help(format!("remove the line break from the value in {CONFIG_FILE}")),
            );
        }
        text.push_str(&format!("{name}: {value}\n"));
    }
    if bad.is_empty() { Ok(text) } else { Err(bad) }
}

pub fn emit(site: &Site, signer: Option<&Signer>) -> Result<Vec<OutputFile>, Vec<Diagnostic>> {
    let text = render(site)?;
    let body = match signer {
        Some(s) => s.clearsign(&text).map_err(|d| vec![d])?,
        None => text,
    };
    Ok(vec![OutputFile::new(PATH, body)])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(days: Option<i64>, fixed: Option<&str>) -> SecurityTxtConfig {
        SecurityTxtConfig {
            expires_after_days: days.map(|d| toml::Spanned::new(0..0, d)),
            expires: fixed.map(|f| toml::Spanned::new(0..0, f.parse().expect("datetime"))),
            preferred_languages: Vec::new(),
            hiring: None,
            extra_contacts: Vec::new(),
        }
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    #[test]
    fn expires_from_days_default_and_clamped() {
        let now = ts("2026-11-18T10:13:20.5Z");
        assert_eq!(
            rfc3339(expires(now, &cfg(None, None)).expect("default")),
            "2027-05-17T10:13:20Z"
        );
        assert_eq!(expires(now, &cfg(Some(30), None)), Ok(ts("2026-12-18T10:13:20Z")));
        assert_eq!(
            expires(now, &cfg(Some(1000), None)),
            Ok(ts("2027-11-18T10:13:20Z"))
        );
        assert_eq!(expires(now, &cfg(Some(0), None)), Ok(ts("2026-11-19T10:13:20Z")));
        assert_eq!(
            expires(now, &cfg(None, Some("2027-01-31"))),
            Ok(ts("2027-01-31T00:00:00Z"))
        );
        assert!(expires(now, &cfg(Some(10), Some("2027-01-31"))).is_err());
    }

    #[test]
    fn language_tags() {
        for ok in ["en", "de", "pt-BR", "zh-Hant-TW"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "en\nX: y", "en,de", "-en", "1en"] {
            assert!(!is_language_tag(bad), "{bad:?}");
        }
    }

    #[test]
    fn fixed_expiry_checks() {
        let now = ts("2026-11-18T00:00:00Z");
        let spanned =
            |s: &str| toml::Spanned::new(0..0, s.parse::<toml::value::Datetime>().expect("datetime"));
        let past = check_fixed(now, &spanned("2026-01-01")).expect("past");
        assert!(past.is_error());
        let soon = check_fixed(now, &spanned("2026-12-01")).expect("soon");
        assert!(!soon.is_error());
        assert!(check_fixed(now, &spanned("2027-03-01")).is_none());
        assert!(!check_fixed(now, &spanned("2028-03-01")).expect("far").is_error());
    }
}
