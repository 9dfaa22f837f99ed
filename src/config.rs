//! `site.toml`: the site's configuration, read strictly.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Code, Diagnostic, SourceMap};
use crate::source::{MAX_FILE_BYTES, ReadError, read_limited};
use crate::toml_input;
use crate::url::check_url;

mod example_domains;

pub use example_domains::{
    EXAMPLE_DOMAINS_KEY, check as example_domains_in, check_base_url_option as example_base_url_option,
    is_example_host,
};

pub const CONFIG_FILE: &str = "site.toml";

/// What `base_url` may start with, in site.toml and on the command line alike.
const BASE_URL_SCHEMES: &[&str] = &["https", "http"];

/// The whole `site.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    pub base_url: Spanned<String>,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub theme: Option<String>,
    #[serde(default = "default_output_dir")]
    pub output_dir: PathBuf,
    #[serde(default)]
    pub raw_html: bool,
    #[serde(default = "yes")]
    pub minify: bool,
    pub publisher: Publisher,
    pub contact: Contact,
    #[serde(default)]
    pub security_txt: Option<SecurityTxtConfig>,
    #[serde(default)]
    pub pgp: Option<PgpConfig>,
    #[serde(default)]
    pub signing: Option<SigningConfig>,
    #[serde(default)]
    pub csaf: CsafConfig,
    #[serde(default)]
    pub feeds: FeedsConfig,
    #[serde(default)]
    pub lists: ListsConfig,
    /// What every advisory id starts with, before `-YYYY-NNNN` (`ACME-SA`): `new advisory`
    /// numbers from it and `check` refuses ids without it. Optional, so that sites made
    /// before it keep building.
    #[serde(default)]
    pub id_prefix: Option<Spanned<String>>,
    /// Acknowledges a demo or test site: addresses on the reserved example domains
    /// (`example.com`, `*.example`, …) may be published. Without it, a publishing build
    /// refuses them, so a site copied from a template never goes live with them by accident.
    #[serde(default)]
    pub allow_example_domains: bool,
}

fn default_language() -> String {
    "en".into()
}

fn default_output_dir() -> PathBuf {
    PathBuf::from("public")
}

fn yes() -> bool {
    true
}

/// CSAF `document.publisher`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    pub name: String,
    pub namespace: Spanned<String>,
    #[serde(default)]
    pub category: PublisherCategory,
    #[serde(default)]
    pub contact_details: Option<Spanned<String>>,
    #[serde(default)]
    pub issuing_authority: Option<String>,
}

/// CSAF 2.0 `category of publisher`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PublisherCategory {
    Coordinator,
    Discoverer,
    Other,
    Translator,
    User,
    #[default]
    Vendor,
}

impl PublisherCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            PublisherCategory::Coordinator => "coordinator",
            PublisherCategory::Discoverer => "discoverer",
            PublisherCategory::Other => "other",
            PublisherCategory::Translator => "translator",
            PublisherCategory::User => "user",
            PublisherCategory::Vendor => "vendor",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub email: Spanned<String>,
    #[serde(default)]
    pub urls: Vec<Spanned<String>>,
}

/// RFC 9116 settings. Contact defaults to `contact.email` and `contact.urls`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityTxtConfig {
    /// Days from the build time to `Expires` (at most 365).
    #[serde(default)]
    pub expires_after_days: Option<Spanned<i64>>,
    /// A fixed `Expires` date instead of a duration.
    #[serde(default)]
    pub expires: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    pub preferred_languages: Vec<String>,
    #[serde(default)]
    pub hiring: Option<Spanned<String>>,
    #[serde(default)]
    pub extra_contacts: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PgpConfig {
    /// Armored public key to publish, relative to the site root.
    pub public_key: Spanned<PathBuf>,
}

/// Where the secret signing key comes from. Never committed: path or environment.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigningConfig {
    /// Path to an armored secret key (relative to the site root).
    #[serde(default)]
    pub key_file: Option<PathBuf>,
    /// Environment variable holding the armored secret key (checked first).
    #[serde(default = "default_key_env")]
    pub key_env: String,
    /// Environment variable holding the key's passphrase.
    #[serde(default = "default_passphrase_env")]
    pub passphrase_env: String,
}

fn default_key_env() -> String {
    "PSIRT_SITE_SIGNING_KEY".into()
}

fn default_passphrase_env() -> String {
    "PSIRT_SITE_SIGNING_PASSPHRASE".into()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsafConfig {
    #[serde(default = "yes")]
    pub pretty: bool,
}

impl Default for CsafConfig {
    fn default() -> Self {
        CsafConfig { pretty: true }
    }
}

/// RSS feeds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedsConfig {
    /// Items per feed, newest first; `0` keeps every item. Feed readers poll a feed again
    /// and again, so a feed of every advisory a large PSIRT ever published (12 MB at
    /// 10,000 advisories) costs them and the host far more than the news is worth; the
    /// full record stays on the advisories page and in the CSAF provider's ROLIE feed.
    #[serde(default = "default_feed_limit", deserialize_with = "item_count")]
    pub limit: usize,
}

