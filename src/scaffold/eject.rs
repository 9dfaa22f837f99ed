//! `theme eject`: copies built-in templates into the site's `templates/` folder, where they
//! override the built-in ones (`docs/templates.md`) and can be edited.

use std::fs;
use std::path::{Path, PathBuf};

use super::{failure, io};
use crate::Failure;
use crate::config::CONFIG_FILE;
use crate::diag::{Code, Diagnostic};
use crate::theme::Theme;

/// The site's override folder (the first layer a template is looked up in).
const TEMPLATES_DIR: &str = "templates";

/// The built-in templates' names, sorted (`advisory.html`, `partials/header.html`, …).
pub fn template_names() -> Vec<String> {
    let mut names = Theme::builtin_template_names();
    names.sort();
    names
}

/// Copies the built-in templates `names` (all of them when empty) into `root/templates/`
/// and returns the files written. Nothing is written when a name is unknown or a file is
/// there already: an ejected template may hold the site's edits.
pub fn eject(root: &Path, names: &[String]) -> Result<Vec<PathBuf>, Failure> {
    if !root.join(CONFIG_FILE).is_file() {
        return Err(failure(
            Diagnostic::error(Code::Config, format!("{} has no site.toml", root.display()))
                .help("run this in a site folder, pass --root, or create one with `psirt-site init`"),
        ));
    }
    let wanted = if names.is_empty() {
        template_names()
    } else {
        names.to_vec()
    };
    let mut files = Vec::with_capacity(wanted.len());
    for name in &wanted {
        let Some(text) = Theme::builtin_template(name) else {
            return Err(failure(unknown(name)));
        };
        let path = root.join(TEMPLATES_DIR).join(name);
        if path.exists() {
            return Err(failure(
                Diagnostic::error(Code::Io, format!("{} exists already", path.display()))
                    .help("it may hold your changes: move it away to eject the built-in version again"),
            ));
        }
        files.push((path, text));
    }
    for (path, text) in &files {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| failure(io(parent, &e)))?;
        }
        fs::write(path, text).map_err(|e| failure(io(path, &e)))?;
    }
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

fn unknown(name: &str) -> Diagnostic {
    Diagnostic::error(Code::Template, format!("`{name}` is not a built-in template"))
        .help("`psirt-site theme eject --list` lists them, e.g. advisory.html or partials/header.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join(CONFIG_FILE), "").expect("write");
        dir
    }

    #[test]
    fn copies_the_named_templates_and_keeps_existing_files() {
        let dir = site();
        let written = eject(dir.path(), &["advisory.html".into()]).expect("ejected");
        let path = dir.path().join("templates/advisory.html");
        assert_eq!(written, vec![path.clone()]);
        assert_eq!(
            fs::read_to_string(&path).ok(),
            Theme::builtin_template("advisory.html")
        );
        fs::write(&path, "edited").expect("write");
        assert!(eject(dir.path(), &[]).is_err());
        assert_eq!(fs::read_to_string(&path).expect("read"), "edited");
        assert_eq!(
            fs::read_dir(dir.path().join("templates")).expect("dir").count(),
            1
        );
    }

    #[test]
    fn refuses_unknown_names_and_folders_without_a_site() {
        let dir = site();
        let err = eject(dir.path(), &["nope.html".into()]).expect_err("unknown");
        assert_eq!(err.diagnostics[0].code, Code::Template);
        let empty = tempfile::tempdir().expect("temp dir");
        assert!(eject(empty.path(), &[]).is_err());
    }
}
