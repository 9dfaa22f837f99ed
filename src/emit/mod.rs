//! Emit: every output kind is its own module, each a pure function of `&Site` returning
//! files. Nothing here touches the disk; `output` writes.

pub mod csaf;
pub mod feeds;
pub mod hall;
pub mod hosting;
pub mod html;
pub mod keys;
pub mod security_txt;
pub mod sitemap;

use rayon::prelude::*;

use crate::diag::{Code, Diagnostic};
use crate::signing::Signer;
use crate::site::Site;
use crate::theme::Theme;

/// One file of the output, with a `/`-separated path relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }

    pub fn is_html(&self) -> bool {
        self.path.ends_with(".html")
    }
}

/// Options that change what is emitted but not what is published.
#[derive(Debug, Clone, Copy, Default)]
pub struct EmitOptions {
    /// Inject the live-reload script into HTML pages (serve mode).
    pub live_reload: bool,
}

type EmitResult = Result<Vec<OutputFile>, Vec<Diagnostic>>;

/// Runs every emitter (in parallel), checks paths, and returns the files sorted by path.
pub fn emit_all(site: &Site, theme: &Theme, signer: Option<&Signer>, opts: EmitOptions) -> EmitResult {
    let emitters: Vec<Box<dyn Fn() -> EmitResult + Sync + Send + '_>> = vec![
        Box::new(|| html::emit(site, theme, opts)),
        Box::new(|| hall::emit(site, theme, opts)),
        Box::new(|| keys::emit(site, theme, opts)),
        Box::new(|| csaf::emit(site, signer)),
        Box::new(|| feeds::emit(site, theme, opts)),
        Box::new(|| security_txt::emit(site, signer)),
        Box::new(|| sitemap::emit(site)),
        Box::new(|| Ok(statics(theme))),
    ];
    let results: Vec<EmitResult> = emitters.par_iter().map(|e| e()).collect();
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.extend(f),
            Err(d) => diags.extend(d),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let listings = csaf::provider::listings(&files, &site.config.title);
    files.extend(listings);
    let hosting = hosting::emit(&files);
    files.extend(hosting);
    files.par_sort_unstable_by(|a, b| a.path.cmp(&b.path));
    check_paths(&files)?;
    Ok(files)
}

fn statics(theme: &Theme) -> Vec<OutputFile> {
    theme
        .statics
        .iter()
        .map(|(path, bytes)| OutputFile::new(path.clone(), bytes.clone()))
        .collect()
}

/// Every path must stay inside the output folder and be unique. Ids are checked when
/// read, so a failure here is either a static file name or a bug; report it, never write.
fn check_paths(files: &[OutputFile]) -> Result<(), Vec<Diagnostic>> {
    let mut diags = Vec::new();
    for pair in files.windows(2) {
        if pair[0].path == pair[1].path {
            diags.push(
                Diagnostic::error(
                    Code::Output,
                    format!("two outputs want the path `{}`", pair[0].path),
                )
                .help("rename the static file or page that collides with a generated one"),
            );
        }
    }
    for f in files {
        if !is_safe_relative(&f.path) {
            diags.push(Diagnostic::error(
                Code::UnsafePath,
                format!(
                    "output path `{}` would leave the output folder",
                    f.path.escape_debug()
                ),
            ));
        }
    }
    if diags.is_empty() { Ok(()) } else { Err(diags) }
}

pub fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
        && path
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_paths() {
        assert!(is_safe_relative("advisories/A/index.html"));
        assert!(is_safe_relative(".well-known/security.txt"));
        for bad in ["", "/etc/passwd", "../x", "a/../b", "a//b", "a\\b", "a\nb"] {
            assert!(!is_safe_relative(bad), "{bad:?}");
        }
    }
}
