//! The build that finds nothing to do. When everything a build reads is byte for byte
//! what the last build of the same output read (site.toml, every file found in `content/`,
//! the theme's templates and static files, the key files), with the same build time,
//! options and program, and the output still holds exactly the files that build left,
//! the output is already what this build would write: it is left alone and the last
//! build's summary is reported, without parsing or rendering anything.
//!
//! The signing key's passphrase is not part of what is compared (it is a secret; only
//! digests are stored, but not even those of a passphrase): such a build does not unlock
//! the key. A build that printed warnings is never skipped, so CI logs show them every time.

use std::path::{Path, PathBuf};

use super::cache::{self, Last};
use super::load::Read;
use super::{BuildOptions, Report, output_dir};
use crate::digest::{self, Key};
use crate::output;
use crate::output::Changes;
use crate::source::{self, site_path};
use crate::theme::Theme;

/// Key files larger than this are not keys (the build refuses them anyway).
const MAX_KEY_BYTES: u64 = 1024 * 1024;

/// The digest of everything the build reads and is run with, for output `out`, and the
/// theme it loaded for it (the build renders with it); `None` when something was said
/// about the inputs already, or the theme does not load.
pub(super) fn inputs_digest(opts: &BuildOptions, read: &Read, out: &Path) -> Option<(Key, Theme)> {
    if !read.is_clean() || read.config_failed {
        return None;
    }
    let config = &read.loaded.config;
    let theme = Theme::load(&opts.root, config.theme.as_deref()).ok()?;
    let mut parts: Vec<Vec<u8>> = vec![
        format!(
            "{} {:?} {:?} {:?} {} {:?}",
            read.now, opts.mode, opts.base_url, opts.restricted, opts.live_reload, out
        )
        .into_bytes(),
        read.loaded.text.as_bytes().to_vec(),
        theme.fingerprint.to_vec(),
    ];
    for (path, bytes) in &theme.statics {
        parts.push(digest::key(&[path.as_bytes(), bytes]).to_vec());
    }
    // Each file's digest (its path and text) was made as it was read.
    for f in &read.files {
        parts.push(format!("{:?}", f.kind).into_bytes());
        parts.push(f.digest.to_vec());
    }
    parts.extend(key_material(opts, config)?);
    let parts: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    Some((digest::key(&parts), theme))
}

/// The public key's file, and the signing key (from its file or environment variable), as
/// digests; `None` when one cannot be read.
fn key_material(opts: &BuildOptions, config: &crate::config::SiteConfig) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    let read = |path: &Path| source::read_limited(&site_path(&opts.root, path), MAX_KEY_BYTES).ok();
    if let Some(pgp) = &config.pgp {
        out.push(digest::key(&[&read(pgp.public_key.get_ref())?]).to_vec());
    }
    if let Some(signing) = &config.signing {
        let from_env = std::env::var_os(&signing.key_env).map(|v| v.as_encoded_bytes().to_vec());
        let from_file = match &signing.key_file {
            Some(path) => Some(read(path)?),
            None => None,
        };
        out.push(digest::key(&[&from_env.unwrap_or_default(), &from_file.unwrap_or_default()]).to_vec());
    }
    Some(out)
}

/// The report of a build that found nothing to do: the last build's, with no change.
pub(super) fn report(last: &Last, shown: &Path) -> Option<Report> {
    let held_back = last
        .summary
        .held_back
        .iter()
        .map(super::cache::Held::to_held_back)
        .collect::<Option<Vec<_>>>()?;
    Some(Report {
        published: last.summary.published,
        held_back,
        files: last.files(),
        output: Some(shown.to_path_buf()),
        changes: Some(Changes {
            kept: last.files(),
            ..Changes::default()
        }),
        ..Report::default()
    })
}

/// What is known about the last build of this output before anything is parsed.
#[derive(Default)]
pub(super) struct Probe {
    /// The digest of this build's inputs (`unchanged`), when they are clean.
    pub(super) inputs: Option<crate::digest::Key>,
    /// The theme loaded for the digest, for the build to render with.
    pub(super) theme: Option<Theme>,
    pub(super) last: cache::Last,
    shown: PathBuf,
}

impl Probe {
    pub(super) fn new(opts: &BuildOptions, read: &Read) -> Probe {
        let config = &read.loaded.config;
        if read.config_failed {
            return Probe::default();
        }
        let Ok(targets) = output::targets(&super::wanted(opts, config), config) else {
            return Probe::default();
        };
        // The cache describes an output: without one of ours there, it is not read at all.
        let last = match !opts.full && output::is_ours(&targets.out, targets.kind) {
            true => cache::load(&cache::cache_file(&targets.cache, &targets.out), &targets.out),
            false => cache::Last::default(),
        };
        let (inputs, theme) = inputs_digest(opts, read, &targets.out).unzip();
        Probe {
            inputs,
            theme,
            last,
            shown: output_dir(opts, config),
        }
    }

    /// The report of this build if it has nothing to do (see `unchanged`).
    pub(super) fn unchanged(&self, opts: &BuildOptions) -> Option<Report> {
        let same = self.inputs.is_some() && self.inputs == self.last.inputs;
        if !same || opts.restricted.is_some() || !self.last.output_intact() {
            return None;
        }
        report(&self.last, &self.shown)
    }
}
