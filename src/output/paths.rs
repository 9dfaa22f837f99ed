//! Where outputs may go: never where the build reads its inputs, never over a folder of
//! another kind, and checked where a path really leads (through symbolic links).

use std::path::{Component, Path, PathBuf};

use super::{OutputKind, check_replaceable};
use crate::config::SiteConfig;
use crate::diag::{Code, Diagnostic};
use crate::site::Mode;

/// How many symbolic links one path may pass through (as Linux's `MAXSYMLINKS`).
const MAX_LINKS: u32 = 40;

/// Where `p` really leads: absolute, every symbolic link in the part that exists resolved
/// (dangling links too, to where they point), the rest appended as written. The output
/// folder usually does not exist yet, so `canonicalize` alone would see `lnk/new` as a
/// new folder beside `content/` when `lnk` points into it.
pub fn real_path(p: &Path) -> PathBuf {
    let absolute = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut links_left = MAX_LINKS;
    resolve_onto(PathBuf::new(), &absolute, &mut links_left)
}

/// Appends `path` to `resolved` (which holds no links) component by component.
fn resolve_onto(mut resolved: PathBuf, path: &Path, links_left: &mut u32) -> PathBuf {
    for component in path.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => resolved.push(component),
            Component::CurDir => {}
            // `resolved` holds no links, so its parent is the real parent.
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                let next = resolved.join(name);
                let link = match std::fs::symlink_metadata(&next) {
                    Ok(m) if m.file_type().is_symlink() && *links_left > 0 => std::fs::read_link(&next).ok(),
                    _ => None,
                };
                match link {
                    Some(target) => {
                        *links_left -= 1;
                        // An absolute target starts over at its root (`push` replaces).
                        resolved = resolve_onto(resolved, &target, links_left);
                    }
                    None => resolved = next,
                }
            }
        }
    }
    resolved
}

/// Everything a build reads, resolved: folders it reads whole and single files.
#[derive(Debug, Clone)]
pub struct InputPaths {
    root: PathBuf,
    folders: Vec<PathBuf>,
    files: Vec<PathBuf>,
}

impl InputPaths {
    /// The inputs of the site at `root`: `content/`, the site's `static/` and `templates/`
    /// (see `theme::Theme::load`), every theme in `themes/`, `site.toml`, and `key_files`
    /// (relative to the root unless absolute) with their folders when inside the root.
    pub fn new(root: &Path, key_files: &[&Path]) -> Self {
        let root = real_path(root);
        let mut folders: Vec<PathBuf> = [crate::source::CONTENT_DIR, "static", "templates", "themes"]
            .iter()
            .map(|dir| root.join(dir))
            .collect();
        let mut files = vec![root.join(crate::config::CONFIG_FILE)];
        for key in key_files {
            let key = real_path(&crate::source::site_path(&root, key));
            // A key's folder beside site.toml is the root itself: only the file counts.
            if let Some(folder) = key.parent().filter(|f| f.starts_with(&root) && *f != root) {
                folders.push(folder.to_path_buf());
            }
            files.push(key);
        }
        InputPaths { root, folders, files }
    }

    /// The inputs of a site with this configuration (its key files come from it).
    pub fn of(root: &Path, config: &SiteConfig) -> Self {
        let public_key = config.pgp.as_ref().map(|p| p.public_key.get_ref().as_path());
        let signing_key = config.signing.as_ref().and_then(|s| s.key_file.as_deref());
        let keys: Vec<&Path> = public_key.into_iter().chain(signing_key).collect();
        Self::new(root, &keys)
    }

    /// The input that `file` (a real path) is, or the folder of inputs it lies in.
    fn holding(&self, file: &Path) -> Option<&Path> {
        let is_file = self.files.iter().find(|f| *f == file);
        let in_folder = self.folders.iter().find(|f| file.starts_with(f));
        is_file.or(in_folder).map(PathBuf::as_path)
    }

    /// Refuses `out` (a real path) when it is or holds the site, lies inside a folder the
    /// build reads, or holds an input file.
    pub fn check(&self, out: &Path) -> Result<(), Diagnostic> {
        let holds_site = out == self.root || self.root.starts_with(out) || out.parent().is_none();
        let holds_input = self
            .files
            .iter()
            .chain(&self.folders)
            .find(|i| i.starts_with(out));
        if holds_site || holds_input.is_some() {
            return Err(Diagnostic::error(
                Code::Output,
                format!(
                    "refusing to write into {}: it is or contains the site's sources",
                    out.display()
                ),
            )
            .help("choose an output folder such as `public/` inside the site root"));
        }
        if let Some(folder) = self.folders.iter().find(|f| out.starts_with(f)) {
            return Err(Diagnostic::error(
                Code::Output,
                format!(
                    "refusing to write into {}: it is inside {}, which the build reads \
                     (the next build would take the output in as input)",
                    out.display(),
                    folder.display()
                ),
            )
            .help(
                "choose a folder outside content/, static/, templates/, themes/ and the key \
                 files' folders, such as `public/` or `preview/` in the site root",
            ));
        }
        Ok(())
    }
}

