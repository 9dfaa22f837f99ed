//! Command-line interface definitions (clap). `main.rs` maps them onto the library.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Static site generator for product security teams: advisories, CSAF 2.0, security.txt.
#[derive(Debug, Parser)]
#[command(name = "psirt-site", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 success, 1 content errors (see the diagnostics), 2 usage errors.\n\nExample:\n  psirt-site init my-psirt && cd my-psirt && psirt-site build"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum, Default)]
pub(crate) enum MessageFormat {
    /// `file:line:col: error[code]: message` with a snippet and a hint
    #[default]
    Human,
    /// GitHub Actions workflow annotations
    Github,
}

#[derive(Debug, Args)]
pub(crate) struct Common {
    /// Site root: the folder holding site.toml
    #[arg(long, default_value = ".")]
    pub(crate) root: PathBuf,
    /// How to print diagnostics
    #[arg(long, value_enum, default_value_t)]
    pub(crate) message_format: MessageFormat,
    /// Print nothing but errors
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// List every held-back advisory (by default more than ten are counted in one line)
    #[arg(long, short, conflicts_with = "quiet")]
    pub(crate) verbose: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Build the site into the output folder (public/ by default)
    #[command(
        after_help = "Drafts, embargoed advisories (published in the future) and TLP other than CLEAR are\nheld back and listed, never written. The previous output stays untouched when the build\nfails. Files whose bytes did not change are kept as they were (same file, same mtime);\nunchanged advisories are not rendered again (the cache in .psirt-cache, see --full).\nSOURCE_DATE_EPOCH sets the build time for reproducible output.\n\nExamples:\n  psirt-site build\n  psirt-site build --changed purge.txt\n  psirt-site build --output /tmp/site --base-url https://staging.example\n  psirt-site build --preview ../preview"
    )]
    Build {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        args: BuildArgs,
    },
    /// Validate everything build would, without writing anything
    #[command(
        after_help = "Held-back advisories (drafts, embargoed) are validated too.\n\nExamples:\n  psirt-site check\n  psirt-site check --message-format github\n  psirt-site check --provider public/   # check a built CSAF provider tree"
    )]
    Check {
        #[command(flatten)]
        common: Common,
        /// Check a built output folder as a CSAF 2.0 provider instead of the sources
        #[arg(long, value_name = "DIR")]
        provider: Option<PathBuf>,
    },
    /// Create a new site that builds immediately
    #[command(after_help = "Example:\n  psirt-site init acme-psirt")]
    Init {
        /// Folder to create (must be empty or absent)
        dir: PathBuf,
    },
    /// Create new content
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
    /// Work with the theme's templates
    Theme {
        #[command(subcommand)]
        what: ThemeCommand,
    },
    /// Import existing CSAF 2.0 advisories (or OSV records) as Markdown advisories of this site
    #[command(
        after_help = "Each PATH is a CSAF or OSV JSON file, a folder of them (searched recursively), or a CSAF\nprovider tree (a folder with provider-metadata.json or .well-known/csaf/), read through\nits index.txt files with .sha256/.sha512 checked. Each document becomes\ncontent/advisories/<year>/<id>.md (each `:` of the id written `_`); new products are added to content/products.toml.\nEvery value the advisory cannot hold is reported by its JSON pointer. Documents that\nfail the CSAF schema or a mandatory test, or whose rebuilt document would, are refused;\nthe others still import.\n\nExamples:\n  psirt-site import ../old-provider/public\n  psirt-site import --dry-run --report import.json advisories/*.json"
    )]
    Import {
        /// Site root: the folder holding site.toml
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Show what would be written; write nothing
        #[arg(long)]
        dry_run: bool,
        /// Replace advisory files that exist already
        #[arg(long)]
        force: bool,
        /// Also write the report (imported, refused, lost values) as JSON to FILE
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// CSAF or OSV files, folders or CSAF provider trees
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Serve the site on 127.0.0.1 and rebuild on every change
    #[command(
        after_help = "Drafts, embargoed advisories and TLP other than CLEAR are shown with a preview\nbanner unless --public. Only requests for localhost, *.localhost, 127.0.0.1 or [::1]\nare answered (docs/serve.md).\n\nExample:\n  psirt-site serve --port 8000 --open"
    )]
    Serve {
        #[command(flatten)]
        common: Common,
        /// Port to listen on (0 picks a free one)
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Open the site in a browser
        #[arg(long)]
        open: bool,
        /// Show only what the public build would publish
        #[arg(long)]
        public: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ThemeCommand {
    /// Copy built-in templates into the site's templates/ folder, to edit them there
    #[command(
        after_help = "A template in templates/ overrides the built-in one of the same name (docs/templates.md).\nFiles already in templates/ are never overwritten: the command stops before writing.\n\nExamples:\n  psirt-site theme eject --list\n  psirt-site theme eject advisory.html partials/header.html\n  psirt-site theme eject            # every built-in template"
    )]
    Eject {
        /// Site root: the folder holding site.toml
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// List the built-in templates instead of copying them
        #[arg(long, conflicts_with = "names")]
        list: bool,
        /// Templates to copy, by name (advisory.html, partials/header.html); all when none
        names: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum NewCommand {
    /// Create the next advisory file: a draft with `[TODO …]` placeholders
    #[command(
        after_help = "The id is <id_prefix>-YYYY-NNNN: id_prefix from site.toml (else the prefix of the\nexisting advisory files), this year, the next free number, e.g. ACME-SA-2026-0007.\nWhat is not given is a [TODO …] placeholder: the draft checks, and check and build\nrefuse to publish it while one is left.\n\nExample:\n  psirt-site new advisory --title \"Buffer overflow in the web UI\" --product router-os \\\n      --cve CVE-2026-12345 --cwe CWE-787 --cvss CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
    )]
    Advisory {
        /// Site root
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Advisory title
        #[arg(long)]
        title: Option<String>,
        /// CVE id of the vulnerability (CVE-YYYY-NNNN)
        #[arg(long)]
        cve: Option<String>,
        /// Id of the affected product in content/products.toml
        #[arg(long)]
        product: Option<String>,
        /// CWE id of the weakness (CWE-NNN)
        #[arg(long)]
        cwe: Option<String>,
        /// CVSS 3.x or 4.0 base vector (its version decides cvss_v3 or cvss_v4)
        #[arg(long)]
        cvss: Option<String>,
    },
}

