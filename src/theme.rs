//! Themes: the built-in theme (embedded in the binary), an optional site theme, and the
//! site's own overrides, resolved file by file (site → theme → built-in).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_embed::RustEmbed;
use serde::Serialize;
use tera::{Context, Tera};
use walkdir::WalkDir;

use crate::diag::{Code, Diagnostic};
use crate::source::{MAX_FILE_BYTES, followed_link, linked_folder, not_a_regular_file, read_limited};

#[derive(RustEmbed)]
#[folder = "themes/default/"]
struct Builtin;

/// Prefix under which built-in templates are registered, so a site template can extend
/// `builtin/advisory.html` and replace a single block.
pub const BUILTIN_PREFIX: &str = "builtin/";
pub const THEME_PREFIX: &str = "theme/";

/// The template contract this build speaks (`docs/templates.md`): a theme's `theme.toml`
/// must name it. 2: list pages get the summary form without the advisory's lists.
pub const API_VERSION: u32 = 2;

/// `themes/<name>/theme.toml`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // read for the check; only `api_version` is used
struct ThemeToml {
    name: String,
    #[serde(default)]
    description: String,
    api_version: toml::Spanned<u32>,
}

/// Templates ready to render and the static files to copy, with overrides applied.
pub struct Theme {
    tera: Tera,
    /// Output path (e.g. `css/portal.css`) → bytes; later layers have replaced earlier ones.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// SHA-256 over every template's name and source: pages rendered with another theme
    /// are never reused (see `memo`).
    pub fingerprint: [u8; 32],
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Theme")
            .field("statics", &self.statics.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// One layer's files: templates (name → source) and statics (path → bytes).
#[derive(Default)]
struct Layer {
    templates: Vec<(String, String)>,
    statics: Vec<(String, Vec<u8>)>,
}

fn builtin_layer() -> Layer {
    let mut layer = Layer::default();
    for name in Builtin::iter() {
        let Some(file) = Builtin::get(&name) else { continue };
        if let Some(t) = name.strip_prefix("templates/") {
            let text = String::from_utf8_lossy(&file.data).into_owned();
            layer.templates.push((format!("{BUILTIN_PREFIX}{t}"), text));
        } else if let Some(s) = name.strip_prefix("static/") {
            layer.statics.push((s.to_string(), file.data.into_owned()));
        }
    }
    layer
}

fn render_error(e: &tera::Error, what: &str, template: &str) -> Diagnostic {
    template_error(e, &format!("{what} with template {template}"))
}

/// Reads `root/dir/templates/**` and `root/dir/static/**` from disk; `dir` is `""` for the
/// site's own files and `themes/<name>`, so that diagnostics name files from the site root.
fn disk_layer(root: &Path, dir: &Path, prefix: &str) -> Result<Layer, Vec<Diagnostic>> {
    let mut layer = Layer::default();
    let mut diags = Vec::new();
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    for (sub, is_template) in [("templates", true), ("static", false)] {
        let base = root.join(dir).join(sub);
        if !base.is_dir() {
            continue;
        }
        let shown = dir.join(sub);
        for entry in WalkDir::new(&base).sort_by_file_name() {
            let rel = match theme_file(&canonical_root, &base, &shown, entry, is_template) {
                Ok(Some(rel)) => rel,
                Ok(None) => continue,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            // The same limit as content files: every static file is held in memory until
            // it is written, so one huge file (or a path swapped for a device) could exhaust it.
            match read_limited(&base.join(&rel), MAX_FILE_BYTES) {
                Ok(bytes) if is_template => layer.templates.push((
                    format!("{prefix}{rel}"),
                    String::from_utf8_lossy(&bytes).into_owned(),
                )),
                Ok(bytes) => match private_key_line(&bytes) {
                    Some(line) => diags.push(secret_in_static(&shown.join(&rel), line)),
                    None => layer.statics.push((rel, bytes)),
                },
                Err(e) => diags.push(
                    Diagnostic::error(Code::Io, format!("cannot read {rel}: {e}"))
                        .in_file(dir.join(sub).join(&rel))
                        .help("keep theme and static files below the limit (large downloads belong on another host)"),
                ),
            }
        }
    }
    if diags.is_empty() { Ok(layer) } else { Err(diags) }
}
/// The name (relative to `base`, `/`-separated) of a walked template or static file to read;
/// `None` for folders and hidden files. An error for what would otherwise be left out
/// without a word: a named pipe, socket or device, a link out of the site root (never
/// followed: it could publish any file the build can read), a link to a folder.
fn theme_file(
    canonical_root: &Path,
    base: &Path,
    shown: &Path,
    entry: walkdir::Result<walkdir::DirEntry>,
    is_template: bool,
) -> Result<Option<String>, Diagnostic> {
    let entry =
        entry.map_err(|e| Diagnostic::error(Code::Io, format!("cannot read theme: {e}")).in_file(shown))?;
    let rel = rel_name(base, entry.path());
    // The folder itself may be a link (it is followed), and hidden files are never read.
    if entry.depth() == 0 || rel.split('/').any(|c| c.starts_with('.')) {
        return Ok(None);
    }
    let file = shown.join(&rel);
    let is_link = entry.path_is_symlink();
    let file_type = if is_link {
        followed_link(
            canonical_root,
            entry.path(),
            &file,
            &format!("{}/", shown.display()),
        )?
    } else {
        entry.file_type()
    };
    if file_type.is_dir() {
        return if is_link {
            Err(linked_folder(&file))
        } else {
            Ok(None)
        };
    }
    if !file_type.is_file() {
        return Err(not_a_regular_file(
            &file,
            if is_template { "template" } else { "static file" },
        ));
    }
    Ok(Some(rel))
}

/// The line (from 1) on which `bytes` begin an ASCII-armored private key: an OpenPGP secret
/// key block (`-----BEGIN PGP PRIVATE KEY BLOCK-----`) or a PEM private key (RSA, EC,
/// PKCS #8, OpenSSH). Static files are published as they are, so a signing key copied or
/// linked into `static/` by mistake would go out to every reader.
fn private_key_line(bytes: &[u8]) -> Option<usize> {
    memchr::memmem::find_iter(bytes, b"-----BEGIN ").find_map(|at| {
        let starts_line = at == 0 || bytes[at - 1] == b'\n';
        let rest = &bytes[at..];
        let line = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let private = line.ends_with(b"PRIVATE KEY-----") || line.ends_with(b"PRIVATE KEY BLOCK-----");
        (starts_line && private).then(|| memchr::memchr_iter(b'\n', &bytes[..at]).count() + 1)
    })
}

fn secret_in_static(file: &Path, line: usize) -> Diagnostic {
    Diagnostic::error(
        Code::SecretKey,
        format!("line {line} begins a private key; static files are published as they are, so it is not"),
    )
    .in_file(file)
    .help("keep signing and other secret keys out of static/ and the theme (the signing key belongs in an environment variable or a file outside the site); replace the key if it was ever published")
}

/// A theme written for another template contract would render wrong pages without an error
/// (a field it reads may be empty now): it must say which contract it follows.
fn check_api_version(root: &Path, dir: &Path) -> Result<(), Vec<Diagnostic>> {
    let rel = dir.join("theme.toml");
    let bytes = read_limited(&root.join(&rel), MAX_FILE_BYTES).map_err(|e| {
        vec![
            Diagnostic::error(Code::Template, format!("cannot read {}: {e}", rel.display()))
                .in_file(&rel)
                .help(format!(
                    "a theme has a theme.toml with name, description and `api_version = {API_VERSION}`"
                )),
        ]
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let theme: ThemeToml = crate::toml_input::parse(&text, 0, &rel)?;
    let version = *theme.api_version.get_ref();
    if version == API_VERSION {
        return Ok(());
    }
    Err(vec![
        Diagnostic::error(
            Code::Template,
            format!("the theme was written for template contract {version}; this psirt-site uses {API_VERSION}"),
        )
        .at(&rel, theme.api_version.span())
        .help(format!(
            "update the theme to contract {API_VERSION} (CHANGELOG.md, under Breaking, says what changed; docs/templates.md has the contract) and set api_version = {API_VERSION}"
        )),
    ])
}

fn rel_name(base: &Path, path: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

impl Theme {
    /// Loads the built-in theme, then `root/themes/<name>` if configured, then the site's
    /// own `templates/` and `static/`.
    pub fn load(root: &Path, theme: Option<&str>) -> Result<Theme, Vec<Diagnostic>> {
        let mut layers = vec![builtin_layer()];
        if let Some(name) = theme {
            let dir: PathBuf = Path::new("themes").join(name);
            if !root.join(&dir).is_dir() {
                return Err(vec![
                    Diagnostic::error(Code::Config, format!("theme `{name}` not found in themes/"))
                        .in_file(crate::config::CONFIG_FILE)
                        .help("create themes/<name>/templates/ or remove `theme` from site.toml"),
                ]);
            }
            check_api_version(root, &dir)?;
            layers.push(disk_layer(root, &dir, THEME_PREFIX)?);
        }
        layers.push(disk_layer(root, Path::new(""), "")?);
        Theme::from_layers(layers)
    }

    fn from_layers(layers: Vec<Layer>) -> Result<Theme, Vec<Diagnostic>> {
        let mut tera = Tera::new();
        tera.set_fallback_prefixes([THEME_PREFIX, BUILTIN_PREFIX])
            .map_err(|e| vec![template_error(&e, "setting up the theme")])?;
        let mut statics = BTreeMap::new();
        let mut templates = Vec::new();
        for layer in layers {
            templates.extend(layer.templates);
            statics.extend(layer.statics);
        }
        let fingerprint = {
            use sha2::Digest;
            let mut h = sha2::Sha256::new();
            for (name, source) in &templates {
                for part in [name, source] {
                    h.update((part.len() as u64).to_le_bytes());
                    h.update(part.as_bytes());
                }
            }
            h.finalize().into()
        };
        tera.add_raw_templates(templates)
            .map_err(|e| vec![template_error(&e, "loading templates")])?;
        Ok(Theme {
            tera,
            statics,
            fingerprint,
        })
    }

    /// Renders `template` with `context`; errors name the template position and what was
    /// being rendered.
    pub fn render(&self, template: &str, context: &impl Serialize, what: &str) -> Result<String, Diagnostic> {
        let ctx = Context::from_serialize(context).map_err(|e| template_error(&e, what))?;
        self.tera
            .render(template, &ctx)
            .map_err(|e| render_error(&e, what, template))
    }

    /// As [`Theme::render`], into a buffer of `capacity` bytes: for pages of megabytes, a
    /// buffer grown by doubling would briefly hold the page two or three times over.
    /// Capacity that is never written costs no memory.
    pub fn render_sized(
        &self,
        template: &str,
        context: &impl Serialize,
        what: &str,
        capacity: usize,
    ) -> Result<Vec<u8>, Diagnostic> {
        let ctx = Context::from_serialize(context).map_err(|e| template_error(&e, what))?;
        let mut out = Vec::with_capacity(capacity);
        self.tera
            .render_to(template, &ctx, &mut out)
            .map_err(|e| render_error(&e, what, template))?;
        Ok(out)
    }

    /// The built-in templates' names (without prefix), for `theme eject --list`.
    pub fn builtin_template_names() -> Vec<String> {
        Builtin::iter()
            .filter_map(|n| n.strip_prefix("templates/").map(str::to_string))
            .collect()
    }

    /// The built-in source of a template, for `theme eject`.
    pub fn builtin_template(name: &str) -> Option<String> {
        Builtin::get(&format!("templates/{name}")).map(|f| String::from_utf8_lossy(&f.data).into_owned())
    }
}

pub(crate) fn template_error(e: &tera::Error, what: &str) -> Diagnostic {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    Diagnostic::error(Code::Template, format!("while {what}: {msg}"))
        .help("fix the template named in the message, or remove your override of it")
}