/// A count of items: serde's own error for `-1` ("expected usize") would not tell a
/// PSIRT what to write instead.
fn item_count<'de, D: serde::Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    let n = i64::deserialize(d)?;
    usize::try_from(n).map_err(|_| {
        serde::de::Error::custom(format!(
            "`{n}` is not a number of items: write a positive number, or 0 for every item"
        ))
    })
}

/// Enough for a busy patch day (some vendors publish dozens of advisories at once) to
/// reach a reader that polls daily.
pub const DEFAULT_FEED_LIMIT: usize = 100;

fn default_feed_limit() -> usize {
    DEFAULT_FEED_LIMIT
}

impl Default for FeedsConfig {
    fn default() -> Self {
        FeedsConfig {
            limit: DEFAULT_FEED_LIMIT,
        }
    }
}

/// The advisory lists: the index, each year, each severity and each product.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListsConfig {
    /// Advisories per page; `0` puts a whole list on one page.
    #[serde(default = "default_per_page", deserialize_with = "item_count")]
    pub per_page: usize,
}

pub const DEFAULT_PER_PAGE: usize = 100;

fn default_per_page() -> usize {
    DEFAULT_PER_PAGE
}

impl Default for ListsConfig {
    fn default() -> Self {
        ListsConfig {
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

/// What content is checked against while site.toml has errors (never built).
const STAND_IN_CONFIG: &str = r#"
title = "site.toml has errors"
base_url = "https://site-toml-has-errors.invalid/"
[publisher]
name = "site.toml has errors"
namespace = "https://site-toml-has-errors.invalid/"
[contact]
email = "psirt@site-toml-has-errors.invalid"
"#;

/// The loaded configuration with the text it came from (for diagnostics).
#[derive(Debug, Clone)]
pub struct LoadedConfig {
    pub config: SiteConfig,
    pub path: PathBuf,
    pub text: Arc<str>,
}

impl SiteConfig {
    /// Reads and checks `root/site.toml`. `sources` receives the text for diagnostics.
    pub fn load(root: &Path, sources: &mut SourceMap) -> Result<LoadedConfig, Vec<Diagnostic>> {
        let path = PathBuf::from(CONFIG_FILE);
        let text = read_text(root, &path, sources).map_err(|d| vec![d])?;
        let config: SiteConfig = toml_input::parse(&text, 0, &path)?;
        let problems = config.check(&path);
        if problems.iter().any(Diagnostic::is_error) {
            return Err(problems);
        }
        Ok(LoadedConfig { config, path, text })
    }

    /// As [`SiteConfig::load`], but when site.toml can be read and has mistakes, also a
    /// stand-in configuration, so that the content can be checked in the same run and every
    /// problem of the site is reported at once. The build never goes past the errors.
    pub fn load_best_effort(
        root: &Path,
        sources: &mut SourceMap,
    ) -> Result<(LoadedConfig, Vec<Diagnostic>), Vec<Diagnostic>> {
        let path = PathBuf::from(CONFIG_FILE);
        let text = read_text(root, &path, sources).map_err(|d| vec![d])?;
        let mut problems = Vec::new();
        let config = match toml_input::parse::<SiteConfig>(&text, 0, &path) {
            Ok(config) => {
                problems = config.check(&path);
                config
            }
            Err(d) => {
                problems.extend(d);
                Self::stand_in(&text)
            }
        };
        Ok((LoadedConfig { config, path, text }, problems))
    }

    /// A valid configuration for checking content while site.toml has errors; keeps the
    /// file's `raw_html`, which decides how bodies are read, when it can be made out.
    fn stand_in(text: &str) -> SiteConfig {
        let raw_html = toml::from_str::<toml::Table>(text)
            .ok()
            .and_then(|t| t.get("raw_html").and_then(toml::Value::as_bool))
            .unwrap_or(false);
        let mut config: SiteConfig = toml::from_str(STAND_IN_CONFIG)
            .unwrap_or_else(|_| unreachable!("the stand-in configuration is valid (tested)"));
        config.raw_html = raw_html;
        config
    }

    fn check(&self, path: &Path) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut url = |value: &Spanned<String>, what: &str, schemes: &[&str]| {
            if let Err(msg) = check_url(value.get_ref(), schemes) {
                out.push(
                    Diagnostic::error(Code::InvalidUrl, format!("{what}: {msg}"))
                        .at(path, value.span())
                        .help(format!("use an absolute {} URL", schemes.join(" or "))),
                );
            }
        };
        url(&self.base_url, "base_url", BASE_URL_SCHEMES);
        url(
            &self.publisher.namespace,
            "publisher.namespace",
            &["https", "http"],
        );
        for u in &self.contact.urls {
            url(u, "contact.urls", &["https", "http", "mailto"]);
        }
        if let Some(st) = &self.security_txt {
            if let Some(h) = &st.hiring {
                url(h, "security_txt.hiring", &["https", "http"]);
            }
            for c in &st.extra_contacts {
                url(c, "security_txt.extra_contacts", &["https", "mailto", "tel"]);
            }
        }
        if let Some(prefix) = &self.id_prefix {
            out.extend(check_id_prefix(prefix, path));
        }
        if !is_email(self.contact.email.get_ref()) {
            out.push(
                Diagnostic::error(Code::InvalidValue, "contact.email is not an email address")
                    .at(path, self.contact.email.span())
                    .help("write it as psirt@example.com, without mailto:"),
            );
        }
        out
    }

    /// Replaces `base_url` with the `--base-url` option (or `serve`'s address), checked as
    /// strictly as site.toml's value: it reaches every `href` and the canonical link. The
    /// option has no place in a file, so the diagnostic names the option.
    pub fn override_base_url(&mut self, base: &str) -> Result<(), Diagnostic> {
        check_url(base, BASE_URL_SCHEMES).map_err(|msg| {
            Diagnostic::error(Code::InvalidUrl, format!("--base-url: {msg}")).help(format!(
                "pass an absolute {} URL, e.g. --base-url https://staging.example.com",
                BASE_URL_SCHEMES.join(" or ")
            ))
        })?;
        self.base_url = Spanned::new(0..0, base.to_string());
        Ok(())
    }

    /// `base_url` without a trailing slash, ready for `format!("{base}/path")`.
    pub fn base(&self) -> &str {
        self.base_url.get_ref().trim_end_matches('/')
    }
}

/// Reads site.toml: a regular file within the input size limit, in UTF-8. The text goes to
/// `sources`, also when it is not UTF-8 (a lossy copy), so every diagnostic has line:col.
fn read_text(root: &Path, path: &Path, sources: &mut SourceMap) -> Result<Arc<str>, Diagnostic> {
    let bytes = read_limited(&root.join(path), MAX_FILE_BYTES).map_err(|e| match e {
        ReadError::Io(e) => Diagnostic::error(Code::Config, format!("cannot read {CONFIG_FILE}: {e}"))
            .in_file(path)
            .help("run `psirt-site init DIR` to create a site, or pass --root"),
        e => Diagnostic::error(Code::Io, format!("{CONFIG_FILE}: {e}"))
            .in_file(path)
            .help(format!("{CONFIG_FILE} is a small text file: replace it with one")),
    })?;
    match String::from_utf8(bytes) {
        Ok(t) => {
            let text: Arc<str> = Arc::from(t);
            sources.add(path, text.clone());
            Ok(text)
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            // The lossy copy keeps the valid prefix byte for byte, so `at` maps to the right
            // line and column.
            sources.add(path, Arc::from(String::from_utf8_lossy(e.as_bytes())));
            Err(
                Diagnostic::error(Code::InvalidUtf8, format!("{CONFIG_FILE} is not valid UTF-8"))
                    .at(path, at..at + 1)
                    .help("save the file as UTF-8"),
            )
        }
    }
}

/// `id_prefix` is the part of an id before `-YYYY-NNNN`: letters and digits in groups
/// joined by single `-`, the form every advisory id of the demo and of CSAF tracking ids
/// in the corpus has.
fn check_id_prefix(prefix: &Spanned<String>, path: &Path) -> Option<Diagnostic> {
    let value = prefix.get_ref();
    let groups_ok = value
        .split('-')
        .all(|g| !g.is_empty() && g.chars().all(|c| c.is_ascii_alphanumeric()));
    if groups_ok && value.len() <= 32 {
        return None;
    }
    let help = match value.strip_suffix('-') {
        Some(without) if !without.is_empty() => {
            format!("write it without the last `-`: id_prefix = \"{without}\" (ids are {without}-YYYY-NNNN)")
        }
        _ => "use letters and digits, in groups joined by `-`, at most 32 characters, e.g. id_prefix = \"ACME-SA\"".into(),
    };
    Some(
        Diagnostic::error(
            Code::Config,
            format!("id_prefix `{value}` is not an advisory id prefix"),
        )
        .at(path, prefix.span())
        .help(help),
    )
}

/// Whether `id` starts with `prefix` and `-`.
pub fn has_id_prefix(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('-'))
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>\"".contains(c))
}

#[cfg(test)]
mod stand_in_tests {
    use super::*;

    #[test]
    fn the_stand_in_configuration_is_valid_and_keeps_raw_html() {
        let config: SiteConfig = toml::from_str(STAND_IN_CONFIG).expect("valid");
        assert!(config.check(Path::new("site.toml")).is_empty());
        assert!(SiteConfig::stand_in("raw_html = true\ntitel = 1\n").raw_html);
        assert!(!SiteConfig::stand_in("not toml [").raw_html);
    }
}