/// The options of `build`: `--preview DIR` switches the mode and the output folder.
#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    /// Output folder (default: output_dir from site.toml)
    #[arg(long, short)]
    pub(crate) output: Option<PathBuf>,
    /// Override base_url from site.toml
    #[arg(long)]
    pub(crate) base_url: Option<String>,
    /// Build everything, drafts and embargoed included, into DIR (never the public
    /// output folder), with a banner and noindex on every page
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    pub(crate) preview: Option<PathBuf>,
    /// Also write CSAF documents of released advisories with a TLP other than CLEAR
    /// (GREEN, AMBER, RED) into DIR, for an access-controlled location; never into
    /// the public output
    #[arg(long, value_name = "DIR")]
    pub(crate) restricted: Option<PathBuf>,
    /// Print how long each stage (and each step of emitting) took: wall time, CPU time
    /// of all threads, and the process's resident and peak memory when it ended
    #[arg(long)]
    pub(crate) timings: bool,
    /// Write the URL paths (`/advisories/X/`, `/feeds/all.xml`) of every file this build
    /// added, changed or removed compared with the previous output into FILE, one per
    /// line, sorted (for CDN purges); unchanged files keep their bytes and mtime. FILE
    /// may not be in the site's sources, an output folder or the cache
    #[arg(long, value_name = "FILE")]
    pub(crate) changed: Option<PathBuf>,
    /// Make every file again, ignoring the build cache (the output still keeps the
    /// files whose bytes did not change)
    #[arg(long)]
    pub(crate) full: bool,
    /// Keep the build cache in DIR (default: .psirt-cache in the site root). It lets a
    /// build skip the advisories that did not change; deleting it is always safe
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
}