/// The folders one build writes, resolved and checked.
#[derive(Debug)]
pub struct Targets {
    /// The public site or the preview.
    pub out: PathBuf,
    pub kind: OutputKind,
    /// Restricted TLP documents, when asked for.
    pub restricted: Option<PathBuf>,
    /// The build cache's folder: never in or around an output (it would be published or
    /// swapped away) nor among the inputs.
    pub cache: PathBuf,
}

/// Where a build was asked to write, as given (relative to the working folder).
#[derive(Debug, Clone)]
pub struct Wanted<'a> {
    /// The site root (holds `site.toml`).
    pub root: &'a Path,
    /// The public site or the preview.
    pub out: PathBuf,
    pub mode: Mode,
    pub restricted: Option<&'a Path>,
    pub cache: PathBuf,
    /// The file for the list of changed paths (`build --changed`), when asked for.
    pub changed_list: Option<&'a Path>,
}

/// Resolves and checks where a build writes: no output in the inputs, over a folder of
/// another kind or not written by psirt-site, a preview or restricted documents never in
/// or around the public output folder.
pub fn targets(wanted: &Wanted<'_>, config: &SiteConfig) -> Result<Targets, Diagnostic> {
    let inputs = InputPaths::of(wanted.root, config);
    let public = real_path(&wanted.root.join(&config.output_dir));
    let out = real_path(&wanted.out);
    let kind = match wanted.mode {
        Mode::Public => OutputKind::Public,
        Mode::Preview => OutputKind::Preview,
    };
    if kind == OutputKind::Preview {
        check_separate(&public, &out, "a preview")?;
    }
    let restricted = wanted.restricted.map(real_path);
    if let Some(dir) = &restricted {
        for other in [&public, &out] {
            check_separate(other, dir, "restricted TLP documents")?;
        }
        inputs.check(dir)?;
        check_replaceable(dir, OutputKind::Restricted)?;
    }
    inputs.check(&out)?;
    check_replaceable(&out, kind)?;
    let cache = real_path(&wanted.cache);
    for output in [Some(&public), Some(&out), restricted.as_ref()]
        .into_iter()
        .flatten()
    {
        check_separate(output, &cache, "the build cache")?;
    }
    inputs.check(&cache)?;
    if let Some(list) = wanted.changed_list {
        let outputs = [Some(&public), Some(&out), restricted.as_ref(), Some(&cache)];
        let outputs: Vec<&Path> = outputs.into_iter().flatten().map(PathBuf::as_path).collect();
        check_list_file(&inputs, &outputs, list)?;
    }
    Ok(Targets {
        out,
        kind,
        restricted,
        cache,
    })
}

/// The file `build --changed` writes after the build: see [`side_file_refusal`].
fn check_list_file(inputs: &InputPaths, folders: &[&Path], list: &Path) -> Result<(), Diagnostic> {
    match side_file_refusal(inputs, folders, list) {
        None => Ok(()),
        Some(why) => Err(Diagnostic::error(
            Code::Output,
            format!("refusing to write the list of changed paths to {}: {why}", list.display()),
        )
        .help("pass --changed a file outside the site's sources, the output folders and the cache, such as `changed.txt` in the site root")),
    }
}

/// Why a file the user asked for beside a build (`build --changed`, `import --report`) may
/// not be written at `file`: it is a folder, an input or in a folder the build reads
/// (writing it would replace `site.toml`, say), or in one of `written` (output folders, the
/// cache: it would be published, or swapped away by the next build). `None` when it may.
pub fn side_file_refusal(inputs: &InputPaths, written: &[&Path], file: &Path) -> Option<String> {
    let real = real_path(file);
    if real.is_dir() {
        return Some("it is a folder".to_string());
    }
    if let Some(input) = inputs.holding(&real) {
        return Some(format!("the build reads {}", input.display()));
    }
    let folder = written.iter().find(|f| real.starts_with(f))?;
    Some(format!(
        "it is inside {}, which the build writes (it would be published, or swapped away by the next build)",
        folder.display()
    ))
}

/// Non-public output (a preview with drafts, restricted TLP documents) must never land in
/// or around the public output folder (both real paths).
pub fn check_separate(public: &Path, other: &Path, what: &str) -> Result<(), Diagnostic> {
    if public == other || other.starts_with(public) || public.starts_with(other) {
        return Err(Diagnostic::error(
            Code::Output,
            format!("refusing to write {what} into or around {}", public.display()),
        )
        .help("pass a separate folder, outside the public output folder"));
    }
    Ok(())
}
